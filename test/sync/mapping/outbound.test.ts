import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../db/exo/activities.js';
import { conflictWinner, type Side } from '../../../sync/mapping/conflict.js';
import { contentOfPost, hashContent, threeWay, type Content } from '../../../sync/mapping/content.js';
import { CUSTOMER_NOT_LINKED } from '../../../sync/lens/fields/customer.js';
import { planOutbound, type LinkState, type OutboundContext, type OutboundPlan } from '../../../sync/mapping/outbound.js';
import type { SyncOptions } from '../../../sync/options.js';
import { testActivity, testOutboundContext, wall } from '../../support/mapping-inputs.js';

const activity = testActivity;
const context = (over: Partial<OutboundContext> = {}): OutboundContext =>
  testOutboundContext({ excluded: { staff: new Set([9]), types: new Set([7]), statuses: new Set([3]) }, ...over });

const linked = (over: Partial<LinkState> = {}): LinkState => ({
  postId: 'pst_1',
  postType: 'task',
  state: 'active',
  exoHash: 'old',
  exoAssignedTo: 1,
  exoBase: null,
  numerikBase: null,
  ...over,
});

describe('Exo → Numerik: what is not sent (rules 1, 6, 7)', () => {
  it.each<[string, Activity | undefined, Partial<OutboundContext>, Partial<OutboundPlan>]>([
    ['excluded staff', activity({ assignedTo: 9 }), {}, { kind: 'skip', reason: 'staff 9 is excluded' }],
    ['excluded creator when nobody is assigned', activity({ assignedTo: null, createdBy: 9 }), {}, { kind: 'skip', reason: 'staff 9 is excluded' }],
    ['excluded activity type', activity({ type: 7 }), {}, { kind: 'skip', reason: 'activity type 7 is excluded' }],
    ['excluded status', activity({ status: 3 }), {}, { kind: 'skip', reason: 'activity status 3 is excluded' }],
    ['an excluded activity that is already linked stops syncing', activity({ type: 7 }), { link: linked() }, { kind: 'skip', reason: 'activity type 7 is excluded' }],
    ['a recurring activity', activity({ eventType: 1 }), {}, { kind: 'skip', reason: 'recurring activities are not synced' }],
    ['no company', activity({ companyId: '  ' }), {}, { kind: 'skip', reason: 'the activity has no company' }],
    ['a company that is no account reference', activity({ companyId: 'ACME' }), {}, { kind: 'skip', reason: 'company "ACME" is not an Exo account reference' }],
    ['an account not linked to a Numerik customer', activity(), { customerId: undefined }, { kind: 'park', reason: CUSTOMER_NOT_LINKED }],
    ['deleted before it was synced', undefined, {}, { kind: 'skip', reason: 'deleted in Exo before it was synced' }],
    ['soft-deleted after it was synced: the post is kept', activity({ deleted: true }), { link: linked() }, { kind: 'skip', stopLink: true }],
    ['a link whose post was deleted in Numerik', activity(), { link: linked({ state: 'deleted' }) }, { kind: 'skip', reason: 'link is deleted' }],
  ])('%s', (_, a, ctx, expected) => {
    expect(planOutbound(a, context(ctx))).toMatchObject(expected);
  });
});

describe('Exo → Numerik: creating a post (rules 2, 4, 5, 8)', () => {
  it('an open activity becomes a task: assignee, due date in UTC, subject as first line, tag', () => {
    const plan = planOutbound(activity(), context());
    expect(plan).toMatchObject({
      kind: 'create',
      input: {
        type: 'task',
        customer_id: 'cus_acme',
        author_id: 'usr_ann',
        assignee_id: 'usr_ann',
        body_text: 'Call Jo\nWants a quote for 40 chairs',
        body_html: '<p>Call Jo</p><p>Wants a quote for 40 chairs</p>',
        due_at: '2026-12-02T21:00:00.000Z',
        completed: false,
        completed_at: null,
        tags: ['Phone call'],
      },
    });
    expect((plan as { input: object }).input).not.toHaveProperty('follow_up_date');
  });

  it('a completed activity becomes a note: no assignee, no follow-up, completion time in UTC', () => {
    const plan = planOutbound(activity({ completed: true, completedAt: wall('2026-07-01T16:30:00.000') }), context());
    expect(plan).toMatchObject({
      kind: 'create',
      input: { type: 'note', completed: true, completed_at: '2026-07-01T04:30:00.000Z', follow_up_date: null },
    });
    expect((plan as { input: object }).input).not.toHaveProperty('assignee_id');
    expect((plan as { input: object }).input).not.toHaveProperty('due_at');
  });

  it('sends only the text above ##Comments##', () => {
    const plan = planOutbound(activity({ details: 'Mine\n##Comments##\nAnn (1 Dec 10:00): sent it' }), context());
    expect(plan).toMatchObject({ kind: 'create', input: { body_text: 'Call Jo\nMine' } });
  });

  it('leaves a task unassigned, and says so, when the staff member has no Numerik user', () => {
    const plan = planOutbound(activity({ assignedTo: 4 }), context());
    expect(plan).toMatchObject({ kind: 'create', input: { assignee_id: null }, notes: ['staff 4 has no Numerik user: task left unassigned'] });
  });

  it('sends no tag for a type without one, and the subject only once when the details already open with it', () => {
    const plan = planOutbound(activity({ type: null, details: 'Call Jo\nmore' }), context());
    expect(plan).toMatchObject({ kind: 'create', input: { tags: [], body_text: 'Call Jo\nmore' } });
    expect(planOutbound(activity({ subject: 'Call Jo', details: 'Call Jo about the quote' }), context())).toMatchObject({ input: { body_text: 'Call Jo about the quote' } });
  });

  it('decodes what the sync itself shows in Exo: placeholders and escaped marker lines', () => {
    const plan = planOutbound(activity({ details: 'Great [U+1F600]\n\\##Comments##' }), context());
    expect(plan).toMatchObject({ kind: 'create', input: { body_text: 'Call Jo\nGreat 😀\n##Comments##' } });
  });
});

