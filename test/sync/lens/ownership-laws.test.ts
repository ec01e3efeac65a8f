import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../db/exo/activities.js';
import { hashContent, threeWay, type Content, type ContentField } from '../../../sync/mapping/content.js';
import { exoColumnsFor, type InboundContext } from '../../../sync/mapping/inbound.js';
import { activityContent, planOutbound } from '../../../sync/mapping/outbound.js';
import { OWNERSHIPS, type FieldOwnership } from '../../../sync/mapping/ownership.js';
import type { Post } from '../../../sync/numerik/types.js';
import { CONTENT_FIELDS } from '../../../sync/record/names.js';
import { testActivity, testOutboundContext, wall } from '../../support/mapping-inputs.js';

/**
 * Field ownership as laws: a field owned by one side never changes on that side from the other
 * (the three-way merge, the plan of an Exo change, the columns written to an existing activity),
 * and its owner's change still goes across.
 */
/** The setting's meaning, written out here rather than taken from the code under test. */
const carried = (owned: FieldOwnership, field: ContentField, from: 'exo' | 'numerik') => {
  const owner = owned[field] ?? 'two-way';
  return owner === 'two-way' || owner === `${from}-to-${from === 'exo' ? 'numerik' : 'exo'}`;
};
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const ownership: fc.Arbitrary<FieldOwnership> = fc.dictionary(fc.constantFrom(...CONTENT_FIELDS), fc.constantFrom(...OWNERSHIPS), { maxKeys: CONTENT_FIELDS.length });

const content: fc.Arbitrary<Content> = fc.record({
  type: fc.constant('task' as const),
  customer_id: fc.constantFrom('cus_acme', 'cus_paper'),
  body_text: fc.constantFrom('Call Jo', 'Call Jo\nquote', 'Call Raj'),
  assignee_id: fc.constantFrom('usr_ann', 'usr_raj', null),
  due_at: fc.constantFrom('2026-12-02T21:00:00.000Z', null),
  completed: fc.boolean(),
  completed_at: fc.constantFrom('2026-12-01T00:00:00.000Z', null),
  tags: fc.constantFrom<string[]>(['Phone call'], ['Meeting', 'VIP'], []),
});

const activity = (over: Partial<Activity> = {}): Activity => testActivity({ details: 'Call Jo\nWants a quote', ...over });
const outboundCtx = testOutboundContext;

const inboundCtx = (fieldOwnership: FieldOwnership): InboundContext => ({
  timeZone: 'Pacific/Auckland',
  notesFormat: 'text',
  codePage: 'cp1252',
  accountOf: (id) => ({ cus_acme: { type: 'D' as const, accno: 101 }, cus_paper: { type: 'C' as const, accno: 7 } })[id],
  staffOf: (id) => ({ usr_ann: 1, usr_raj: 2 })[id ?? ''],
  userName: (id) => id,
  typeOfTags: (tags) => tags.map((t) => ({ 'phone call': 5, meeting: 6 })[t.toLowerCase()]).find((t) => t !== undefined),
  defaultStaff: 9,
  defaultType: 6,
  now: new Date('2026-11-27T10:00:00Z'),
  fieldOwnership,
});

/** The fields of the field pair (sync/lens/fields) that writes each TASKS column. */
const COLUMN_FIELDS: Record<string, readonly ContentField[]> = {
  COMPANYID: ['customer_id'],
  SUBJECT: ['body_text'],
  DETAILS: ['body_text'],
  ASSIGNED_TO: ['assignee_id'],
  START_DATETIME: ['due_at', 'follow_up_date'],
  END_DATETIME: ['due_at', 'follow_up_date'],
  OPTIONS: ['due_at', 'follow_up_date'],
  COMPLETED: ['completed', 'completed_at', 'follow_up_date'],
  COMPLETED_PERCENT: ['completed', 'completed_at', 'follow_up_date'],
  COMPLETED_DATETIME: ['completed', 'completed_at', 'follow_up_date'],
  TYPE: ['tags'],
};

