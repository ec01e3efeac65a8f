import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { writeLog } from '../../db/plugin/log.js';
import { park } from '../../db/plugin/parked.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { silentLogger } from '../../logging/logger.js';
import { startService, type Service } from '../../service/service.js';
import { forEachTarget } from '../support/targets.js';
import { settled, syncFixture, type SyncFixture } from '../support/sync.js';

const TOKEN = 'admin-token-for-tests-0123456789';

forEachTarget('the operator API', (engine) => {
  let f: SyncFixture;
  let service: Service;
  const api = () => request(service.url);
  const admin = (r: request.Test) => r.set('Authorization', `Bearer ${TOKEN}`);

  beforeAll(async () => {
    f = await syncFixture(engine);
    service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0, adminToken: TOKEN }, worker: { leaseMs: 10_000 } });
  });
  afterAll(async () => {
    await service?.stop();
    await f?.close();
  });
  beforeEach(() => f.sandbox.faults.clear());

  it('GET /healthz: the service and its database answer', async () => {
    await api().get('/healthz').expect(200, { status: 'ok', database: 'ok' });
  });

  it('GET /status shows parked items grouped by reason, dead letters and conflicts (JSON; an HTML page for a browser)', async () => {
    await f.db.knex.transaction(async (trx) => {
      await park(f.db, trx, { activitySeqno: 901 }, 'customer not linked');
      await park(f.db, trx, { activitySeqno: 902 }, 'customer not linked');
    });
    await writeLog(f.db, [
      { direction: 'outbound', kind: 'dead', activitySeqno: 903, reason: 'Numerik refused the post (400): body_text too long' },
      {
        direction: 'inbound',
        kind: 'conflict',
        activitySeqno: 904,
        postId: 'pst_x',
        reason: 'conflict',
        detail: { policy: 'newest-wins', winner: 'numerik', fields: ['body_text'], exo: { body_text: 'Exo <b>text</b>' }, numerik: { body_text: 'Numerik text' } },
      },
    ]);
    const { body } = await admin(api().get('/status')).expect(200);
    expect(body.parked).toEqual([{ direction: 'outbound', reason: 'customer not linked', count: 2, since: expect.any(String) }]);
    expect(body.dead).toMatchObject({ total: 1, items: [{ direction: 'outbound', activitySeqno: 903, reason: 'Numerik refused the post (400): body_text too long' }] });
    expect(body.conflicts.items[0]).toMatchObject({ activitySeqno: 904, winner: 'numerik', fields: [{ field: 'body_text', exo: 'Exo <b>text</b>', numerik: 'Numerik text' }] });
    expect(body.outbound).toMatchObject({ enabled: true, depth: expect.any(Number) });

    const page = await admin(api().get('/status').set('Accept', 'text/html')).expect(200).expect('content-type', /html/);
    expect(page.text).toContain('<strong>2</strong> activities waiting: customer not linked');
    expect(page.text).toContain('Exo &lt;b&gt;text&lt;/b&gt;');
    expect(page.text).toMatch(/<button class="retry" data-id="\d+"[^>]*>Retry<\/button>/);
    // Times as the Exo site reads them, the UTC instant on hover.
    expect(page.text).toMatch(/<time datetime="[^"]+Z" title="20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC">\d{1,2} \w{3} 20\d\d \d\d:\d\d:\d\d (NZ[DS]T|GMT\+1[23])<\/time>/);
    // Without the token, on this machine too: the same counts and states, and none of the text.
    const bare = await api().get('/status').expect(200);
    expect(bare.body).toMatchObject({ textHidden: true, dead: { total: 1, items: [{ activitySeqno: 903, reason: '' }] }, conflicts: { items: [{ fields: [{ field: 'body_text', exo: null, numerik: null }] }] } });
    const barePage = await api().get('/status').set('Accept', 'text/html').expect(200);
    expect(barePage.text).toContain('<strong>2</strong> activities waiting: customer not linked');
    expect(barePage.text).not.toContain('Exo &lt;b&gt;text');
    expect(barePage.text).not.toContain('body_text too long');
  });

  it('without the admin token the status shows no activity or post text, names or addresses anywhere (a terminal server has every Exo user on it)', async () => {
    const marks: [string, string, ...string[]] = ['Zanzibar-7731 secret plan', 'Quokka-4410 from Numerik', 'Ann Smith', 'ann@example.com', 'Numerik said Xylophone-991'];
    const seqno = await f.seed.task({ subject: marks[0], details: `${marks[0]}\nmore`, companyId: 'D101', assignedTo: f.staff.ann });
    f.sandbox.store.createPost({ type: 'task', customer_id: f.customers.acme, body_text: marks[1] }, f.users.ann);
    await settled(f);
    await writeLog(f.db, [
      { direction: 'outbound', kind: 'dead', activitySeqno: seqno, reason: `Numerik 400: ${marks[4]}` },
      { direction: 'outbound', kind: 'conflict', activitySeqno: seqno, reason: 'conflict', detail: { policy: 'exo-wins', winner: 'exo', fields: ['body_text'], exo: { body_text: marks[0] }, numerik: { body_text: marks[1] } } },
    ]);
    const answers = [await api().get('/status'), await api().get('/status').set('Accept', 'text/html'), await api().get('/metrics')];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      for (const mark of marks) expect(answer.text).not.toContain(mark);
    }
    const full = await admin(api().get('/status')).expect(200);
    expect(full.text).toContain(marks[0]);
    expect(full.text).toContain(marks[4]);
  });

  it('the page’s session: the admin token once, then a cookie (the token in no URL); it reads, and alone (without the pages’ own header) it changes nothing', async () => {
    await api().post('/status/session').expect(401);
    const login = await admin(api().post('/status/session')).expect(204);
    const cookie = login.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/^exo_numerik_status=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(TOKEN);
    const full = await api().get('/status').set('Cookie', cookie.split(';')[0]!).expect(200);
    expect(full.body.textHidden).toBeUndefined();
    await api().get('/status').set('Cookie', 'exo_numerik_status=forged').expect(200).expect((r) => expect(r.body.textHidden).toBe(true));
    await api().post('/admin/retry').set('Cookie', cookie.split(';')[0]!).send({ all: true }).expect(401);
    const logout = await api().delete('/status/session').expect(204);
    expect(logout.headers['set-cookie']![0]).toMatch(/^exo_numerik_status=; Max-Age=0/);
  });

  it("the pages' changes: the session cookie with the pages' own header from this origin; never another site's page, never the header alone", async () => {
    const login = await admin(api().post('/status/session')).expect(204);
    const session = login.headers['set-cookie']![0]!.split(';')[0]!;
    const retry = () => api().post('/admin/retry').set('Cookie', session).send({ ids: [999_999] });
    await retry().set('x-exo-numerik-page', '1').set('Sec-Fetch-Site', 'same-origin').expect(200, { retried: [] });
    await retry().set('x-exo-numerik-page', '1').expect(200);
    await retry().set('x-exo-numerik-page', '1').set('Origin', service.url).expect(200);
    await retry().set('x-exo-numerik-page', '1').set('Sec-Fetch-Site', 'same-site').expect(401);
    await retry().set('x-exo-numerik-page', '1').set('Origin', 'http://evil.example').expect(401);
    await api().post('/admin/retry').set('x-exo-numerik-page', '1').send({ ids: [1] }).expect(401);
    await api().post('/admin/retry').set('Cookie', 'exo_numerik_status=forged').set('x-exo-numerik-page', '1').send({ ids: [1] }).expect(401);
  });

  it("the admin token form: the browser posts it itself, gets the session cookie and goes back to the page it was typed on; a wrong one is said, no cookie", async () => {
    const wrong = await api().post('/status/session').type('form').send({ token: 'not-it', back: '/status/records/activity/5' }).expect(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.text).toContain('The admin token was not accepted');
    const right = await api().post('/status/session').type('form').send({ token: TOKEN, back: '/status/records/activity/5' }).expect(303);
    expect(right.headers.location).toBe('/status/records/activity/5');
    expect(right.headers['set-cookie']![0]).toMatch(/^exo_numerik_status=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    // Only back to a page of this service.
    for (const back of ['https://evil.example/status', '//evil.example/status', '/admin/settings', '/status\\evil']) {
      const r = await api().post('/status/session').type('form').send({ token: TOKEN, back }).expect(303);
      expect(r.headers.location).toBe('/status');
    }
  });

  it('the pages run no inline script: their script and style are files of this service, and the CSP says so', async () => {
    for (const url of ['/status', '/status/records?q=', '/status/preview', '/status/records/activity/1']) {
      const r = await admin(api().get(url).set('Accept', 'text/html'));
      expect(r.headers['content-security-policy']).toMatch(/(^|;)script-src 'self'(;|$)/);
      expect(r.headers['content-security-policy']).toMatch(/(^|;)style-src 'self'(;|$)/);
      expect(r.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(r.text).not.toMatch(/\son[a-z]+=|\sstyle=/);
      expect(r.text).toContain('<script src="/status/assets/page.js" defer></script>');
    }
    const script = await api().get('/status/assets/page.js').expect(200).expect('Content-Type', /javascript/);
    expect(script.text).not.toMatch(/sessionStorage\.setItem\([^)]*[Tt]oken/);
    expect(script.text).not.toMatch(/localStorage|document\.cookie/);
    await api().get('/status/assets/page.css').expect(200).expect('Content-Type', /css/);
  });

  it('answers only to its own names (DNS rebinding), and sends frame and content protection', async () => {
    for (const url of ['/status', '/metrics', '/healthz', '/admin/settings']) {
      const r = await admin(api().get(url).set('Host', 'attacker.example:8787')).expect(403);
      expect(r.body.reason).toBe('Host "attacker.example" is not a name of this service: add it to api.allowedHosts');
    }
    await api().get('/status').set('Host', 'localhost:8787').expect(200);
    // Numerik's webhooks come through the proxy under its name: signed, not refused for the name.
    const hook = await api().post('/webhooks/numerik').set('Host', 'exo.example.com').send('{}');
    expect(hook.status).toBe(401);
    const page = await api().get('/status').set('Accept', 'text/html').expect(200);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
    expect(page.headers['strict-transport-security']).toBeUndefined();
  });

  it('the status is for this machine: through a proxy it needs the admin token', async () => {
    await api().get('/status').set('X-Forwarded-For', '203.0.113.9').expect(401);
    await api().get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(401);
    await admin(api().get('/status').set('X-Forwarded-For', '203.0.113.9')).expect(200);
  });

  it('POST /admin/retry needs the admin token, and sends a dead letter back to the queue', async () => {
    const seqno = await f.seed.task({ subject: 'Retry me', companyId: 'D101' });
    await settled(f);
    await writeLog(f.db, [{ direction: 'outbound', kind: 'dead', activitySeqno: seqno, reason: 'gave up after 8 attempts: 503' }]);
    const dead = (await admin(api().get('/status')).expect(200)).body.dead.items.find((d: { activitySeqno: number }) => d.activitySeqno === seqno);
    await api().post('/admin/retry').send({ ids: [dead.id] }).expect(401);
    await api().post('/admin/retry').set('Authorization', 'Bearer wrong-token-wrong-token').send({ ids: [dead.id] }).expect(401);
    await admin(api().post('/admin/retry')).send({ ids: 'all' }).expect(400);
    await admin(api().post('/admin/retry')).send({ ids: [dead.id] }).expect(200, { retried: [dead.id] });
    expect((await f.db.table(OBJECTS.log).where({ ID: dead.id }).first('RESOLVED_AT')).RESOLVED_AT).not.toBeNull();
    await admin(api().post('/admin/retry')).send({ ids: [dead.id] }).expect(200, { retried: [] });
    await settled(f);
    expect((await api().get('/status').expect(200)).body.dead.items.map((d: { id: number }) => d.id)).not.toContain(dead.id);
  });

  it('settings: a bad value is refused with the reason; a good one takes effect without a restart', async () => {
    await admin(api().put('/admin/settings/pollSeconds')).send({ value: 'soon' }).expect(400, { error: 'bad_setting', reason: 'pollSeconds: Invalid input: expected number, received string (got "soon")' });
    await admin(api().put('/admin/settings/noSuchOption')).send({ value: 1 }).expect(400);
    await admin(api().put('/admin/settings/syncExoToNumerik')).send({ value: false }).expect(200, { key: 'syncExoToNumerik', value: false, source: 'stored' });
    await new Promise((r) => setTimeout(r, 2_100));
    const posts = f.sandbox.store.posts.size;
    await f.seed.task({ subject: 'While paused', companyId: 'D101' });
    await new Promise((r) => setTimeout(r, 500));
    expect(f.sandbox.store.posts.size).toBe(posts);
    expect((await api().get('/status').expect(200)).body.outbound).toMatchObject({ enabled: false, depth: 1 });
    await admin(api().put('/admin/settings/syncExoToNumerik')).send({ value: true }).expect(200);
    await settled(f, { timeoutMs: 10_000 });
    expect(f.sandbox.store.posts.size).toBe(posts + 1);
    const settings = (await admin(api().get('/admin/settings')).expect(200)).body as { key: string }[];
    expect(settings.map((s) => s.key)).toContain('conflictPolicy');
    expect(settings.map((s) => s.key).filter((k) => /^(secret|state)\./.test(k))).toEqual([]);
  });

  it('every operation api/openapi.json describes is served (the demo-only ones aside)', async () => {
    const spec = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'api', 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const bodies: Record<string, unknown> = { 'post /webhooks/numerik': {}, 'post /admin/retry': { ids: [1] }, 'put /admin/settings/{key}': { value: 'newest-wins' } };
    const operations = Object.entries(spec.paths).flatMap(([route, methods]) => Object.keys(methods).map((method) => [method, route] as const));
    expect(operations.length).toBeGreaterThan(5);
    for (const [method, route] of operations.filter(([, r]) => !r.startsWith('/demo'))) {
      const url = route.replace('{key}', 'conflictPolicy');
      const answer = await admin(api()[method as 'get' | 'post' | 'put'](url)).send(bodies[`${method} ${route}`] as object);
      expect(answer.status, `${method.toUpperCase()} ${route}`).not.toBe(404);
    }
  });

  it('GET /metrics: depths, ages, counters and the send latency in Prometheus format', async () => {
    const text = (await api().get('/metrics').expect(200)).text;
    expect(text).toMatch(/^exo_numerik_work_depth\{direction="outbound"\} \d+$/m);
    expect(text).toMatch(/^exo_numerik_oldest_item_age_seconds\{direction="inbound"\} \d+$/m);
    expect(text).toMatch(/^exo_numerik_parked_items\{direction="outbound"\} 2$/m);
    expect(text).toMatch(/^exo_numerik_items_total\{direction="outbound",result="created"\} [1-9]\d*$/m);
    expect(text).toMatch(/^exo_numerik_send_duration_seconds_count [1-9]\d*$/m);
  });

  it('GET /metrics: dead letters by direction, each direction shown', async () => {
    const deadLetters = async () => {
      const text = (await api().get('/metrics').expect(200)).text;
      return Object.fromEntries([...text.matchAll(/^exo_numerik_dead_letters\{direction="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    };
    const before = await deadLetters();
    expect(Object.keys(before).sort()).toEqual(['inbound', 'outbound']);
    await writeLog(f.db, [{ direction: 'inbound', kind: 'dead', postId: 'pst_dead_metric', reason: 'gave up after 8 attempts: 503' }]);
    expect(await deadLetters()).toEqual({ outbound: before.outbound, inbound: before.inbound! + 1 });
  });
});

forEachTarget('shutdown', (engine) => {
  it('lets the batch in flight and the request in flight finish, and leaves no lease held', async () => {
    const f = await syncFixture(engine);
    try {
      // A stop waits as long as a loaded engine takes to answer the status request in flight.
      const service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0 }, worker: { leaseMs: 30_000 }, stopTimeoutMs: 60_000 });
      f.sandbox.faults.set({ latencyMs: 400 });
      await f.seed.tasks(5, (i) => ({ subject: `Stopping ${i}`, companyId: 'D101' }));
      await new Promise((r) => setTimeout(r, 150));
      const inFlight = request(service.url).get('/status');
      const [answer] = await Promise.all([inFlight, new Promise((r) => setTimeout(r, 5)).then(() => service.stop())]);
      expect(answer.status).toBe(200);
      const held = await f.db.table(OBJECTS.queue).whereNotNull('CLAIMED_BY');
      expect(held).toEqual([]);
    } finally {
      await f.close();
    }
  }, 90_000);

  it('is bounded: work still in flight after the time limit is handed back at once', async () => {
    const f = await syncFixture(engine);
    try {
      const service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0 }, worker: { leaseMs: 60_000 }, stopTimeoutMs: 300 });
      f.sandbox.faults.set({ latencyMs: 5_000 });
      await f.seed.task({ subject: 'Slow', companyId: 'D101' });
      await new Promise((r) => setTimeout(r, 600));
      expect(await f.db.table(OBJECTS.queue).whereNotNull('CLAIMED_BY')).toHaveLength(1);
      const started = Date.now();
      await service.stop();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await f.db.table(OBJECTS.queue).where({ STATE: 'ready' }).whereNull('CLAIMED_BY')).toHaveLength(1);
    } finally {
      await f.close();
    }
  });
});
