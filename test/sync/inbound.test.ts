import { expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { writeLog } from '../../db/plugin/log.js';
import { writeSetting } from '../../db/plugin/settings.js';
import { reconcile, WATERMARK_KEY } from '../../sync/inbound/reconcile.js';
import type { Service } from '../../service/service.js';
import { CUT_MARKER } from '../../sync/lens/control-lines.js';
import type { Post, PostInput } from '../../sync/numerik/types.js';
import { forEachTarget } from '../support/targets.js';
import { logEntries, settled, withRunningSite, type SyncFixture } from '../support/sync.js';

forEachTarget('Numerik → Exo', (engine) => {
  let f: SyncFixture;
  let service: Service;
  const store = () => f.sandbox.store;
  const activityOf = async (postId: string) => {
    const link = await f.db.table(OBJECTS.postLink).where({ POST_ID: postId }).first('ACTIVITY_SEQNO', 'ORIGIN', 'STATE');
    if (!link) return undefined;
    return { link, row: await f.db.table('TASKS').where({ SEQNO: (link as { ACTIVITY_SEQNO: number }).ACTIVITY_SEQNO }).first() };
  };
  /** Acts as a Numerik user, as the sandbox's admin API would (the sandbox sends the webhooks). */
  const numerikCreates = (input: Partial<PostInput>, as = f.users.ann): Post =>
    store().createPost({ type: 'task', customer_id: f.customers.acme, body_text: 'From Numerik', ...input } as PostInput, as).post;
  const patches = () => f.sandbox.calls.get('PATCH /posts/:id') ?? 0;

  withRunningSite(engine, { defaultStaff: 'ANN', defaultActivityType: 'Meeting' }, (site) => ({ f, service } = site));

  it('a task made in Numerik becomes an open, assigned activity due at its local time, written as the sync (no echo)', async () => {
    const before = patches();
    const post = numerikCreates({ body_text: 'Quote for Jo\nforty chairs', assignee_id: f.users.raj, due_at: '2026-12-02T21:00:00.000Z', tags: ['VIP', 'Phone Call'] });
    await settled(f);
    const { link, row } = (await activityOf(post.id))!;
    expect(link).toMatchObject({ ORIGIN: 'numerik', STATE: 'active' });
    expect(row).toMatchObject({
      SUBJECT: 'Quote for Jo',
      DETAILS: 'Quote for Jo\nforty chairs',
      COMPANYID: 'D101',
      ASSIGNED_TO: f.staff.raj,
      CREATEDBY: f.staff.ann,
      MODIFIEDBY: f.staff.ann,
      COMPLETED: 'N',
      COMPLETED_PERCENT: 0,
      TYPE: f.types.call,
      END_DATETIME: new Date('2026-12-03T10:00:00.000Z'),
      ACTIVITY_TYPE: 1,
      DELETED_FLAG: 'N',
      JOBNO: -1,
    });
    expect(await f.queueDepth()).toBe(0);
    expect(patches()).toBe(before);
  });

  it.each<[string, Partial<PostInput>, { COMPLETED: string; START_DATETIME?: Date | null; END_DATETIME?: Date | null; OPTIONS?: number }]>([
    ['a note without a follow-up date is a completed activity', { type: 'note', body_text: 'Called Jo' }, { COMPLETED: 'Y' }],
    [
      'a note with a follow-up date is an open all-day activity on that day',
      { type: 'note', body_text: 'Call back', follow_up_date: '2026-12-01' },
      { COMPLETED: 'N', START_DATETIME: new Date('2026-12-01T00:00:00Z'), END_DATETIME: new Date('2026-12-01T00:00:00Z'), OPTIONS: 2 },
    ],
    ['a completed note with a follow-up date is completed', { type: 'note', body_text: 'Done it', follow_up_date: '2026-12-01', completed: true }, { COMPLETED: 'Y' }],
    ['a completed task is a completed activity', { type: 'task', body_text: 'Task done', completed: true, completed_at: '2026-11-26T23:00:00.000Z' }, { COMPLETED: 'Y' }],
  ])('%s', async (_, input, expected) => {
    const post = numerikCreates(input);
    await settled(f);
    expect((await activityOf(post.id))!.row).toMatchObject(expected);
  });

  it('an unknown author goes to the default staff member, logged; no tag that maps to a type gives the default type', async () => {
    const stranger = store().addUser({ name: 'Stranger', email: 'stranger@else.example' }).id;
    const post = numerikCreates({ type: 'note', body_text: 'Who am I', tags: ['Nothing'] }, stranger);
    await settled(f);
    expect((await activityOf(post.id))!.row).toMatchObject({ ASSIGNED_TO: f.staff.ann, CREATEDBY: f.staff.ann, TYPE: f.types.meeting });
    // One note for the one user, naming each of its roles, not a note per role.
    expect((await logEntries(f.db, 'note')).filter((e) => e.POST_ID === post.id && e.REASON.includes('has no Exo staff member')).map((e) => e.REASON)).toEqual([
      `Numerik user ${stranger} (author, who changed it) has no Exo staff member: staff ${f.staff.ann} used`,
    ]);
  });

  it('writes comments below ##Comments## with author and local time, replacing what was there, keeping the text above', async () => {
    const post = numerikCreates({ body_text: 'Discuss' });
    await settled(f);
    const { row } = (await activityOf(post.id))!;
    await f.db.table('TASKS').where({ SEQNO: row.SEQNO }).update({ DETAILS: 'Discuss\nmy note\n##Comments##\nscribbled in Exo' });
    await settled(f);
    store().addComment(post.id, f.users.raj, 'Sent the quote.');
    await settled(f);
    const details = (await activityOf(post.id))!.row.DETAILS as string;
    expect(details).toMatch(/^Discuss\nmy note\n##Comments##\nRaj Patel \(\d{1,2} \w{3} 20\d\d \d\d:\d\d\):\nSent the quote\.$/);
  });

  it('parks a post whose customer is not linked, and applies it when the link appears', async () => {
    const newCustomer = store().upsertCustomer({ name: 'Kiwi', external_ref: null }).id;
    const post = numerikCreates({ customer_id: newCustomer, body_text: 'Kiwi job' });
    await settled(f);
    expect(await activityOf(post.id)).toBeUndefined();
    expect((await logEntries(f.db, 'parked')).filter((e) => e.POST_ID === post.id && !e.RESOLVED_AT).map((e) => e.REASON)).toEqual(['customer not linked']);
    store().customers.get(newCustomer)!.external_ref = 'DR:102';
    await service.housekeeping();
    await settled(f);
    expect((await activityOf(post.id))!.row).toMatchObject({ COMPANYID: 'D102', SUBJECT: 'Kiwi job' });
  });

  it('a deleted post marks its activity "Deleted" and keeps an audit block; nothing is deleted', async () => {
    const post = numerikCreates({ body_text: 'Short-lived\nplan' });
    await settled(f);
    store().deletePost(post.id, f.users.raj);
    await settled(f);
    const { link, row } = (await activityOf(post.id))!;
    expect(link).toMatchObject({ STATE: 'deleted' });
    expect(row).toMatchObject({ SUBJECT: 'Deleted: Short-lived', DELETED_FLAG: 'N' });
    expect(row.DETAILS).toMatch(/^Short-lived\nplan\n\n\[Deleted in Numerik on .+ by Raj Patel\. The post's text was:\]\nShort-lived\nplan$/);
    expect((await logEntries(f.db, 'deleted')).some((e) => e.POST_ID === post.id)).toBe(true);
  });

  it('cuts over-long text visibly, keeping the full text in the log; never writes characters the code page lacks', async () => {
    const long = `${'A long first line with many words '.repeat(4)}\n${Array.from({ length: 120 }, (_, i) => `line ${i} ${'y'.repeat(60)}`).join('\n')}`;
    const post = numerikCreates({ body_text: `${long}\nEmoji 😀 and ŋ` });
    await settled(f);
    const { row } = (await activityOf(post.id))!;
    // The subject is the first 60 characters of the first line.
    expect(row.SUBJECT).toBe('A long first line with many words A long first line with man');
    expect((row.DETAILS as string).length).toBeLessThanOrEqual(5500);
    expect((row.DETAILS as string).endsWith(CUT_MARKER)).toBe(true);
    expect((await logEntries(f.db, 'truncated')).find((e) => e.POST_ID === post.id)!.DETAIL).toContain('Emoji 😀 and ŋ');
    const emoji = numerikCreates({ body_text: 'Smile 😀 – “quoted” café ŋ' });
    await settled(f);
    expect((await activityOf(emoji.id))!.row.SUBJECT).toBe('Smile [U+1F600] – “quoted” café [U+014B]');
  });

  it('never writes Exo-owned columns: Outlook’s entry id survives an update', async () => {
    const post = numerikCreates({ body_text: 'Outlook synced' });
    await settled(f);
    const { row } = (await activityOf(post.id))!;
    await f.db.table('TASKS').where({ SEQNO: row.SEQNO }).update({ OUTLOOKENTRYID: 'AAMkADk…' });
    store().updatePost(post.id, { body_text: 'Outlook synced\nand edited' });
    await settled(f);
    expect((await activityOf(post.id))!.row).toMatchObject({ OUTLOOKENTRYID: 'AAMkADk…', DETAILS: 'Outlook synced\nand edited' });
  });

  it('duplicate and out-of-order deliveries make one activity, at the post’s final state', async () => {
    f.sandbox.faults.set({ duplicateWebhooks: true, reorderWebhooks: true });
    const post = numerikCreates({ body_text: 'v1' });
    for (let v = 2; v <= 6; v++) store().updatePost(post.id, { body_text: `v${v}` });
    await settled(f);
    const links = await f.db.table(OBJECTS.postLink).where({ POST_ID: post.id });
    expect(links).toHaveLength(1);
    expect((await activityOf(post.id))!.row).toMatchObject({ SUBJECT: 'v6', DETAILS: 'v6' });
  });

  it('an old version after a new one changes nothing; a post Numerik says never existed is logged', async () => {
    const post = numerikCreates({ body_text: 'current' });
    await settled(f);
    const { storeEvent } = await import('../../db/plugin/inbox/store-event.js');
    await storeEvent(f.db, { eventId: 'evt_late', type: 'post.updated', postId: post.id, version: 1, source: 'webhook' });
    await storeEvent(f.db, { eventId: 'evt_ghost', type: 'post.updated', postId: 'pst_never', version: 4, source: 'webhook' });
    service.inbound.poke();
    await settled(f);
    expect((await activityOf(post.id))!.row.DETAILS).toBe('current');
    expect((await logEntries(f.db, 'skipped')).find((e) => e.POST_ID === 'pst_never')?.REASON).toBe('Numerik says this post never existed (404)');
  });

  it('late events of posts already in sync finish together without asking Numerik; a newer one in the same batch is applied', async () => {
    const posts = [1, 2, 3].map((i) => numerikCreates({ body_text: `Settled ${i}` }));
    await settled(f);
    store().updatePost(posts[0]!.id, { body_text: 'Settled 1, edited' });
    await settled(f);
    const gets = () => f.sandbox.calls.get('GET /posts/:id') ?? 0;
    const before = gets();
    const { storeEvent } = await import('../../db/plugin/inbox/store-event.js');
    for (const p of posts) await storeEvent(f.db, { eventId: `evt_again_${p.id}`, type: 'post.updated', postId: p.id, version: 1, source: 'webhook' });
    await storeEvent(f.db, { eventId: 'evt_edit_again', type: 'post.updated', postId: posts[1]!.id, version: 2, source: 'webhook' });
    store().updatePost(posts[1]!.id, { body_text: 'Settled 2, edited' });
    service.inbound.poke();
    await settled(f);
    expect(gets() - before).toBeGreaterThanOrEqual(1);
    expect(gets() - before).toBeLessThanOrEqual(2);
    expect((await activityOf(posts[0]!.id))!.row.DETAILS).toBe('Settled 1, edited');
    expect((await activityOf(posts[1]!.id))!.row.DETAILS).toBe('Settled 2, edited');
    expect((await activityOf(posts[2]!.id))!.row.DETAILS).toBe('Settled 3');
    expect(await f.db.table(OBJECTS.inbox).where('EVENT_ID', 'like', 'evt_%again%').select('ID')).toEqual([]);
  });

  it('an Exo edit goes out and its webhook comes back without a write or a second send (no ping-pong)', async () => {
    const post = numerikCreates({ body_text: 'Round trip' });
    await settled(f);
    const { row } = (await activityOf(post.id))!;
    const before = patches();
    await f.db.table('TASKS').where({ SEQNO: row.SEQNO }).update({ DETAILS: 'Round trip\nedited in Exo' });
    const edited = (await activityOf(post.id))!.row;
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe('Round trip\nedited in Exo');
    expect(patches()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 500));
    await settled(f);
    // The post's webhook came back and was recognised: Exo was not written again, nothing went out again.
    expect((await activityOf(post.id))!.row).toEqual(edited);
    expect(patches()).toBe(before + 1);
    expect(await f.queueDepth()).toBe(0);
  });

  it.each<['newest-wins' | 'exo-wins' | 'numerik-wins', string, string]>([
    ['exo-wins', 'exo text', 'numerik'],
    ['numerik-wins', 'numerik text', 'exo'],
    ['newest-wins', 'numerik text', 'exo'],
  ])('a conflict under %s: both sides end with "%s", the %s version is kept in the log', async (policy, winnerText, loser) => {
    await writeSetting(f.db, 'conflictPolicy', policy, 'test');
    await new Promise((r) => setTimeout(r, 2100));
    const post = numerikCreates({ body_text: 'base' });
    await settled(f);
    const { row } = (await activityOf(post.id))!;
    f.sandbox.faults.set({ pauseWebhooks: true });
    await service.outbound.stop();
    await f.db.table('TASKS').where({ SEQNO: row.SEQNO }).update({ DETAILS: 'exo text', MODIFIEDDATE: new Date('2000-01-01T00:00:00Z') });
    store().updatePost(post.id, { body_text: 'numerik text' });
    service.outbound.start();
    await settled(f, { webhooks: false });
    f.sandbox.faults.set({ pauseWebhooks: false });
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe(winnerText);
    expect((await activityOf(post.id))!.row.DETAILS).toBe(winnerText);
    const conflict = (await logEntries(f.db, 'conflict')).filter((e) => e.POST_ID === post.id);
    expect(conflict).toHaveLength(1);
    expect(JSON.parse(conflict[0]!.DETAIL!)).toMatchObject({ policy, fields: ['body_text'], losing: { side: loser } });
  });

  it('the reconcile poll stores only what the webhooks missed: not what is synced, waiting, or an open dead letter', async () => {
    const synced = numerikCreates({ body_text: 'Came by webhook' });
    await settled(f);
    const dead = numerikCreates({ body_text: 'Will be dead' });
    await settled(f);
    await writeLog(f.db, [{ direction: 'inbound', kind: 'dead', postId: dead.id, reason: 'database error 22001: value too long' }]);
    await f.db.table(OBJECTS.postLink).where({ POST_ID: dead.id }).update({ NUMERIK_VERSION: 0 });
    await writeSetting(f.db, WATERMARK_KEY, new Date(Date.parse(synced.created_at) - 1000).toISOString(), 'test');
    const options = await service.options();
    const summary = await reconcile(f.db, f.client, options);
    expect(summary.seen).toBeGreaterThanOrEqual(2);
    expect(summary.stored).toBe(0);
    f.sandbox.faults.set({ pauseWebhooks: true });
    const missed = numerikCreates({ body_text: 'Missed by the webhooks' });
    // A post id the inbox cannot hold is passed over, never a poll that fails every time.
    const unstorable = 'pst_\u0000bad';
    store().posts.set(unstorable, { ...store().posts.get(missed.id)!, id: unstorable });
    expect((await reconcile(f.db, f.client, options)).stored).toBe(1);
    store().posts.delete(unstorable);
    await settled(f, { webhooks: false });
    expect((await activityOf(missed.id))?.row.SUBJECT).toBe('Missed by the webhooks');
    f.sandbox.faults.clear();
  });

  it('the reconcile poll brings posts whose webhooks never arrived', async () => {
    f.sandbox.faults.set({ pauseWebhooks: true });
    const posts = Array.from({ length: 10 }, (_, i) => numerikCreates({ body_text: `Missed ${i}` }));
    await service.housekeeping();
    await settled(f, { webhooks: false });
    for (const post of posts) expect((await activityOf(post.id))?.row.SUBJECT).toBe(post.body_text);
  });
});