describe('Exo → Numerik: updating the linked post (rules 2, 3, 6)', () => {
  it('ignores the subject: the text is the details, and the subject follows their first line', () => {
    const plan = planOutbound(activity({ subject: 'Old subject', details: 'Jo called back\nwants 50 now' }), context({ link: linked() }));
    expect(plan).toMatchObject({ kind: 'update', postId: 'pst_1', patch: { body_text: 'Jo called back\nwants 50 now', assignee_id: 'usr_ann' } });
    expect((plan as { patch: object }).patch).not.toHaveProperty('type');
    expect((plan as { patch: object }).patch).not.toHaveProperty('external_ref');
  });

  it('keeps the type decided at creation: a completed-then-reopened note stays a note', () => {
    const plan = planOutbound(activity({ completed: false }), context({ link: linked({ postType: 'note' }) }));
    expect(plan).toMatchObject({ kind: 'update', patch: { completed: false, follow_up_date: '2026-12-03' } });
    expect((plan as { patch: object }).patch).not.toHaveProperty('assignee_id');
  });

  it('does not send a note’s reassignment, and says so', () => {
    const plan = planOutbound(activity({ assignedTo: 2 }), context({ link: linked({ postType: 'note', exoAssignedTo: 1 }) }));
    expect(plan).toMatchObject({ notes: ['reassigned in Exo to staff 2: not sent, a Numerik note cannot be reassigned'] });
  });

  it('sends nothing when the content hash is unchanged', () => {
    const first = planOutbound(activity(), context({ link: linked() })) as Extract<OutboundPlan, { kind: 'update' }>;
    expect(first.kind).toBe('update');
    expect(planOutbound(activity(), context({ link: linked({ exoHash: first.hash }) }))).toMatchObject({ kind: 'unchanged' });
    expect(planOutbound(activity({ modifiedBy: 2, modifiedAt: wall('2026-12-01T00:00:00.000') }), context({ link: linked({ exoHash: first.hash }) }))).toMatchObject({ kind: 'unchanged' });
    expect(planOutbound(activity({ completed: true }), context({ link: linked({ exoHash: first.hash }) }))).toMatchObject({ kind: 'update' });
  });

  it('keeps a post’s text when the details above the comments are empty', () => {
    expect(planOutbound(activity({ details: '##Comments##\nAnn: ok' }), context({ link: linked() }))).toMatchObject({ patch: { body_text: 'Call Jo' } });
  });

  it('an Exo edit of the subject alone is undone: the subject follows the post’s first line', () => {
    const created = planOutbound(activity(), context()) as Extract<OutboundPlan, { kind: 'create' }>;
    const exoBase = { ...created.content, body_text: 'Call Jo\nWants a quote for 40 chairs' };
    const link = linked({ exoBase, numerikBase: created.content });
    const first = planOutbound(activity({ details: 'Call Jo\nWants a quote for 40 chairs' }), context({ link }));
    const hash = (first as { hash: string }).hash;
    expect(planOutbound(activity({ subject: 'Mine now', details: 'Call Jo\nWants a quote for 40 chairs' }), context({ link: { ...link, exoHash: hash } }))).toMatchObject({ kind: 'unchanged', subject: 'Call Jo' });
  });
});

