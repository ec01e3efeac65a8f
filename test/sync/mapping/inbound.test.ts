import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../db/exo/activities.js';
import { encodeChars } from '../../../sync/lens/chars.js';
import { commentsText } from '../../../sync/lens/comments.js';
import { deletedChange, exoColumnsFor, newActivityRow, type InboundContext } from '../../../sync/mapping/inbound.js';
import type { Post } from '../../../sync/numerik/types.js';

const ctx = (over: Partial<InboundContext> = {}): InboundContext => ({
  timeZone: 'Pacific/Auckland',
  notesFormat: 'text',
  codePage: 'cp1252',
  accountOf: (id) => ({ cus_acme: { type: 'D' as const, accno: 101 }, cus_paper: { type: 'C' as const, accno: 7 }, cus_cafe: { type: 'P' as const, accno: 3 } })[id],
  staffOf: (id) => ({ usr_ann: 1, usr_raj: 2 })[id ?? ''],
  userName: (id) => ({ usr_ann: 'Ann Smith', usr_raj: 'Raj Patel' })[id] ?? id,
  typeOfTags: (tags) => tags.map((t) => ({ 'phone call': 5, meeting: 6 })[t.toLowerCase()]).find((t) => t !== undefined),
  defaultStaff: 9,
  defaultType: 6,
  now: new Date('2026-11-27T10:00:00Z'),
  ...over,
});

const post = (over: Partial<Post> = {}): Post => ({
  id: 'pst_1',
  version: 2,
  type: 'task',
  customer_id: 'cus_acme',
  author_id: 'usr_ann',
  assignee_id: 'usr_raj',
  body_html: '<p>Quote for Jo</p><p>40 chairs</p>',
  body_text: 'Quote for Jo\n40 chairs',
  follow_up_date: null,
  due_at: '2026-12-02T21:00:00.000Z',
  completed: false,
  completed_at: null,
  tags: ['VIP', 'Phone call'],
  comments: [],
  attachments: [],
  external_ref: null,
  created_at: '2026-11-26T20:00:00.000Z',
  updated_at: '2026-11-26T21:00:00.000Z',
  ...over,
});

