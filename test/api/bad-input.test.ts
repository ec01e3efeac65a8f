import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createApi } from '../../api/app.js';
import { dbOver, type Db } from '../../db/connect.js';
import type { Logger } from '../../logging/logger.js';
import { databaseOperations } from '../../service/operations.js';
import { forEachTarget } from '../support/targets.js';
import { syncFixture, type SyncFixture } from '../support/sync.js';

const TOKEN = 'admin-token-for-tests-0123456789';

/** A logger keeping each line as the text a log file would hold. */
function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (message: string, meta?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, message, ...meta }));
  return { lines, error: keep('error'), warn: keep('warn'), info: keep('info'), debug: keep('debug') };
}

forEachTarget('every bad input answered: 400 with the reason, never 500 or 502, never SQL in the log', (engine) => {
  let f: SyncFixture;
  const logger = capturingLogger();
  const apiOver = (db: Db) =>
    createApi({ db, logger, secrets: async () => [], operator: { operations: databaseOperations(db, f.options, async () => f.client), adminToken: TOKEN } });
  let api: ReturnType<typeof createApi>;
  const admin = (path: string) => request(api).get(path).set('Authorization', `Bearer ${TOKEN}`);

  beforeAll(async () => {
    f = await syncFixture(engine);
    api = apiOver(f.db);
  });
  afterAll(() => f?.close());
  beforeEach(() => void logger.lines.splice(0));

  it.each([
    ['a NUL', 'Jo\u0000 Smith', /^q: a control character \(U\+0000\) is not something a record holds/],
    ['another control character', 'Jo\u001bSmith', /^q: a control character \(U\+001B\)/],
    ['over-long text', 'x'.repeat(201), /^q: at most 200 characters/],
  ])('search text with %s: 400 from the admin API and the status page, the reason first', async (_, q, reason) => {
    const json = await admin('/admin/records').query({ q }).expect(400);
    expect(json.body).toEqual({ error: 'bad_request', reason: expect.stringMatching(reason) });
    const page = await admin('/status/records').query({ q }).set('Accept', 'text/html').expect(400);
    expect(page.text).toContain(json.body.reason.replace(/"/g, '&quot;'));
    expect(logger.lines).toEqual([]);
  });

  it('a search given twice is one search too many', async () => {
    expect((await admin('/admin/records?q=a&q=b').expect(400)).body.reason).toBe('q: give the search text once');
  });

  it('for any search text: 200, or 400 exactly when it holds a control character or is over 200 characters', async () => {
    const character = fc.oneof(fc.constantFrom('\u0000', '\t', '\n', '\u001f', '\u007f', '\u0085', '%', '_', "'", '\\', '[', '"'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: character, maxLength: 210 }), async (q) => {
        const bad = /\p{Cc}/u.test(q) || q.length > 200;
        const r = await admin('/admin/records').query({ q });
        expect(r.status, r.text).toBe(bad ? 400 : 200);
      }),
      { seed: 20261206, numRuns: 60 },
    );
    expect(logger.lines).toEqual([]);
  });

  it.each([
    ['since=2026-13-45', /^since: "2026-13-45" is not a date: use YYYY-MM-DD/],
    ['since=2026-02-30', /^since: "2026-02-30" is not a date/],
    ['since=2026-01-01&until=2026-01-01T25:00', /^until: "2026-01-01T25:00" is not a date/],
    ['since=last%20week', /^since: "last week" is not a date/],
    ['numerikSince=2026-02-30T00:00:00Z', /^numerikSince: an instant in ISO 8601/],
    ['numerikSince=yesterday', /^numerikSince: an instant in ISO 8601/],
    ['limit=0', /^limit: /],
    ['sinse=2026-01-01', /^body: .*sinse/],
  ])('/admin/preview?%s: 400 with the reason, nothing run', async (query, reason) => {
    const r = await admin(`/admin/preview?${query}`).expect(400);
    expect(r.body).toEqual({ error: 'bad_request', reason: expect.stringMatching(reason) });
  });

  it('a valid range is read as the CLI reads it', async () => {
    const r = await admin('/admin/preview?since=2024-02-29&until=2024-03-01T08:30').expect(200);
    expect(JSON.parse(r.text.trim().split('\n').at(-1)!)).toMatchObject({ summary: { unreadable: [] } });
  });

  it('/admin/mappings?kind= anything but a kind: 400', async () => {
    expect((await admin('/admin/mappings?kind=planet').expect(400)).body.reason).toBe('kind: one of staff, customer, type');
  });

  it("a database error's log line and answer carry the database's message, never the statement or its values", async () => {
    const away = apiOver(dbOver(f.db.knex, { ...f.db.target, schema: 'no_such_schema' }, async () => undefined));
    const page = await request(away).get('/status/records').query({ q: 'salary review' }).set('Authorization', `Bearer ${TOKEN}`);
    const json = await request(away).get('/admin/records').query({ q: 'salary review' }).set('Authorization', `Bearer ${TOKEN}`);
    expect([page.status, json.status]).toEqual([expect.any(Number), 503]);
    expect(page.status).toBeGreaterThanOrEqual(500);
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const text of [...logger.lines, json.text]) expect(text).toMatch(/no_such_schema|Invalid object name|does not exist/i);
    for (const text of [...logger.lines, page.text, json.text]) expect(text).not.toMatch(/\bselect\b|\bfrom\b|\blike\b|salary/i);
  });
});
