import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { beforeAll, expect, it } from 'vitest';
import { createApi } from '../../api/app.js';
import { connect, type Db } from '../../db/connect.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { silentLogger } from '../../logging/logger.js';
import { Migrator } from '../../migrations/runner.js';
import { signatureHeader } from '../../sync/numerik/signature.js';
import { exoDb } from '../support/exo.js';
import { forEachTarget } from '../support/targets.js';

const SECRET = 'whsec_current';
const OLD_SECRET = 'whsec_previous';

const event = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  type: 'post.updated',
  created_at: '2026-11-27T10:00:00Z',
  data: { post_id: 'pst_1', version: 3 },
  ...over,
});

function signed(body: string, secrets = [SECRET], timestamp = Math.floor(Date.now() / 1000)) {
  return { 'numerik-timestamp': String(timestamp), 'numerik-signature': signatureHeader(secrets, timestamp, body), 'content-type': 'application/json' };
}

forEachTarget('POST /webhooks/numerik', (engine) => {
  let db: Db;
  let stored = 0;
  let app: ReturnType<typeof createApi>;
  const inbox = () => db.table(OBJECTS.inbox).select('EVENT_ID', 'EVENT_TYPE', 'POST_ID', 'POST_VERSION', 'SOURCE', 'STATE').orderBy('ID');
  const post = (body: string, headers: Record<string, string>) => request(app).post('/webhooks/numerik').set(headers).send(body);

  beforeAll(async () => {
    db = await exoDb(engine);
    await new Migrator(db).up();
    app = createApi({ db, secrets: async () => [SECRET, OLD_SECRET], logger: silentLogger, onStored: () => (stored += 1) });
  });

  it('stores a signed event once and answers 202 at once', async () => {
    const body = JSON.stringify(event('evt_1'));
    const res = await post(body, signed(body));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted' });
    expect(await inbox()).toEqual([{ EVENT_ID: 'evt_1', EVENT_TYPE: 'post.updated', POST_ID: 'pst_1', POST_VERSION: 3, SOURCE: 'webhook', STATE: 'ready' }]);
    expect(stored).toBe(1);
  });

  it('answers a duplicate delivery 200 and stores nothing more', async () => {
    const body = JSON.stringify(event('evt_1'));
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'duplicate' });
    expect(await inbox()).toHaveLength(1);
  });

  it('accepts a signature made with either secret while a secret is rotated', async () => {
    const body = JSON.stringify(event('evt_2'));
    expect((await post(body, signed(body, [OLD_SECRET]))).status).toBe(202);
    const both = JSON.stringify(event('evt_3'));
    expect((await post(both, signed(both, ['whsec_unknown', SECRET]))).status).toBe(202);
  });

  it.each([
    ['no signature', (_b: string) => ({ 'content-type': 'application/json' }), 'missing Numerik-Signature or Numerik-Timestamp'],
    ['a forged signature', (b: string) => signed(b, ['whsec_forged']), 'signature does not match'],
    ['a stale timestamp (a replay)', (b: string) => signed(b, [SECRET], Math.floor(Date.now() / 1000) - 301), 'timestamp outside the 5-minute window'],
    ['a timestamp from the future', (b: string) => signed(b, [SECRET], Math.floor(Date.now() / 1000) + 400), 'timestamp outside the 5-minute window'],
    ['a signature of another body', (_b: string) => signed(JSON.stringify(event('evt_other'))), 'signature does not match'],
  ])('answers 401 to %s, storing nothing', async (_, headers, reason) => {
    const body = JSON.stringify(event('evt_forged'));
    const res = await post(body, headers(body));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', reason });
    expect((await inbox()).map((r: { EVENT_ID: string }) => r.EVENT_ID)).not.toContain('evt_forged');
  });

  it.each([
    ['not JSON', '{"id": "evt_4",', 'the body is not JSON'],
    ['no post id', JSON.stringify(event('evt_5', { data: { version: 3 } })), 'data.post_id: Invalid input: expected string, received undefined'],
    ['an unknown event type', JSON.stringify(event('evt_6', { type: 'post.exploded' })), expect.stringMatching(/^type: Invalid option: expected one of/)],
    ['a negative version', JSON.stringify(event('evt_7', { data: { post_id: 'p', version: -1 } })), expect.stringMatching(/^data\.version: /)],
  ])('answers 400 with a reason to a signed body that is %s', async (_, body, reason) => {
    const res = await post(body, signed(body));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'bad_request', reason });
  });

  it.each([
    ['a version too big for the inbox', event('evt_v', { data: { post_id: 'pst_1', version: 2 ** 31 } }), /^data\.version: Too big/],
    ['a NUL in the event id', event('evt_\u0000nul'), 'id: only printable ASCII characters, without spaces'],
    ['a post id with letters the inbox cannot hold', event('evt_u', { data: { post_id: 'pst_😀', version: 1 } }), 'data.post_id: only printable ASCII characters, without spaces'],
    ['a post id too long', event('evt_l', { data: { post_id: 'p'.repeat(65), version: 1 } }), /^data\.post_id: Too big/],
    ['a time that is no time', event('evt_t', { created_at: 'yesterday' }), 'created_at: not a date and time'],
    ['an array', [event('evt_a')], /^body: Invalid input: expected object/],
  ])('a signed event that can never be stored, %s: 400 with the cause, never 503, nothing stored', async (_, value, reason) => {
    const body = JSON.stringify(value);
    const before = (await inbox()).length;
    const res = await post(body, signed(body));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'bad_request', reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) });
    expect(await inbox()).toHaveLength(before);
  });

  it('refuses a body with a Content-Encoding (415): the signature is checked over the bytes as they arrive', async () => {
    const body = gzipSync(JSON.stringify(event('evt_gzip')));
    const res = await request(app).post('/webhooks/numerik').set({ ...signed(body.toString('latin1')), 'content-encoding': 'gzip' }).send(body);
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: 'unsupported_encoding', reason: 'Content-Encoding gzip is not accepted: send the body as it was signed' });
    expect((await inbox()).map((r: { EVENT_ID: string }) => r.EVENT_ID)).not.toContain('evt_gzip');
  });

  it('answers 400 when Numerik-Event-Id and the body disagree', async () => {
    const body = JSON.stringify(event('evt_8'));
    const res = await post(body, { ...signed(body), 'numerik-event-id': 'evt_9' });
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('Numerik-Event-Id does not match the body');
  });

  it('answers 413 to a body over 1 MB', async () => {
    const body = JSON.stringify(event('evt_big', { padding: 'x'.repeat(1024 * 1024) }));
    const res = await post(body, signed(body));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'too_large', reason: 'the body is over 1 MB' });
  });

  it('answers 503 when the database cannot store the event, so Numerik retries', async () => {
    const gone = await connect({ client: 'pglite', schema: 'public' });
    await gone.close();
    const broken = createApi({ db: gone, secrets: async () => [SECRET], logger: silentLogger });
    const body = JSON.stringify(event('evt_10'));
    const res = await request(broken).post('/webhooks/numerik').set(signed(body)).send(body);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'unavailable', reason: 'the event could not be stored; retry later' });
    const noSecrets = createApi({ db, secrets: () => Promise.reject(new Error('connection refused')), logger: silentLogger });
    expect((await request(noSecrets).post('/webhooks/numerik').set(signed(body)).send(body)).status).toBe(503);
  });
});
