import fc from 'fast-check';
import { expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { enqueueActivities } from '../../db/plugin/queue/enqueue.js';
import { textGet } from '../../sync/lens/activity-text.js';
import { CUT_MARKER } from '../../sync/lens/control-lines.js';
import { splitDetails } from '../../sync/lens/details.js';
import { charCount, lineOfView, textOfView, viewOfLine } from '../../sync/lens/view-text.js';
import type { PostInput } from '../../sync/numerik/types.js';
import { settled, withRunningSite, type SyncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';
import { applyEdits, body, line, lineEdits } from '../support/text-arbitraries.js';

/**
 * The lens laws end to end: posts made in the sandbox, synced into Exo, edited there as an Exo user
 * would, synced back; each step through the real service, webhooks and database.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_E2E_RUNS ?? 10);

/** How Exo saves the details back: as written, each line break as CRLF, or as its memo shows them (no CR at a line's end). */
const SAVES = {
  lf: (d: string) => d,
  crlf: (d: string) => d.replace(/\n/g, '\r\n'),
  memo: (d: string) => d.replace(/\r*\n/g, '\r\n').replace(/\r+$/, ''),
};
/** The text as Exo's memo shows it: no CR at the end of a line. */
const asShown = (text: string) => text.replace(/\r+(?=\n|$)/g, '');

forEachTarget('the lens laws, end to end', (engine) => {
  let f: SyncFixture;
  withRunningSite(engine, { defaultStaff: 'ANN', defaultActivityType: 'Meeting' }, (site) => (f = site.f));

  const postInput = fc.record({
    type: fc.constantFrom<'task' | 'note'>('task', 'note'),
    body_text: body,
    completed: fc.boolean(),
    tags: fc.subarray(['Phone call', 'VIP', 'Meeting']),
    comments: fc.array(line, { maxLength: 2 }),
  });
  const exoEdit = fc.record({
    edits: lineEdits.map((es) => es.map((e) => ('line' in e ? { ...e, line: e.line.replace(/\r+$/, '') } : e))),
    toggle: fc.boolean(),
    save: fc.constantFrom<keyof typeof SAVES>('lf', 'crlf', 'memo'),
  });

  it('GetPut: a post synced into Exo is its view, and sending that activity again sends nothing; Put and PutGet: an Exo edit reaches Numerik as exactly that edit, and reads back as written', async () => {
    const ctx = { codePage: 'cp1252', notesFormat: 'text' as const, timeZone: f.options.timeZone!, userName: (id: string) => ({ [f.users.ann]: 'Ann Smith', [f.users.raj]: 'Raj Patel' })[id] ?? id };
    await fc.assert(
      fc.asyncProperty(postInput, exoEdit, async (input, { edits, toggle, save }) => {
        const { comments, ...fields } = input;
        const created = f.sandbox.store.createPost({ ...fields, customer_id: f.customers.acme, ...(fields.type === 'task' ? { assignee_id: f.users.raj } : {}) } as PostInput, f.users.ann).post;
        for (const c of comments) f.sandbox.store.addComment(created.id, f.users.raj, c);
        await settled(f);
        const post = f.sandbox.store.getPost(created.id);
        const link = (await f.db.table(OBJECTS.postLink).where({ POST_ID: post.id }).first('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number };
        const tasks = () => f.db.table('TASKS').where({ SEQNO: link.ACTIVITY_SEQNO });
        const stored = (await tasks().first('SUBJECT', 'DETAILS', 'COMPLETED')) as { SUBJECT: string | null; DETAILS: string | null; COMPLETED: string };
        // An empty text is no text: NULL in Exo.
        const row = { ...stored, SUBJECT: stored.SUBJECT ?? '', DETAILS: stored.DETAILS ?? '' };
        const view = textGet(post, ctx);
        expect(row).toMatchObject({ SUBJECT: view.subject, DETAILS: view.details });

        // GetPut: the activity, sent again unchanged, changes nothing in Numerik.
        await enqueueActivities(f.db, [link.ACTIVITY_SEQNO]);
        await settled(f);
        expect(f.sandbox.store.getPost(post.id).version).toBe(post.version);
        // Nor does Exo saving the details back with CRLF line breaks, which DETAILS always holds.
        if (row.DETAILS.includes('\n')) {
          await tasks().update({ DETAILS: SAVES.crlf(row.DETAILS) });
          await settled(f);
          expect(f.sandbox.store.getPost(post.id).version).toBe(post.version);
        }

        // An Exo user edits lines of the text (and maybe ticks the activity done or open).
        const lines = view.body.split('\n');
        const visible = view.cut ? lines.slice(0, -1) : lines;
        const cells = applyEdits(visible.length, edits);
        const editedBody = [...cells.map((c) => ('at' in c ? visible[c.at]! : viewOfLine(c.typed, ctx.codePage))), ...(view.cut ? [CUT_MARKER] : [])].join('\n');
        const comments_ = splitDetails(row.DETAILS).comments;
        const editedDetails = comments_ === null ? editedBody : `${editedBody}\n##Comments##\n${comments_}`;
        const savedDetails = SAVES[save](editedDetails);
        if (charCount(savedDetails) > 5500) return;
        const completed = toggle ? (row.COMPLETED === 'Y' ? 'N' : 'Y') : row.COMPLETED;
        await tasks().update({ DETAILS: savedDetails, COMPLETED: completed, COMPLETED_PERCENT: completed === 'Y' ? 100 : 0 });
        await settled(f);

        // Put: Numerik's text is the post's with exactly those line edits; the rest byte for byte.
        const shown = textOfView(visible.join('\n'), ctx.codePage);
        const postLines = post.body_text.split('\n');
        const lineOf = (at: number) => (at < visible.length - 1 || !view.cut ? postLines[at]! : lineOfView(visible[at]!, ctx.codePage));
        // Details emptied in Exo leave the subject line as the post's text (the activity is never blank).
        const expected = editedBody === '' ? textOfView(row.SUBJECT, ctx.codePage) : cells.map((c) => ('at' in c ? lineOf(c.at) : c.typed)).join('\n') + post.body_text.slice(shown.length);
        const after = f.sandbox.store.getPost(post.id);
        // The CRs at the ends of lines are the post's (test/sync/lens/line-endings.test.ts): where its
        // lines have none, Numerik has the edit byte for byte; where they have some, as Exo shows it.
        const ownCRs = visible.some((v) => v.endsWith('\r'));
        if (ownCRs) expect(asShown(after.body_text)).toBe(asShown(expected));
        else expect(after.body_text).toBe(expected);
        if (toggle && (post.type === 'task' || !post.follow_up_date)) expect(after.completed).toBe(completed === 'Y');
        // PutGet: Exo shows what its user wrote, where it fits. DETAILS are the view of the post; or,
        // where the save changed nothing in Numerik (its CRs, say), still that save as Exo made it.
        const back = (await tasks().first('DETAILS')) as { DETAILS: string | null };
        const again = textGet(after, ctx);
        const changed = after.version !== post.version;
        expect(back.DETAILS ?? '').toBe(changed ? again.details : savedDetails);
        if (!view.cut && !again.cut && editedBody !== '') expect(asShown(splitDetails(back.DETAILS).body)).toBe(asShown(editedBody));
        if (!view.cut && !again.cut && editedBody !== '' && !ownCRs && changed) expect(splitDetails(back.DETAILS).body).toBe(editedBody);
        // And it stays put: nothing more goes either way.
        await settled(f);
        expect(f.sandbox.store.getPost(post.id).version).toBe(after.version);
        expect((await tasks().first('DETAILS')) as object).toEqual(back);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 300_000);
});
