import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { htmlToText, textToHtml } from '../../sync/mapping/text.js';
import type { PostInput } from '../../sync/numerik/types.js';
import { optionsSource } from '../../sync/options-source.js';
import { forEachTarget } from '../support/targets.js';
import { syncFixture, type SyncFixture } from '../support/sync.js';

describe("the text of a post's HTML", () => {
  it.each([
    ['paragraphs and a list', '<p><strong>bold</strong></p><ul><li>one</li><li>two</li></ul>', 'bold\none\ntwo'],
    ['an empty paragraph is an empty line', '<p>a</p><p></p><p>b</p>', 'a\n\nb'],
    ['line breaks', 'a<br>b<br/><br />c', 'a\nb\n\nc'],
    ['source layout between blocks is no line', '<ul>\n  <li>one</li>\n  <li>two &amp; &#233;</li>\n</ul>\n', 'one\ntwo & é'],
    ["a line the Exo user typed after the HTML stays a line", '<p>Call Jo</p>\nwants a quote', 'Call Jo\nwants a quote'],
    ['a heading, then text', '<h2>Quote</h2>40 chairs', 'Quote\n40 chairs'],
  ])('%s', (_, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it("law: the text of textToHtml's HTML is the text (no CRs: the HTML has none)", () => {
    const text = fc.array(fc.string({ unit: 'grapheme' }).map((s) => s.replace(/[\r\n]/g, '')), { maxLength: 8 }).map((lines) => lines.join('\n'));
    fc.assert(
      fc.property(text, (t) => {
        expect(htmlToText(textToHtml(t))).toBe(t);
      }),
      { seed: 20261206, numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});

forEachTarget('notesFormat html: an Exo edit keeps the line breaks and lists of the post', (engine) => {
  let f: SyncFixture;
  let events = 0;
  const inbound = async (postId: string) => {
    await storeEvent(f.db, { eventId: `evt_html_${(events += 1)}`, type: 'post.updated', postId, version: null, source: 'webhook' });
    await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options, undefined, 0) }).drain();
  };
  const activityOf = async (postId: string) => {
    const link = (await f.db.table(OBJECTS.postLink).where({ POST_ID: postId }).first('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number };
    return (await f.db.table('TASKS').where({ SEQNO: link.ACTIVITY_SEQNO }).first('SEQNO', 'DETAILS')) as { SEQNO: number; DETAILS: string };
  };

  beforeAll(async () => {
    f = await syncFixture(engine, { notesFormat: 'html', defaultStaff: 'ANN' });
  });
  afterAll(() => f.close());

  it('"bold / one / two": an item added in Exo reaches Numerik as a line, the list as a list', async () => {
    const html = '<p><strong>bold</strong></p><ul><li>one</li><li>two</li></ul>';
    const post = f.sandbox.store.createPost({ type: 'task', customer_id: f.customers.acme, body_text: 'bold\none\ntwo', body_html: html } as PostInput, f.users.ann).post;
    await inbound(post.id);
    const row = await activityOf(post.id);
    expect(row.DETAILS).toBe(html);
    await f.db.table('TASKS').where({ SEQNO: row.SEQNO }).update({ DETAILS: row.DETAILS.replace('<li>two</li>', '<li>two</li><li>three</li>') });
    await f.worker().drain();
    const after = f.sandbox.store.getPost(post.id);
    expect(after.body_text).toBe('bold\none\ntwo\nthree');
    expect(after.body_html).toBe('<p><strong>bold</strong></p><ul><li>one</li><li>two</li><li>three</li></ul>');
  });

  it('a line typed in Exo below the HTML is a line of its own in Numerik; the lines Numerik had stay', async () => {
    const post = f.sandbox.store.createPost({ type: 'task', customer_id: f.customers.acme, body_text: 'Call Jo\nwants a quote' } as PostInput, f.users.ann).post;
    await inbound(post.id);
    const row = await activityOf(post.id);
    expect(row.DETAILS).toBe('<p>Call Jo</p><p>wants a quote</p>');
    await f.db.table('TASKS').where({ SEQNO: row.SEQNO }).update({ DETAILS: `${row.DETAILS}\nsent 40 chairs` });
    await f.worker().drain();
    expect(f.sandbox.store.getPost(post.id).body_text).toBe('Call Jo\nwants a quote\nsent 40 chairs');
  });
});
