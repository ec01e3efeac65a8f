import { afterEach, expect, it } from 'vitest';
import { readActivities } from '../../db/exo/activities.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { disarmAll, holdAt } from '../../sync/failpoints.js';
import { logEntries, postsByActivity, settled, withRunningSite, type SyncFixture } from '../support/sync.js';
import { waitFor } from '../support/processes.js';
import { forEachTarget } from '../support/targets.js';

/**
 * Rule 2 at the first send: the subject goes in front of the post's text unless the details
 * already hold it. An Exo user made an activity whose details began with its subject and, before
 * the sync's first send read it, inserted a line above that first line. Whether the sync read the
 * activity before that save or after it must not decide whether the subject's line is there once
 * or twice (torture seeds 98023, 98093, 98112 on PostgreSQL; issue 21).
 */
forEachTarget('the first send of an activity edited before the sync read it', (engine) => {
  let f: SyncFixture;
  const store = () => f.sandbox.store;
  const details = async (seqno: number) => ((await f.db.table('TASKS').where({ SEQNO: seqno }).first('DETAILS')) as { DETAILS: string }).DETAILS;
  /** As an Exo user saves (the memo control's line breaks CRLF when `crlf`): the trigger queues it. */
  const exoEdits = async (seqno: number, edit: (lines: string[]) => string[], crlf = false) => {
    const lines = edit((await details(seqno)).replace(/\r\n/g, '\n').split('\n'));
    await f.db.table('TASKS').where({ SEQNO: seqno }).update({ DETAILS: lines.join(crlf ? '\r\n' : '\n') });
  };
  const linked = (seqno: number) =>
    waitFor(async () => (await f.db.table(OBJECTS.postLink).where({ ACTIVITY_SEQNO: seqno }).first('POST_ID')) !== undefined, 20_000, 'the create to be recorded');
  /** Each line once on each side, in this order, and nothing else. */
  const expectBothSides = async (seqno: number, lines: string[]) => {
    await settled(f);
    const posts = postsByActivity(f.sandbox).get(seqno) ?? [];
    expect(posts).toHaveLength(1);
    expect(store().getPost(posts[0]!.id).body_text).toBe(lines.join('\n'));
    expect(await details(seqno)).toBe(lines.join('\n'));
    // Rule 3: the subject follows the post's first line.
    expect((await readActivities(f.db, [seqno])).get(seqno)!.subject).toBe(lines[0]);
  };

  withRunningSite(engine, { defaultStaff: 'ANN', defaultActivityType: 'Meeting' }, (site) => (f = site.f));
  afterEach(() => disarmAll());

  /**
   * The activity is saved and queued; the outbound worker claims it and reads its link (none) and
   * is held there while the Exo user inserts a line above the first (saved with CRLF line breaks);
   * then it reads the activity, and its create sends what it read.
   */
  async function insertedAboveBeforeTheRead(subject: string): Promise<number> {
    const between = holdAt('read.between-link-and-activity', (c) => c.direction === 'outbound');
    const seqno = await f.seed.task({ subject, details: `${subject}\nabout the chairs`, companyId: 'D101', assignedTo: f.staff.ann });
    await between.reached;
    await exoEdits(seqno, (lines) => ['Urgent', ...lines], true);
    between.release();
    return seqno;
  }

  it('a line inserted above the first before the first send read the activity: the subject line is not doubled', async () => {
    const seqno = await insertedAboveBeforeTheRead('Call Jo');
    await expectBothSides(seqno, ['Urgent', 'Call Jo', 'about the chairs']);
    expect((await logEntries(f.db, 'conflict')).filter((e) => e.ACTIVITY_SEQNO === seqno)).toEqual([]);
  });

  // Seed 98023: the create's write-back met two more Exo saves (it wrote nothing, and the link's Exo
  // side is the activity it sent); the next send merged them and a Numerik line with the post.
  it('and Exo saves while the create is in Numerik, then a Numerik edit: every line once on both sides, no conflict', async () => {
    const written = holdAt('outbound.after-numerik');
    const seqno = await insertedAboveBeforeTheRead('Call Raj');
    const at = await written.reached;
    expect(at.seqno).toBe(seqno);
    await exoEdits(seqno, (lines) => [lines[0]!, 'bring samples', ...lines.slice(1)]);
    await exoEdits(seqno, (lines) => [`${lines[0]} today`, ...lines.slice(1)], true);
    written.release();
    await linked(seqno);
    await settled(f);
    const postId = postsByActivity(f.sandbox).get(seqno)![0]!.id;
    store().updatePost(postId, { body_text: `${store().getPost(postId).body_text}\nthanks` }, undefined, f.users.raj);
    await expectBothSides(seqno, ['Urgent today', 'bring samples', 'Call Raj', 'about the chairs', 'thanks']);
    expect((await logEntries(f.db, 'conflict')).filter((e) => e.ACTIVITY_SEQNO === seqno)).toEqual([]);
  });

  // Seed 87700: the first line edited before the first send (the post then opens with the subject),
  // saved with CRLF; the create's write-back met another CRLF save of that line. The link's Exo side
  // was the activity as sent, Exo's CRs on its lines: one went to Numerik with the edited line, and
  // the subject line in front read as a Numerik change beside it (a conflict, the line lost).
  it('the first line typed over before the first send (the subject goes in front) and edited again while the create is in Numerik, saved with CRLF: no CR in Numerik, no conflict', async () => {
    const between = holdAt('read.between-link-and-activity', (c) => c.direction === 'outbound');
    const written = holdAt('outbound.after-numerik');
    const seqno = await f.seed.task({ subject: 'Call Mia', details: 'Call Mia\nabout the chairs', companyId: 'D101', assignedTo: f.staff.ann });
    await between.reached;
    await exoEdits(seqno, (lines) => ['Ring Mia', ...lines.slice(1)], true);
    between.release();
    expect((await written.reached).seqno).toBe(seqno);
    await exoEdits(seqno, (lines) => [`${lines[0]} at 3pm`, ...lines.slice(1)], true);
    written.release();
    await linked(seqno);
    await expectBothSides(seqno, ['Call Mia', 'Ring Mia at 3pm', 'about the chairs']);
    expect((await logEntries(f.db, 'conflict')).filter((e) => e.ACTIVITY_SEQNO === seqno)).toEqual([]);
  });
});