describe('Numerik → Exo: a new activity (rules 1–4, 6, 10)', () => {
  it('a task: subject from the first line, the text as details, the account, the assignee, the due time in the site’s zone, the type of the first mapped tag', () => {
    expect(newActivityRow(post(), ctx())).toEqual({
      columns: {
        COMPANYID: 'D101',
        SUBJECT: 'Quote for Jo',
        DETAILS: 'Quote for Jo\n40 chairs',
        ASSIGNED_TO: 2,
        END_DATETIME: new Date('2026-12-03T10:00:00.000Z'),
        COMPLETED: 'N',
        COMPLETED_PERCENT: 0,
        COMPLETED_DATETIME: null,
        TYPE: 5,
        MODIFIEDDATE: new Date('2026-11-27T10:00:00Z'),
        MODIFIEDBY: 1,
        ASSIGNED_BY: 1,
        CREATEDBY: 1,
        CREATEDATE: new Date('2026-11-27T09:00:00.000Z'),
        ACTIVITY_TYPE: 1,
        EVENTTYPE: 0,
        OPTIONS: 3,
        PRIORITY: 'Normal',
        DELETED_FLAG: 'N',
        SYNC_ACTIVITY: 'N',
        JOBNO: -1,
        SU_SEQNO: -1,
        SUBS_HDR_SEQNO: -1,
      },
      notes: [],
      cuts: [],
    });
  });

  it.each<[string, Partial<Post>, Record<string, unknown>]>([
    ['a note without a follow-up is done, belongs to its author', { type: 'note', assignee_id: null, due_at: null }, { COMPLETED: 'Y', COMPLETED_PERCENT: 100, ASSIGNED_TO: 1 }],
    ['a note with a follow-up is open, all-day on that date', { type: 'note', assignee_id: null, due_at: null, follow_up_date: '2026-12-24' }, { COMPLETED: 'N', START_DATETIME: new Date('2026-12-24T00:00:00Z'), END_DATETIME: new Date('2026-12-24T00:00:00Z'), OPTIONS: 2 }],
    ['a completed note with a follow-up is done', { type: 'note', assignee_id: null, due_at: null, follow_up_date: '2026-12-24', completed: true, completed_at: '2026-12-01T01:00:00.000Z' }, { COMPLETED: 'Y', COMPLETED_DATETIME: new Date('2026-12-01T14:00:00.000Z') }],
    ['a creditor', { customer_id: 'cus_paper' }, { COMPANYID: 'C7' }],
    ['a non-account', { customer_id: 'cus_cafe' }, { COMPANYID: 'P3' }],
    ['no tag that maps to a type: the default type', { tags: ['VIP'] }, { TYPE: 6 }],
    ['an unknown assignee: the default staff member', { assignee_id: 'usr_stranger' }, { ASSIGNED_TO: 9 }],
    ['HTML notes keep the HTML', {}, { DETAILS: '<p>Quote for Jo</p><p>40 chairs</p>', SUBJECT: 'Quote for Jo' }],
  ])('%s', (name, over, expected) => {
    const change = newActivityRow(post(over), ctx(name.startsWith('HTML') ? { notesFormat: 'html' } : {}));
    expect('columns' in change && change.columns).toMatchObject(expected);
  });

  it('parks a post whose customer has no Exo account', () => {
    expect(newActivityRow(post({ customer_id: 'cus_unknown' }), ctx())).toEqual({ park: 'customer not linked' });
  });

  it('says when a user has no staff member: once, with every role the user has in the post', () => {
    const change = newActivityRow(post({ author_id: 'usr_stranger', assignee_id: null }), ctx());
    const notes = 'notes' in change ? change.notes.filter((n) => n.includes('usr_stranger')) : [];
    expect(notes).toEqual([`Numerik user usr_stranger (who changed it, author) has no Exo staff member: staff 9 used`]);
  });

  it('users without a staff member: one note each', () => {
    const change = newActivityRow(post({ type: 'task', author_id: 'usr_stranger', assignee_id: 'usr_other', updated_by: 'usr_other' }), ctx());
    expect('notes' in change && change.notes.filter((n) => n.includes('has no Exo staff member'))).toEqual([
      'Numerik user usr_other (assignee, who changed it) has no Exo staff member: staff 9 used',
      'Numerik user usr_stranger (author) has no Exo staff member: staff 9 used',
    ]);
  });
});

