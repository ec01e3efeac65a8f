import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../config/schema.js';
import { connect, type Db } from '../../db/connect.js';
import { resolveTarget, withLogin } from '../../db/target.js';
import { removeWebhook, readWebhooks } from '../../db/plugin/webhook-secrets.js';
import { silentLogger } from '../../logging/logger.js';
import { runDoctor, type CheckResult, type DoctorDeps } from '../../service/doctor.js';
import { startService, type Service } from '../../service/service.js';
import { NumerikClient } from '../../sync/numerik/client.js';
import { registerWebhook } from '../../sync/webhooks.js';
import { Migrator } from '../../migrations/runner.js';
import { captureSpec } from '../../migrations/steps/0002-change-capture.js';
import { exoDb } from '../support/exo.js';
import { disableTrigger } from '../support/sabotage.js';
import { forEachTarget } from '../support/targets.js';
import { syncFixture, TEST_ZONE, type SyncFixture } from '../support/sync.js';

forEachTarget('doctor', (engine, target) => {
  let f: SyncFixture;
  let service: Service;
  let root: string;
  /** The fixture's database as the test support hands it out, not closed by the doctor. */
  const borrowed = (db: Db) => async (): Promise<Db> => ({ ...db, close: async () => undefined });
  const config = (over: ConfigInput = {}) =>
    configSchema.parse({ ...over, sync: { timeZone: TEST_ZONE, downloadAttachments: true, attachmentsRoot: root, ...over.sync } });
  const healthy = (over: Partial<DoctorDeps> = {}): DoctorDeps => ({
    config: config(),
    openDb: borrowed(f.db),
    client: () => new NumerikClient({ baseUrl: f.sandbox.url, token: f.sandbox.token, retries: 0 }),
    ...over,
  });
  const finding = (results: CheckResult[], check: string) => results.filter((r) => r.check === check);
  const rights = target.name === 'pglite' ? 'skip' : 'warn';

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'exo-doctor-'));
    f = await syncFixture(engine);
    service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0 } });
    await registerWebhook(f.db, f.client, `${service.url}/webhooks/numerik`);
  });
  afterAll(async () => {
    await service?.stop();
    await f?.close();
  });
  beforeEach(() => f.sandbox.faults.clear());

  it('a healthy installation: every check passes (the test login is a superuser: that is said)', async () => {
    const results = await runDoctor(healthy());
    expect(results.map((r) => [r.check, r.status])).toEqual([
      ['database', 'ok'],
      ['time zone', 'ok'],
      ['login rights', rights],
      ['migrations', 'ok'],
      ['triggers and objects', 'ok'],
      ['database clock', 'ok'],
      ...(target.name === 'pglite' ? [] : [['migration login', 'skip']]),
      ['numerik', 'ok'],
      ['numerik clock', 'ok'],
      ['webhook', 'ok'],
      ['attachments', 'ok'],
    ]);
  });

  it.skipIf(target.name === 'pglite')('the sync login has wider rights than it needs: its kind, its name and what is wider', async () => {
    const [found] = finding(await runDoctor(healthy()), 'login rights');
    expect(found!.status).toBe('warn');
    expect(found!.detail).toMatch(target.name === 'mssql' ? /^SQL login \w+ (is a sysadmin|is in db_owner).*: wider than the sync needs$/ : /^login \w+ is a superuser.*: wider than the sync needs$/);
    expect(found!.fix).toContain('SELECT, INSERT and UPDATE');
  });

  /**
   * A login that may only connect. PostgreSQL: a role (the test server trusts local logins);
   * SQL Server: a SQL login with a database user and no grant, dropped after the test.
   */
  async function plainLogin(): Promise<{ name: string; through: () => Promise<Db>; drop(): Promise<void> }> {
    const schema = f.db.target.schema;
    if (target.name === 'postgres') {
      const name = 'exo_doctor_plain';
      await f.db.knex.raw(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN CREATE ROLE ${name} LOGIN; END IF; END $$`);
      return { name, through: () => connect(resolveTarget(withLogin({ url: process.env.EXO_TEST_PG_URL!, schema }, name, undefined))), drop: async () => undefined };
    }
    const name = `exo_doctor_${randomBytes(4).toString('hex')}`;
    const password = `Pw-${randomBytes(6).toString('hex')}-9a`;
    await f.db.knex.raw(`CREATE LOGIN ${name} WITH PASSWORD = '${password}'`);
    await f.db.knex.raw(`CREATE USER ${name} FOR LOGIN ${name}`);
    return {
      name,
      through: () => connect(resolveTarget(withLogin({ url: process.env.EXO_TEST_MSSQL_URL!, schema }, name, password))),
      drop: async () => {
        await f.db.knex.raw(`DROP USER ${name}`);
        await f.db.knex.raw(`DROP LOGIN ${name}`);
      },
    };
  }

  /** The GRANTs a login without any right lacks on the fixture (migrated, with every Exo table). */
  function expectedGrants(name: string): { sync: string[]; migration: string[] } {
    const s = f.db.target.schema;
    const ours = ['MIGRATIONS', 'SETTINGS', 'LOG', 'POST_LINK', 'CREATE_INTENT', 'CUSTOMER_LINK', 'STAFF_LINK', 'TYPE_TAG', 'INBOX', 'QUEUE', 'QUEUE_SETS'].map((t) => `X_NUMERIK_${t}`);
    const reads = ['STAFF', 'TASK_TYPES', 'TASK_STATUSES', 'DR_ACCS', 'CR_ACCS', 'PROSPECTS'];
    const lookups = ['STAFF', 'TASK_TYPES', 'TASK_STATUSES'];
    if (target.name === 'mssql') {
      return {
        sync: [
          `GRANT SELECT, INSERT, UPDATE ON ${s}.TASKS TO ${name}`,
          ...reads.map((t) => `GRANT SELECT ON ${s}.${t} TO ${name}`),
          ...ours.map((t) => `GRANT SELECT, INSERT, UPDATE, DELETE ON ${s}.${t} TO ${name}`),
        ],
        migration: [
          `GRANT CREATE TABLE TO ${name}`,
          `GRANT ALTER, CREATE SEQUENCE, VIEW DEFINITION ON SCHEMA::${s} TO ${name}`,
          `GRANT ALTER, SELECT ON ${s}.TASKS TO ${name}`,
          `GRANT SELECT, INSERT, DELETE ON ${s}.EXTRA_FIELDS TO ${name}`,
          ...lookups.map((t) => `GRANT SELECT ON ${s}.${t} TO ${name}`),
        ],
      };
    }
    return {
      sync: [
        `GRANT USAGE ON SCHEMA ${s} TO ${name}`,
        `GRANT SELECT, INSERT, UPDATE ON ${s}."TASKS" TO ${name}`,
        ...reads.map((t) => `GRANT SELECT ON ${s}."${t}" TO ${name}`),
        ...ours.map((t) => `GRANT SELECT, INSERT, UPDATE, DELETE ON ${s}."${t}" TO ${name}`),
        ...['LOG', 'INBOX', 'QUEUE', 'QUEUE_SETS'].map((t) => `GRANT USAGE ON SEQUENCE ${s}."X_NUMERIK_${t}_SEQ" TO ${name}`),
      ],
      migration: [
        `GRANT USAGE, CREATE ON SCHEMA ${s} TO ${name}`,
        `GRANT SELECT, INSERT, DELETE ON ${s}."EXTRA_FIELDS" TO ${name}`,
        ...lookups.map((t) => `GRANT SELECT ON ${s}."${t}" TO ${name}`),
        `GRANT postgres TO ${name}`,
      ],
    };
  }
  const ask = (grants: string[]) => `ask the DBA to run: ${grants.map((g) => `${g};`).join(' ')}${target.name === 'mssql' ? ' (README: "SQL Server rights")' : ''}`;

  it.skipIf(target.name === 'pglite')('a login without rights: each role\'s finding names the GRANTs to ask the DBA for', async () => {
    const plain = await plainLogin();
    try {
      const kind = target.name === 'mssql' ? 'SQL login' : 'login';
      const grants = expectedGrants(plain.name);
      // As the migration login: migrate up would fail.
      const [migration] = finding(await runDoctor(healthy({ openMigrationDb: plain.through })), 'migration login');
      expect(migration).toEqual({
        check: 'migration login',
        status: 'fail',
        detail: `${kind} ${plain.name} lacks rights \`migrate up\` needs: it would fail`,
        fix: `${ask(grants.migration)}, or use another login`,
      });
      // As the sync login: the finding, and the rest of the checks still run.
      const results = await runDoctor(healthy({ openDb: plain.through }));
      expect(finding(results, 'login rights')[0]).toEqual({
        check: 'login rights',
        status: 'fail',
        detail: `${kind} ${plain.name} lacks rights the sync needs: reading or writing activities, lookups or X_NUMERIK_* would be refused`,
        fix: ask(grants.sync),
      });
      expect(finding(results, 'migrations')).toEqual([expect.objectContaining({ status: 'fail', fix: 'grant the rights named under "login rights" above, then run doctor again' })]);
      expect(finding(results, 'triggers and objects')).toEqual([]);
      expect(finding(results, 'numerik')[0]).toMatchObject({ status: 'ok' });
    } finally {
      await plain.drop();
    }
  });

  it.skipIf(target.name === 'pglite')('a migration login that may change the schema passes, saying which login it is', async () => {
    const admin = target.name === 'mssql' ? new URL(process.env.EXO_TEST_MSSQL_URL!).username : 'postgres';
    const [owner] = finding(await runDoctor(healthy({ openMigrationDb: async () => connect(f.db.target) })), 'migration login');
    expect(owner).toMatchObject({ status: 'ok', detail: `${target.name === 'mssql' ? 'SQL login' : 'login'} ${admin} reaches the database and may change its schema` });
  });

  it('the time zone is not set', async () => {
    const bare = await exoDb(engine);
    await new Migrator(bare).up();
    const [found] = finding(await runDoctor(healthy({ openDb: borrowed(bare), config: configSchema.parse({}) })), 'time zone');
    expect(found).toMatchObject({ status: 'warn', fix: expect.stringContaining('EXO_TIME_ZONE') });
  });

  it('the database is unreachable', async () => {
    const results = await runDoctor(healthy({ openDb: () => connect({ client: 'postgres', url: 'postgres://exo@127.0.0.1:1/exo', schema: 'public' }) }));
    expect(finding(results, 'database')[0]).toMatchObject({ status: 'fail', detail: expect.stringContaining('not reachable'), fix: expect.stringContaining('EXO_DB_URL') });
    expect(finding(results, 'migrations')).toEqual([]);
  });

  it('migrations are pending', async () => {
    const bare = await exoDb(engine);
    const [found] = finding(await runDoctor(healthy({ openDb: borrowed(bare) })), 'migrations');
    expect(found).toMatchObject({ status: 'fail', detail: '9 pending: 0001-plugin-tables, 0002-change-capture, 0003-folder-field, 0004-create-intents, 0005-record-fields, 0006-bulk-capture, 0007-create-intent-content, 0008-post-link-sending, 0009-post-link-ref', fix: expect.stringContaining('migrate plan') });
  });

  it('nothing installed: the objects are said to be missing, not present', async () => {
    const bare = await exoDb(engine);
    const [found] = finding(await runDoctor(healthy({ openDb: borrowed(bare) })), 'triggers and objects');
    expect(found).toMatchObject({ status: 'fail', detail: 'nothing installed: no X_NUMERIK_* table, no capture trigger on TASKS', fix: expect.stringContaining('pending migrations') });
  });

  it('a migration pending: its objects are said to be missing until it is applied', async () => {
    const partial = await exoDb(engine);
    const migrator = new Migrator(partial);
    await migrator.up();
    const [last] = await migrator.down();
    const [found] = finding(await runDoctor(healthy({ openDb: borrowed(partial) })), 'triggers and objects');
    expect(found).toMatchObject({ status: 'fail', detail: `not there until ${last} is applied` });
  });

  it('the capture trigger is disabled', async () => {
    const other = await syncFixture(engine);
    try {
      const [trigger] = other.db.dialect.captureTriggerNames(captureSpec);
      await disableTrigger(other.db, trigger!);
      const [found] = finding(await runDoctor(healthy({ openDb: borrowed(other.db) })), 'triggers and objects');
      expect(found).toMatchObject({ status: 'fail', detail: `trigger ${trigger} on TASKS: disabled` });
    } finally {
      await other.close();
    }
  });

  it("the database server's clock is off", async () => {
    const results = await runDoctor(healthy({ now: () => new Date(Date.now() - 10 * 60_000) }));
    expect(finding(results, 'database clock')[0]).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^the database server is 6\d\d s ahead of this machine$/) });
  });

  it('Numerik is unreachable', async () => {
    const [found] = finding(await runDoctor(healthy({ client: () => new NumerikClient({ baseUrl: 'http://127.0.0.1:1', token: 't', retries: 0 }) })), 'numerik');
    expect(found).toMatchObject({ status: 'fail', detail: expect.stringContaining('Numerik not reachable'), fix: expect.stringContaining('NUMERIK_API_URL') });
  });

  it('Numerik refuses the token', async () => {
    const [found] = finding(await runDoctor(healthy({ client: () => new NumerikClient({ baseUrl: f.sandbox.url, token: 'wrong', retries: 0 }) })), 'numerik');
    expect(found).toMatchObject({ status: 'fail', detail: expect.stringContaining('Numerik refused the API token'), fix: 'set a valid API token (NUMERIK_TOKEN)' });
  });

  it("Numerik's clock is off (webhook signatures would fail)", async () => {
    f.sandbox.faults.set({ clockSkewMs: 90_000 });
    const [found] = finding(await runDoctor(healthy()), 'numerik clock');
    expect(found).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^Numerik's clock is (89|90|91) s ahead of this machine$/) });
  });

  it('the webhook is registered but unreachable; then not registered at all', async () => {
    const unreachable = await registerWebhook(f.db, f.client, 'http://127.0.0.1:1/webhooks/numerik');
    try {
      const found = finding(await runDoctor(healthy()), 'webhook');
      expect(found.map((r) => r.status).sort()).toEqual(['ok', 'warn']);
      expect(found.find((r) => r.status === 'warn')!.detail).toMatch(/^http:\/\/127\.0\.0\.1:1\/webhooks\/numerik is registered, but http:\/\/127\.0\.0\.1:1\/healthz /);
    } finally {
      await f.client.deleteWebhook(unreachable.id);
      await removeWebhook(f.db, unreachable.id);
    }
    const hooks = await readWebhooks(f.db);
    for (const hook of hooks) await f.client.deleteWebhook(hook.id);
    const [none] = finding(await runDoctor(healthy()), 'webhook');
    expect(none).toMatchObject({ status: 'fail', detail: 'the webhooks stored here are no longer registered in Numerik', fix: expect.stringContaining('webhooks register') });
    await registerWebhook(f.db, f.client, `${service.url}/webhooks/numerik`);
  });

  it('the attachments root is missing', async () => {
    const gone = path.join(root, 'nope');
    await rm(gone, { recursive: true, force: true });
    const [found] = finding(await runDoctor(healthy({ config: config({ sync: { attachmentsRoot: gone } }) })), 'attachments');
    expect(found).toMatchObject({ status: 'fail', detail: `cannot write in ${gone} (ENOENT)` });
  });
});