describe('content, and what an update sends', () => {
  it('a post made from an activity has the activity’s content hash, so a lost answer is recognised', () => {
    const plan = planOutbound(activity(), context()) as Extract<OutboundPlan, { kind: 'create' }>;
    const { input } = plan;
    const post = {
      ...input,
      id: 'pst_1',
      version: 1,
      author_id: 'usr_ann',
      assignee_id: input.assignee_id ?? null,
      body_html: input.body_html!,
      follow_up_date: null,
      due_at: input.due_at ?? null,
      completed: false,
      completed_at: null,
      tags: input.tags ?? [],
      comments: [],
      attachments: [],
      external_ref: 'exo-task:4711:token',
      created_at: '2026-11-27T00:00:00.000Z',
      updated_at: '2026-11-27T00:00:00.000Z',
    };
    expect(hashContent(contentOfPost(post))).toBe(plan.hash);
    expect(hashContent(contentOfPost({ ...post, body_text: 'edited in Numerik' }))).not.toBe(plan.hash);
  });

  it('sends only the fields Exo changed since the two sides last agreed, and keeps Numerik’s own tags', () => {
    const created = planOutbound(activity(), context()) as Extract<OutboundPlan, { kind: 'create' }>;
    const numerikBase: Content = { ...created.content, tags: ['Phone call', 'VIP'], due_at: '2026-12-24T00:00:00.000Z' };
    const link = linked({ exoHash: created.hash, exoBase: created.content, numerikBase });
    const plan = planOutbound(activity({ completed: true, type: 6, details: 'Call Jo\nWants a quote for 40 chairs' }), context({ link }));
    expect(plan).toMatchObject({ kind: 'update', patch: { completed: true, tags: ['Meeting', 'VIP'] } });
    expect(Object.keys((plan as { patch: object }).patch).sort()).toEqual(['completed', 'completed_at', 'tags']);
  });
});

describe('the three-way merge', () => {
  const base: Content = { type: 'task', customer_id: 'c', body_text: 'v1', assignee_id: 'u1', due_at: null, completed: false, completed_at: null, tags: [] };
  it.each<[string, Partial<Content>, Partial<Content>, 'exo' | 'numerik', string[], string[], string[]]>([
    ['nothing changed', {}, {}, 'exo', [], [], []],
    ['Exo changed the assignee', { assignee_id: 'u2' }, {}, 'numerik', ['assignee_id'], [], []],
    ['Numerik changed the due date', {}, { due_at: '2026-12-24T00:00:00.000Z' }, 'exo', [], ['due_at'], []],
    ['each changed a different field: both kept', { assignee_id: 'u2' }, { completed: true }, 'exo', ['assignee_id'], ['completed'], []],
    ['both made the same change: no conflict', { assignee_id: 'u3' }, { assignee_id: 'u3' }, 'exo', [], [], []],
    ['both changed the assignee: Exo wins', { assignee_id: 'u2' }, { assignee_id: 'u3' }, 'exo', ['assignee_id'], [], ['assignee_id']],
    ['both changed the assignee: Numerik wins', { assignee_id: 'u2' }, { assignee_id: 'u3' }, 'numerik', [], ['assignee_id'], ['assignee_id']],
    ['the text is not merged as one value (the text lens merges it line by line)', { body_text: 'exo' }, { body_text: 'numerik' }, 'exo', [], [], []],
  ])('%s', (_, exo, numerik, winner, toNumerik, toExo, conflicts) => {
    expect(threeWay({ exo: base, numerik: base }, { exo: { ...base, ...exo }, numerik: { ...base, ...numerik } }, winner)).toEqual({ toNumerik, toExo, conflicts });
  });

  it('compares each side with its own base: a value Exo cannot hold is not an Exo change', () => {
    const numerikBase = { ...base, assignee_id: 'usr_unknown_to_exo' };
    const exoBase = { ...base, assignee_id: null };
    expect(threeWay({ exo: exoBase, numerik: numerikBase }, { exo: { ...exoBase, completed: true }, numerik: numerikBase }, 'exo')).toEqual({ toNumerik: ['completed'], toExo: [], conflicts: [] });
  });
});

describe('conflicts', () => {
  it.each<[SyncOptions['conflictPolicy'], string, string, Side]>([
    ['exo-wins', '2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z', 'exo'],
    ['numerik-wins', '2026-06-01T00:00:00Z', '2026-01-01T00:00:00Z', 'numerik'],
    ['newest-wins', '2026-06-01T00:00:00Z', '2026-01-01T00:00:00Z', 'exo'],
    ['newest-wins', '2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z', 'numerik'],
    ['newest-wins', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'numerik'],
  ])('%s: Exo changed %s, Numerik %s → %s', (policy, exo, numerik, winner) => {
    expect(conflictWinner(policy, new Date(exo), numerik)).toBe(winner);
  });
});