describe('Numerik → Exo: what changed (rules 5, 7)', () => {
  const activity = (over: Partial<Activity> = {}): Activity => ({
    seqno: 7, subject: 'Quote for Jo', details: 'Quote for Jo\n40 chairs', companyId: 'D101', assignedTo: 2, createdBy: 1, modifiedBy: 1,
    completed: false, completedAt: null, start: null, end: null, type: 5, status: null, deleted: false, eventType: 0, activityType: 1,
    createdAt: new Date('2026-11-27T09:00:00Z'), modifiedAt: null, ...over,
  });

  it('writes only the changed fields, stamped with when and by whom', () => {
    expect(exoColumnsFor(['completed', 'completed_at'], post({ completed: true, completed_at: '2026-11-27T00:00:00.000Z' }), activity(), ctx())).toEqual({
      columns: { COMPLETED: 'Y', COMPLETED_PERCENT: 100, COMPLETED_DATETIME: new Date('2026-11-27T13:00:00.000Z'), MODIFIEDDATE: new Date('2026-11-27T10:00:00Z'), MODIFIEDBY: 1 },
      notes: [],
      cuts: [],
    });
  });

  it('nothing changed: nothing written, not even the stamps', () => {
    expect(exoColumnsFor([], post(), activity(), ctx())).toEqual({ columns: {}, notes: [], cuts: [] });
  });

  it('DETAILS is the view of the post: its text, then Numerik’s comments, replacing whatever was below the marker', () => {
    const commented = post({
      comments: [
        { id: 'c2', author_id: 'usr_raj', body_text: 'Sent.', body_html: '', created_at: '2026-11-27T02:00:00.000Z', updated_at: '2026-11-27T02:00:00.000Z' },
        { id: 'c1', author_id: 'usr_ann', body_text: 'Call him?', body_html: '', created_at: '2026-11-27T01:00:00.000Z', updated_at: '2026-11-27T01:00:00.000Z' },
      ],
      updated_at: '2026-11-27T02:00:00.000Z',
    });
    const change = exoColumnsFor([], commented, activity({ details: 'Quote for Jo\nmine\n##Comments##\nold stuff' }), ctx());
    expect(change).toMatchObject({
      columns: { DETAILS: 'Quote for Jo\n40 chairs\n##Comments##\nAnn Smith (27 Nov 2026 14:00):\nCall him?\n\nRaj Patel (27 Nov 2026 15:00):\nSent.', MODIFIEDBY: 2 },
    });
    expect(commentsText(post().comments, 'Pacific/Auckland', (id) => id)).toBeNull();
  });

  it('what Exo cannot hold is shown visibly and said, never left for the database to refuse', () => {
    const change = newActivityRow(post({ body_text: 'NUL \0 and 😀', due_at: 'next Tuesday', created_at: '31/12/2026' }), ctx());
    expect(change).toMatchObject({ columns: { SUBJECT: 'NUL [U+0000] and [U+1F600]', END_DATETIME: null, CREATEDATE: new Date('2026-11-27T10:00:00Z') } });
    expect((change as { notes: string[] }).notes).toEqual(
      expect.arrayContaining([
        'Numerik\'s due time "next Tuesday" is not a date and time: left empty',
        'Numerik\'s creation time "31/12/2026" is not a date and time: left empty',
        '2 character(s) the database code page (cp1252) cannot hold are shown as [U+XXXX]; an Exo edit keeps them',
      ]),
    );
    const note = exoColumnsFor(['follow_up_date'], post({ type: 'note', follow_up_date: '2026-02-30' }), activity(), ctx());
    expect(note).toMatchObject({ columns: { START_DATETIME: null, END_DATETIME: null, OPTIONS: 3 }, notes: ['Numerik\'s follow-up date "2026-02-30" is not a date: left empty'] });
  });

  it('a customer changed to one without an Exo account parks', () => {
    expect(exoColumnsFor(['customer_id'], post({ customer_id: 'cus_unknown' }), activity(), ctx())).toEqual({ park: 'customer not linked' });
  });

  it('a deleted post: subject marked within 60 characters, an audit block appended', () => {
    const change = deletedChange(activity({ subject: 'x'.repeat(60) }), { text: 'Quote for Jo\n40 chairs', deletedAt: '2026-11-27T03:00:00.000Z', deletedBy: 'usr_raj' }, ctx());
    expect(change.columns.SUBJECT).toBe(`Deleted: ${'x'.repeat(51)}`);
    expect(change.columns.DETAILS).toBe("Quote for Jo\n40 chairs\n\n[Deleted in Numerik on 27 Nov 2026 16:00 by Raj Patel. The post's text was:]\nQuote for Jo\n40 chairs");
    expect(change.columns.MODIFIEDBY).toBe(2);
  });

  it('fills every NOT NULL column of a new row and never an Exo-owned one', () => {
    const change = newActivityRow(post(), ctx());
    const columns = Object.keys('columns' in change ? change.columns : {});
    for (const c of ['COMPLETED', 'CREATEDATE', 'ACTIVITY_TYPE', 'COMPLETED_PERCENT', 'DELETED_FLAG', 'SYNC_ACTIVITY', 'JOBNO', 'SU_SEQNO', 'SUBS_HDR_SEQNO']) expect(columns).toContain(c);
    for (const c of ['OUTLOOKENTRYID', 'RECURRENCEINFO', 'RECURRENCEINDEX', 'PARENTSEQNO', 'SOURCEID', 'SEQNO']) expect(columns).not.toContain(c);
  });
});

describe('the database code page', () => {
  it.each([
    ['plain ASCII', 'Call Jo', 'Call Jo', 0],
    ['Windows-1252 punctuation and accents', '“Café” – 40 €', '“Café” – 40 €', 0],
    ['an emoji', 'Great 😀', 'Great [U+1F600]', 1],
    ['letters outside the code page', 'ŋ Ω 中', '[U+014B] [U+03A9] [U+4E2D]', 3],
  ])('%s', (_, text, expected, replaced) => {
    expect(encodeChars(text, 'cp1252')).toEqual({ text: expected, replaced });
  });

  it('a UTF-8 database holds everything', () => {
    expect(encodeChars('中 😀', 'utf-8')).toEqual({ text: '中 😀', replaced: 0 });
  });
});