describe('field ownership', () => {
  it('law (merge): only a side that owns a field changes it on the other; a one-way field has no conflicts, and its owner’s change goes across', () => {
    fc.assert(
      fc.property(content, content, content, content, fc.constantFrom<'exo' | 'numerik'>('exo', 'numerik'), ownership, (exoBase, numerikBase, exoNow, numerikNow, winner, owned) => {
        const merge = threeWay({ exo: exoBase, numerik: numerikBase }, { exo: exoNow, numerik: numerikNow }, winner, owned);
        for (const f of merge.toExo) expect(carried(owned, f, 'numerik')).toBe(true);
        for (const f of merge.toNumerik) expect(carried(owned, f, 'exo')).toBe(true);
        for (const f of merge.conflicts) expect(carried(owned, f, 'exo') && carried(owned, f, 'numerik')).toBe(true);
        for (const f of CONTENT_FIELDS.filter((f) => f !== 'body_text')) {
          const changed = (now: Content, base: Content) => JSON.stringify(now[f] ?? null) !== JSON.stringify(base[f] ?? null);
          if (owned[f] === 'exo-to-numerik' && changed(exoNow, exoBase)) expect(merge.toNumerik).toContain(f);
          if (owned[f] === 'numerik-to-exo' && changed(numerikNow, numerikBase)) expect(merge.toExo).toContain(f);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('law (Exo → Numerik): an Exo edit sends only fields whose Exo changes are carried; the rest is nothing to send', () => {
    const edit = fc.record({
      details: fc.constantFrom('Call Jo\nWants a quote', 'Call Jo\nWants a quote for 40', 'Call Jo'),
      assignedTo: fc.constantFrom(1, 2, null),
      completed: fc.boolean(),
      end: fc.constantFrom(wall('2026-12-03T10:00:00.000'), wall('2026-12-04T10:00:00.000'), null),
      type: fc.constantFrom(5, 6, null),
    });
    fc.assert(
      fc.property(edit, ownership, (changes, owned) => {
        const before = activity();
        const base = activityContent(before, outboundCtx(), 'cus_acme');
        const link = { postId: 'pst_1', postType: 'task' as const, state: 'active' as const, exoHash: hashContent(base), exoAssignedTo: 1, exoBase: base, numerikBase: base };
        const plan = planOutbound(activity({ ...changes, completedAt: changes.completed ? wall('2026-12-01T09:00:00.000') : null }), outboundCtx({ link, fieldOwnership: owned }));
        if (plan.kind !== 'update') return;
        for (const f of Object.keys(plan.patch).filter((k) => k !== 'body_html')) expect(carried(owned, f as ContentField, 'exo')).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('law (Numerik → Exo): an existing activity gets no column of a field whose Numerik changes are not carried, the text’s included; a new one is made whole', () => {
    const post = fc.record({
      type: fc.constantFrom<'task' | 'note'>('task', 'note'),
      customer_id: fc.constantFrom('cus_acme', 'cus_paper'),
      body_text: fc.constantFrom('Quote for Jo\n40 chairs', 'Call Raj'),
      assignee_id: fc.constantFrom('usr_ann', 'usr_raj', null),
      due_at: fc.constantFrom('2026-12-02T21:00:00.000Z', null),
      follow_up_date: fc.constantFrom('2026-12-05', null),
      completed: fc.boolean(),
      tags: fc.constantFrom<string[]>(['Phone call'], ['Meeting', 'VIP'], []),
    });
    fc.assert(
      fc.property(post, fc.subarray([...CONTENT_FIELDS]), ownership, (fields, changed, owned) => {
        const p: Post = {
          id: 'pst_1',
          version: 3,
          author_id: 'usr_ann',
          body_html: '',
          completed_at: fields.completed ? '2026-12-01T00:00:00.000Z' : null,
          comments: [],
          attachments: [],
          external_ref: null,
          created_at: '2026-11-26T20:00:00.000Z',
          updated_at: '2026-11-26T21:00:00.000Z',
          ...fields,
        };
        const change = exoColumnsFor(changed, p, activity(), inboundCtx(owned));
        if ('park' in change) return;
        for (const column of Object.keys(change.columns).filter((c) => c !== 'MODIFIEDDATE' && c !== 'MODIFIEDBY')) {
          expect(COLUMN_FIELDS[column]!.some((f) => changed.includes(f) || f === 'body_text') && COLUMN_FIELDS[column]!.some((f) => carried(owned, f, 'numerik'))).toBe(true);
        }
        const made = exoColumnsFor(CONTENT_FIELDS, p, undefined, inboundCtx(owned));
        if (!('park' in made)) expect(made.columns).toHaveProperty('COMPANYID');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
