import request from 'supertest';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { silentLogger } from '../../logging/logger.js';
import { startService, type Service } from '../../service/service.js';
import { serviceOperations } from '../../cli/operations.js';
import { ActionRefusedError } from '../../sync/record/actions.js';
import { MappingError } from '../../sync/mappings.js';
import { UnknownRecordError } from '../../sync/record/record-view.js';
import { forEachTarget } from '../support/targets.js';
import { postsByActivity, settled, syncFixture, type SyncFixture } from '../support/sync.js';

const TOKEN = 'admin-token-for-tests-0123456789';

forEachTarget("the admin API of records, conflicts and mappings", (engine) => {
  let f: SyncFixture;
  let service: Service;
  let seqno: number;
  let postId: string;
  const api = () => request(service.url);
  const admin = (r: request.Test) => r.set('Authorization', `Bearer ${TOKEN}`);

  beforeAll(async () => {
    f = await syncFixture(engine);
    service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0, adminToken: TOKEN }, worker: { leaseMs: 10_000 } });
    seqno = await f.seed.task({ subject: 'Private matter', details: 'Private matter\nsalary talk', companyId: 'D101' });
    await settled(f, { webhooks: false });
    postId = postsByActivity(f.sandbox).get(seqno)![0]!.id;
  });
  afterAll(async () => {
    await service?.stop();
    await f?.close();
  });
  beforeEach(() => f.sandbox.faults.clear());

  it('everything here needs the admin token, even from this machine, and the page without it shows no text', async () => {
    await api().get(`/admin/records/activity/${seqno}`).expect(401);
    await api().get('/admin/records?q=private').expect(401);
    await api().get('/admin/mappings').expect(401);
    await api().post(`/admin/records/activity/${seqno}/actions`).send({ action: 'unlink', by: 'x' }).expect(401);
    await api().post('/admin/conflicts/1/choice').send({ field: 'all', side: 'exo', by: 'x' }).expect(401);
    const page = await api().get(`/status/records/activity/${seqno}`).expect(200);
    expect(page.text).not.toContain('salary talk');
    expect(page.text).toContain('shown with the admin token');
    const search = await api().get('/status/records?q=private').expect(200);
    expect(search.text).not.toContain('Private matter');
  });

  it('GET a record by activity or post, and find it by words', async () => {
    const { body } = await admin(api().get(`/admin/records/activity/${seqno}`)).expect(200);
    expect(body).toMatchObject({ activitySeqno: seqno, postId, link: { state: 'active' } });
    expect((await admin(api().get(`/admin/records/post/${postId}`)).expect(200)).body.activitySeqno).toBe(seqno);
    expect((await admin(api().get('/admin/records?q=PRIVATE')).expect(200)).body.matches).toContainEqual({ key: { activity: seqno }, label: `activity ${seqno} · Private matter` });
    const page = await admin(api().get(`/status/records/activity/${seqno}`)).expect(200);
    expect(page.text).toContain('salary talk');
    expect(page.text).toMatch(/<button class="act" data-action="unlink"/);
    const search = await admin(api().get('/status/records?q=private')).expect(303);
    expect(search.headers.location).toBe(`/status/records/activity/${seqno}`);
  });

  it('the status page lists the mappings with the token, and not without', async () => {
    const full = await admin(api().get('/status').set('Accept', 'text/html')).expect(200);
    expect(full.text).toContain('Staff ⇄ Numerik users');
    expect(full.text).toContain(f.users.ann);
    expect(full.text).toContain('<form id="map-form">');
    const bare = await api().get('/status').set('Accept', 'text/html').expect(200);
    expect(bare.text).not.toContain(f.users.ann);
    expect(bare.text).not.toContain('<form id="map-form">');
  });

  it('answers what names nothing with 404, a bad request with 400, and a refused action with 409, the cause first', async () => {
    expect((await admin(api().get('/admin/records/activity/987654')).expect(404)).body).toEqual({ error: 'not_found', reason: 'no activity 987654 in Exo, and none linked to a post' });
    expect((await admin(api().get('/admin/records/planet/1')).expect(400)).body.reason).toMatch(/^a record is/);
    expect((await admin(api().post(`/admin/records/activity/${seqno}/actions`)).send({ action: 'explode', by: 'Jo' }).expect(400)).body.reason).toMatch(/^action: /);
    expect((await admin(api().post(`/admin/records/activity/${seqno}/actions`)).send({ action: 'retry' }).expect(400)).body.reason).toMatch(/^by: /);
    expect((await admin(api().post('/admin/conflicts/987654/choice')).send({ field: 'due_at', side: 'exo', by: 'Jo' }).expect(404)).body.reason).toBe('no conflict #987654');
    expect((await admin(api().post('/admin/mappings')).send({ kind: 'staff', exo: 'NOBODY', numerik: 'usr_x', by: 'Jo' }).expect(400)).body).toMatchObject({ error: 'bad_mapping', reason: expect.stringMatching(/^no Exo staff member "NOBODY"/) });
    const other = await f.seed.task({ subject: 'Never linked', companyId: 'D102' });
    await settled(f, { webhooks: false });
    expect((await admin(api().post(`/admin/records/activity/${other}/actions`)).send({ action: 'send-exo', by: 'Jo' }).expect(409)).body.reason).toMatch(/is not linked/);
  });

  it("answers 503 when Numerik is away, and changes nothing", async () => {
    f.sandbox.faults.set({ serverErrorsForMs: 60_000 });
    const { body } = await admin(api().post(`/admin/records/activity/${seqno}/actions`)).send({ action: 'take-numerik', by: 'Jo' }).expect(503);
    expect(body.reason).toMatch(/Numerik answered 503.*nothing was changed, try again$/);
    f.sandbox.faults.clear();
  });

  it('the preview: NDJSON items then the summary, with the token only; its page says nothing was written', async () => {
    await api().get('/admin/preview').expect(401);
    const r = await admin(api().get('/admin/preview')).expect(200).expect('content-type', /ndjson/);
    const lines = r.text.trim().split('\n').map((l) => JSON.parse(l) as { item?: unknown; summary?: { unreadable: string[] } });
    expect(lines.at(-1)!.summary).toMatchObject({ unreadable: [] });
    expect((await admin(api().get('/admin/preview?since=yesterday')).expect(400)).body.reason).toMatch(/^since: /);
    const page = await admin(api().get('/status/preview')).expect(200);
    expect(page.text).toContain('nothing was written to Exo or Numerik');
    expect((await api().get('/status/preview').expect(200)).text).toContain('shown with the admin token');
    const ops = serviceOperations({ url: service.url, adminToken: TOKEN });
    const items: unknown[] = [];
    const summary = await ops.preview({ limit: 5 }, (item) => void items.push(item));
    expect(summary.items).toBe(items.length);
  });

  it('the CLI through the running service gets the same answers as on the database', async () => {
    const ops = serviceOperations({ url: service.url, adminToken: TOKEN });
    expect((await ops.record({ activity: seqno })).postId).toBe(postId);
    await expect(ops.record({ activity: 987654 })).rejects.toThrow(UnknownRecordError);
    await expect(ops.changeMapping({ kind: 'type', exo: 'Lunch', numerik: 'x', by: 'Jo' })).rejects.toThrow(MappingError);
    expect((await ops.mappings('customer')).map((m) => m.exo)).toContain('D101');
    expect((await ops.act({ activity: seqno }, 'unlink', 'Jo')).message).toMatch(/unlinked/);
    await expect(ops.act({ activity: seqno }, 'unlink', 'Jo')).rejects.toThrow(ActionRefusedError);
  });
});
