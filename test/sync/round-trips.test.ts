import { describe, expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { writeSetting } from '../../db/plugin/settings.js';
import type { Service } from '../../service/service.js';
import { CUT_MARKER } from '../../sync/lens/control-lines.js';
import type { Post, PostInput } from '../../sync/numerik/types.js';
import { logEntries, settled, withRunningSite, type SyncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';

/**
 * The activity is a view of its post: what an Exo user edits changes in Numerik only the lines
 * they changed; whatever the view could not show survives. And only the sync's own posts are
 * ever taken as an activity's. Each case of issue 11, end to end through the sandbox.
 */
forEachTarget('faithful round trips', (engine) => {
  let f: SyncFixture;
  let service: Service;
  const store = () => f.sandbox.store;
  const numerikCreates = (input: Partial<PostInput>, as = f.users.ann): Post =>
    store().createPost({ type: 'task', customer_id: f.customers.acme, body_text: 'From Numerik', ...input } as PostInput, as).post;
  const activityOf = async (postId: string) => {
    const link = (await f.db.table(OBJECTS.postLink).where({ POST_ID: postId }).first('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number } | undefined;
    if (!link) return undefined;
    return (await f.db.table('TASKS').where({ SEQNO: link.ACTIVITY_SEQNO }).first()) as { SEQNO: number; SUBJECT: string; DETAILS: string; MODIFIEDBY: number };
  };
  /** As an Exo user does: change DETAILS of the activity (the trigger queues it). */
  const exoEdits = async (seqno: number, edit: (details: string) => string) => {
    const row = (await f.db.table('TASKS').where({ SEQNO: seqno }).first('DETAILS')) as { DETAILS: string };
    await f.db.table('TASKS').where({ SEQNO: seqno }).update({ DETAILS: edit(row.DETAILS) });
  };
  const patchesOf = (postId: string) => store().posts.get(postId)!.version;

  withRunningSite(engine, { defaultStaff: 'ANN', defaultActivityType: 'Meeting' }, (site) => ({ f, service } = site));

  const lines = (n: number, width: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}: ${'words and more words '.repeat(width)}`.trimEnd());

  describe('text Exo cannot show whole', () => {
    it.each([
      ['8,416 characters', lines(90, 4).join('\n').slice(0, 8416)],
      ['1,040,011 characters', lines(12_100, 4).join('\n').slice(0, 1_040_011)],
    ])('a post of %s: an Exo user fixes one word of the first line; Numerik’s text is the original with only that line changed', async (_, text) => {
      const post = numerikCreates({ body_text: text });
      await settled(f);
      const row = (await activityOf(post.id))!;
      expect(row.DETAILS.length).toBeLessThanOrEqual(5500);
      expect(row.DETAILS.endsWith(`\n${CUT_MARKER}`)).toBe(true);
      await exoEdits(row.SEQNO, (d) => d.replace('line 1: words', 'line 1: WORDS'));
      await settled(f);
      expect(store().getPost(post.id).body_text).toBe(text.replace('line 1: words', 'line 1: WORDS'));
      // Exo shows the new first line, and its subject follows it.
      const after = (await activityOf(post.id))!;
      expect(after.DETAILS.startsWith('line 1: WORDS')).toBe(true);
      expect(after.SUBJECT).toBe(`line 1: WORDS and more words ${'words and more words '.repeat(3)}`.slice(0, 60).trimEnd());
    });

    it('deleting the cut marker line in Exo keeps the text it stands for, and logs it', async () => {
      const text = lines(300, 2).join('\n');
      const post = numerikCreates({ body_text: text });
      await settled(f);
      const row = (await activityOf(post.id))!;
      await exoEdits(row.SEQNO, (d) => d.replace(`\n${CUT_MARKER}`, '').replace('line 2:', 'line two:'));
      await settled(f);
      expect(store().getPost(post.id).body_text).toBe(text.replace('line 2:', 'line two:'));
      expect((await activityOf(post.id))!.DETAILS.endsWith(`\n${CUT_MARKER}`)).toBe(true);
      expect((await logEntries(f.db, 'note')).some((e) => e.ACTIVITY_SEQNO === row.SEQNO && e.REASON.startsWith('the cut marker line was deleted in Exo'))).toBe(true);
    });
  });

  it('emoji, Hebrew, Arabic and CJK show as placeholders in Exo and survive an Exo edit of another line', async () => {
    const text = 'Meeting 😀 with שלום\nمرحبا and 你好\nsecond line: call back\nNUL \0 here';
    const post = numerikCreates({ body_text: text });
    await settled(f);
    const row = (await activityOf(post.id))!;
    expect(row.SUBJECT).toBe('Meeting [U+1F600] with [U+05E9][U+05DC][U+05D5][U+05DD]');
    expect(row.DETAILS).toContain('NUL [U+0000] here');
    await exoEdits(row.SEQNO, (d) => d.replace('call back', 'called back'));
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe(text.replace('call back', 'called back'));
    // An Exo user typing a placeholder of a character Exo cannot hold means that character.
    await exoEdits(row.SEQNO, (d) => `${d}\nthumbs [U+1F44D]`);
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe(`${text.replace('call back', 'called back')}\nthumbs 👍`);
    expect((await logEntries(f.db, 'dead')).filter((e) => e.POST_ID === post.id)).toEqual([]);
  });

  it('a post with a ##Comments## line of its own: Exo shows it escaped, comments come below, and an Exo edit keeps it', async () => {
    const text = 'Agenda\n##Comments##\nbelow the line the author wrote';
    const post = numerikCreates({ body_text: text });
    await settled(f);
    store().addComment(post.id, f.users.raj, 'First comment');
    await settled(f);
    const row = (await activityOf(post.id))!;
    expect(row.DETAILS).toMatch(/^Agenda\n\\##Comments##\nbelow the line the author wrote\n##Comments##\nRaj Patel \(.+\):\nFirst comment$/);
    await exoEdits(row.SEQNO, (d) => d.replace('Agenda', 'Agenda for Friday'));
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe(text.replace('Agenda', 'Agenda for Friday'));
    expect((await activityOf(post.id))!.DETAILS).toContain('\\##Comments##\nbelow the line the author wrote\n##Comments##\nRaj Patel');
  });

  it('details emptied in Exo: the post keeps the subject line as its text (seed 22 of the end-to-end laws)', async () => {
    const post = numerikCreates({ type: 'note', body_text: '文\n[U+1F600]', completed: true });
    await settled(f);
    const row = (await activityOf(post.id))!;
    expect(row).toMatchObject({ SUBJECT: '[U+6587]', DETAILS: '[U+6587]\n[U+005B]U+1F600]' });
    await exoEdits(row.SEQNO, () => '');
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe('文');
    expect((await activityOf(post.id))!.DETAILS).toBe('[U+6587]');
  });

  it('a new Exo activity whose details begin with its subject: the post has that line once', async () => {
    const seqno = await f.seed.task({ subject: 'Call Jo', details: 'Call Jo about 40 chairs\nbring samples', companyId: 'D101', assignedTo: f.staff.ann });
    await settled(f);
    const post = [...store().posts.values()].find((p) => p.external_ref?.startsWith(`exo-task:${seqno}:`))!;
    expect(post.body_text).toBe('Call Jo about 40 chairs\nbring samples');
  });

  it('a new Exo activity saved with CRLF line breaks: the post has none of Exo’s CRs (seed 1 of the torture run)', async () => {
    const seqno = await f.seed.task({ subject: 'Quote', details: 'Quote\r\nforty chairs\r\nby Friday\r', companyId: 'D101', assignedTo: f.staff.ann });
    await settled(f);
    const post = [...store().posts.values()].find((p) => p.external_ref?.startsWith(`exo-task:${seqno}:`))!;
    expect(post.body_text).toBe('Quote\nforty chairs\nby Friday');
  });

  describe('edits on both sides', () => {
    const both = async (text: string, exo: (d: string) => string, numerik: (t: string) => string) => {
      const post = numerikCreates({ body_text: text });
      await settled(f);
      const row = (await activityOf(post.id))!;
      f.sandbox.faults.set({ pauseWebhooks: true });
      await service.outbound.stop();
      await exoEdits(row.SEQNO, exo);
      await f.db.table('TASKS').where({ SEQNO: row.SEQNO }).update({ MODIFIEDDATE: new Date('2000-01-01T00:00:00Z') });
      store().updatePost(post.id, { body_text: numerik(text) });
      service.outbound.start();
      await settled(f, { webhooks: false });
      f.sandbox.faults.set({ pauseWebhooks: false });
      await settled(f);
      return { post: store().getPost(post.id), row: (await activityOf(post.id))! };
    };

    it('different lines: both edits are kept, on both sides, without a conflict', async () => {
      const { post, row } = await both('one\ntwo\nthree\nfour', (d) => d.replace('one', 'ONE from Exo'), (t) => t.replace('four', 'FOUR from Numerik'));
      expect(post.body_text).toBe('ONE from Exo\ntwo\nthree\nFOUR from Numerik');
      expect(row.DETAILS).toBe('ONE from Exo\ntwo\nthree\nFOUR from Numerik');
      expect((await logEntries(f.db, 'conflict')).filter((e) => e.POST_ID === post.id)).toEqual([]);
    });

    it('the same line: conflictPolicy decides it, the rest of both edits is kept, and the losing line is logged', async () => {
      await writeSetting(f.db, 'conflictPolicy', 'exo-wins', 'test');
      await new Promise((r) => setTimeout(r, 2100));
      try {
        const { post, row } = await both(
          'alpha\nbeta\ngamma\ndelta\nepsilon\nzeta\neta',
          (d) => d.replace('beta', 'beta (Exo)').replace('zeta', 'zeta (Exo)'),
          (t) => t.replace('beta', 'beta (Numerik)').replace('delta', 'delta (Numerik)'),
        );
        expect(post.body_text).toBe('alpha\nbeta (Exo)\ngamma\ndelta (Numerik)\nepsilon\nzeta (Exo)\neta');
        expect(row.DETAILS).toBe(post.body_text);
        const [conflict] = (await logEntries(f.db, 'conflict')).filter((e) => e.POST_ID === post.id);
        expect(JSON.parse(conflict!.DETAIL!)).toMatchObject({ fields: ['body_text'], winner: 'exo', exo: { body_text: 'beta (Exo)' }, numerik: { body_text: 'beta (Numerik)' } });
      } finally {
        await writeSetting(f.db, 'conflictPolicy', 'newest-wins', 'test');
        await new Promise((r) => setTimeout(r, 2100));
      }
    });
  });

  it('an activity that becomes excluded stops syncing both ways: nothing of it is sent, nothing written to it', async () => {
    const post = numerikCreates({ body_text: 'Team plan\ndraft' });
    await settled(f);
    const row = (await activityOf(post.id))!;
    await f.db.table('TASKS').where({ SEQNO: row.SEQNO }).update({ TYPE: f.types.internal, DETAILS: 'Team plan\nprivate now' });
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe('Team plan\ndraft');
    store().updatePost(post.id, { body_text: 'Team plan\nedited in Numerik' });
    await settled(f);
    expect((await activityOf(post.id))!.DETAILS).toBe('Team plan\nprivate now');
    expect((await logEntries(f.db, 'skipped')).some((e) => e.POST_ID === post.id && e.REASON.includes('is excluded: the activity is not synced'))).toBe(true);
  });

  describe('the trust boundary: external_ref is text, not authority', () => {
    const hostile = async (ref: (seqno: number) => string, seqno: number) => {
      const before = await f.db.table('TASKS').where({ SEQNO: seqno }).first();
      const post = numerikCreates({ body_text: 'Claiming it\nmy own words', external_ref: ref(seqno) }, f.users.raj);
      await settled(f);
      expect(await f.db.table('TASKS').where({ SEQNO: seqno }).first()).toEqual(before);
      // Never adopted, never patched: the creator's text is untouched.
      expect(store().getPost(post.id)).toMatchObject({ body_text: 'Claiming it\nmy own words', version: 1 });
      const own = (await activityOf(post.id))!;
      expect(own.SEQNO).not.toBe(seqno);
      expect((await logEntries(f.db, 'note')).filter((e) => e.POST_ID === post.id && e.REASON.includes(`names activity ${seqno}, but this sync did not create the post for it`))).toHaveLength(1);
      expect((await logEntries(f.db, 'dead')).filter((e) => e.POST_ID === post.id)).toEqual([]);
    };

    it('a post naming an excluded, never-synced activity (an HR note) is not adopted: nothing of the activity is sent', async () => {
      const hr = await f.seed.task({ subject: 'HR: private', details: 'salary review', companyId: 'D101', assignedTo: f.staff.eve });
      await settled(f);
      await hostile((n) => `exo-task:${n}`, hr);
      expect([...store().posts.values()].some((p) => p.body_text.includes('salary review'))).toBe(false);
    });

    it('a post naming an activity that is linked already, with a made-up token, leaves both alone', async () => {
      const seqno = await f.seed.task({ subject: 'Linked', details: 'Linked one', companyId: 'D101', assignedTo: f.staff.ann });
      await settled(f);
      const ours = [...store().posts.values()].find((p) => p.external_ref?.startsWith(`exo-task:${seqno}:`))!;
      await hostile((n) => `exo-task:${n}:forged-token-1234567890`, seqno);
      expect(store().getPost(ours.id).version).toBe(patchesOf(ours.id));
    });

    it('a copy of a real post’s external_ref, made after the link, claims nothing', async () => {
      const seqno = await f.seed.task({ subject: 'Copied', details: 'Copied ref', companyId: 'D101', assignedTo: f.staff.ann });
      await settled(f);
      const ours = [...store().posts.values()].find((p) => p.external_ref?.startsWith(`exo-task:${seqno}:`))!;
      await hostile(() => ours.external_ref!, seqno);
    });
  });
});
