import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { migrationOptions, type Config } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import { readWebhooks } from '../db/plugin/webhook-secrets.js';
import { databaseCause } from '../db/dialect/error-cause.js';
import { describeLogin, describeTarget } from '../db/target.js';
import { migrationStatus } from '../migrations/drift.js';
import { Migrator } from '../migrations/runner.js';
import type { NumerikClient } from '../sync/numerik/client.js';
import { NumerikError } from '../sync/numerik/errors.js';
import { readSettings } from '../db/plugin/settings.js';
import { machineTimeZone, syncOptionsSchema, type SyncOptions } from '../sync/options.js';
import { optionsSource } from '../sync/options-source.js';

export interface CheckResult {
  check: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
  /** What to do about it. */
  fix?: string;
}

export interface DoctorDeps {
  config: Config;
  /** Opens the configured database; its failure is the database check's finding. */
  openDb(): Promise<Db>;
  /** The database through the migration login, where one is configured (database.migrationUser). */
  openMigrationDb?(): Promise<Db>;
  /** The configured Numerik, or why there is none. */
  client(): NumerikClient;
  now?(): Date;
  /** The running demo, which holds the embedded database: the database checks are skipped, saying so. */
  heldBy?: { pid: number };
}

const CLOCK_WARN_MS = 60_000;
// Webhook signatures are refused outside a 5-minute window.
const CLOCK_FAIL_MS = 4 * 60_000;

function clockCheck(check: string, skewMs: number, whose: string): CheckResult {
  const detail = `${whose} is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} this machine`;
  const fix = 'synchronise the clocks (Windows Time service / NTP)';
  if (Math.abs(skewMs) > CLOCK_FAIL_MS) return { check, status: 'fail', detail, fix };
  if (Math.abs(skewMs) > CLOCK_WARN_MS) return { check, status: 'warn', detail, fix };
  return { check, status: 'ok', detail: `within ${Math.round(CLOCK_WARN_MS / 1000)} s of this machine` };
}

async function databaseChecks(db: Db, deps: DoctorDeps, now: () => Date): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let rightsLacking = false;
  if (db.target.client === 'pglite') {
    results.push({ check: 'login rights', status: 'skip', detail: 'the embedded database has no logins' });
  } else {
    const rights = await db.dialect.loginRights(db.knex);
    rightsLacking = rights.lacks.sync.length > 0;
    const login = describeLogin(db.target, rights.login);
    results.push(
      rights.lacks.sync.length
        ? {
            check: 'login rights',
            status: 'fail',
            detail: `${login} lacks rights the sync needs: reading or writing activities, lookups or X_NUMERIK_* would be refused`,
            fix: askTheDba(rights.lacks.sync, db),
          }
        : rights.wider.length
          ? {
              check: 'login rights',
              status: 'warn',
              detail: `${login} ${rights.wider.join(', ')}: wider than the sync needs`,
              fix: 'run the sync with a login that may only SELECT, INSERT and UPDATE TASKS and the lookups, and use X_NUMERIK_* (README: "SQL Server rights"); keep the DDL login for migrations',
            }
          : { check: 'login rights', status: 'ok', detail: `${login}: the rights the sync needs, no wider` },
    );
  }
  results.push(...(await migrationChecks(db, deps, rightsLacking)));
  results.push(clockCheck('database clock', (await db.dialect.serverTime(db.knex)).getTime() - now().getTime(), 'the database server'));
  return results;
}

const GRANT_FIRST = 'grant the rights named under "login rights" above, then run doctor again';

async function migrationChecks(db: Db, deps: DoctorDeps, rightsLacking: boolean): Promise<CheckResult[]> {
  let status: Awaited<ReturnType<typeof migrationStatus>>;
  try {
    status = await migrationStatus(db, new Migrator(db, { options: migrationOptions(deps.config) }));
  } catch (error) {
    // A login without the rights it needs cannot read what is applied: said, not thrown.
    return [
      {
        check: 'migrations',
        status: 'fail',
        detail: `cannot be read through this login: ${databaseCause(error)}`,
        fix: rightsLacking ? GRANT_FIRST : 'check the login\'s rights (README: "SQL Server rights")',
      },
    ];
  }
  if (rightsLacking && (status.pending.length || status.drift.length)) {
    // A login sees no metadata of what it has no right on: X_NUMERIK_* may look missing while there.
    return [
      {
        check: 'migrations',
        status: 'fail',
        detail: `not readable through this login: it lacks rights, and what it cannot see looks missing (${status.pending.length} pending, ${status.drift.length} drifted)`,
        fix: GRANT_FIRST,
      },
    ];
  }
  return [
    status.pending.length
      ? { check: 'migrations', status: 'fail', detail: `${status.pending.length} pending: ${status.pending.join(', ')}`, fix: 'review `exo-numerik migrate plan`, then run `exo-numerik migrate up` with the migration login' }
      : status.unknown.length
        ? { check: 'migrations', status: 'warn', detail: `applied by a newer exo-numerik: ${status.unknown.join(', ')}`, fix: 'upgrade exo-numerik on this machine' }
        : { check: 'migrations', status: 'ok', detail: `all ${status.applied.length} applied` },
    status.drift.length
      ? {
          check: 'triggers and objects',
          status: 'fail',
          detail: status.drift.map((d) => `${d.object}: ${d.problem}`).join('; '),
          fix: 'a disabled trigger: ENABLE TRIGGER; a missing object: `exo-numerik migrate down` of its migration, then `migrate up` (changes made meanwhile were not captured: run `exo-numerik backfill`)',
        }
      : status.pending.length
        ? { check: 'triggers and objects', status: 'fail', detail: objectsNotInstalled(status), fix: 'apply the pending migrations (above): Exo changes are captured only once they are' }
        : { check: 'triggers and objects', status: 'ok', detail: 'every object present, the capture trigger enabled' },
  ];
}

/** The drift check looks only at what applied migrations made: what pending ones would make is simply not there. */
function objectsNotInstalled(status: { applied: unknown[]; pending: string[] }): string {
  return status.applied.length ? `not there until ${status.pending.join(', ')} ${status.pending.length === 1 ? 'is' : 'are'} applied` : 'nothing installed: no X_NUMERIK_* table, no capture trigger on TASKS';
}

async function numerikChecks(client: NumerikClient, db: Db | undefined, now: () => Date): Promise<CheckResult[]> {
  let serverTime: Date | null;
  try {
    serverTime = (await client.probe()).serverTime;
  } catch (error) {
    const refused = error instanceof NumerikError && (error.status === 401 || error.status === 403);
    return [
      {
        check: 'numerik',
        status: 'fail',
        detail: (error as Error).message,
        fix: refused ? 'set a valid API token (NUMERIK_TOKEN)' : 'check NUMERIK_API_URL, and that this machine reaches it (proxy, firewall)',
      },
    ];
  }
  const results: CheckResult[] = [{ check: 'numerik', status: 'ok', detail: 'reachable, the token accepted' }];
  if (serverTime) results.push(clockCheck('numerik clock', serverTime.getTime() - now().getTime(), "Numerik's clock"));
  if (!db) return results;
  const stored = await readWebhooks(db);
  const registered = new Set((await client.listWebhooks()).map((h) => h.id));
  const ours = stored.filter((h) => registered.has(h.id));
  if (!ours.length) {
    results.push({
      check: 'webhook',
      status: 'fail',
      detail: stored.length ? 'the webhooks stored here are no longer registered in Numerik' : 'no webhook registered: changes in Numerik arrive only with the reconcile poll',
      fix: 'exo-numerik webhooks register --url https://<public address>/webhooks/numerik',
    });
    return results;
  }
  for (const hook of ours) {
    const health = hook.url.replace(/\/webhooks\/numerik\/?$/, '/healthz');
    const reached = await fetch(health, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => (r.ok ? undefined : `answered ${r.status}`),
      (e: unknown) => (e as Error).message,
    );
    results.push(
      reached === undefined
        ? { check: 'webhook', status: 'ok', detail: `${hook.url} registered and reachable` }
        : { check: 'webhook', status: 'warn', detail: `${hook.url} is registered, but ${health} ${reached} from here`, fix: 'check the reverse proxy forwards /webhooks/numerik (and /healthz) to exo-numerik serve' },
    );
  }
  return results;
}

async function attachmentsCheck(options: SyncOptions): Promise<CheckResult> {
  if (!options.downloadAttachments) return { check: 'attachments', status: 'skip', detail: 'downloadAttachments is off' };
  if (!options.attachmentsRoot) return { check: 'attachments', status: 'fail', detail: 'downloadAttachments is on but attachmentsRoot is not set', fix: 'exo-numerik settings set attachmentsRoot <folder>' };
  const probe = path.join(options.attachmentsRoot, `.doctor-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, 'exo-numerik doctor');
    await rm(probe);
    return { check: 'attachments', status: 'ok', detail: `${options.attachmentsRoot} is writable` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { check: 'attachments', status: 'fail', detail: `cannot write in ${options.attachmentsRoot} (${code})`, fix: 'create the folder, give the service account write access, or fix attachmentsRoot' };
  }
}

/** The GRANTs to ask the DBA for, as one line a DBA can paste. */
function askTheDba(grants: string[], db: Db): string {
  const where = db.target.client === 'mssql' ? ' (README: "SQL Server rights")' : '';
  return `ask the DBA to run: ${grants.map((g) => `${g};`).join(' ')}${where}`;
}

/** The migration login reaches the database and may change its schema (what `migrate up` needs). */
async function migrationLoginCheck(open: (() => Promise<Db>) | undefined): Promise<CheckResult> {
  const check = 'migration login';
  if (!open) return { check, status: 'skip', detail: 'no separate migration login (database.migrationUser): migrations use the sync login' };
  let db: Db | undefined;
  try {
    db = await open();
    const rights = await db.dialect.loginRights(db.knex);
    const login = describeLogin(db.target, rights.login);
    return rights.lacks.migration.length
      ? { check, status: 'fail', detail: `${login} lacks rights \`migrate up\` needs: it would fail`, fix: `${askTheDba(rights.lacks.migration, db)}, or use another login` }
      : { check, status: 'ok', detail: `${login} reaches the database and may change its schema` };
  } catch (error) {
    return { check, status: 'fail', detail: (error as Error).message, fix: 'check EXO_DB_MIGRATION_USER and EXO_DB_MIGRATION_PASSWORD' };
  } finally {
    await db?.close();
  }
}

/** Checks each thing that can be wrong with an installation, and says how to fix what is. */
export async function runDoctor(deps: DoctorDeps): Promise<CheckResult[]> {
  const now = deps.now ?? (() => new Date());
  const results: CheckResult[] = [];
  let db: Db | undefined;
  try {
    if (deps.heldBy) {
      results.push({ check: 'database', status: 'skip', detail: `the demo (pid ${deps.heldBy.pid}) holds its embedded database; stop it (Ctrl+C where \`npm start\` runs) to check the database too` });
    } else {
      db = await deps.openDb();
      await db.knex.raw('SELECT 1');
      results.push({ check: 'database', status: 'ok', detail: describeTarget(db.target) });
    }
  } catch (error) {
    await db?.close();
    db = undefined;
    const windows = deps.config.database.authentication === 'ntlm' || deps.config.database.domain !== undefined;
    results.push({
      check: 'database',
      status: 'fail',
      detail: (error as Error).message,
      fix: `check EXO_DB_URL (or EXO_DB_SERVER, EXO_DB_NAME, EXO_DB_USER, EXO_DB_PASSWORD${windows ? ', EXO_DB_DOMAIN' : ''}) and that this machine reaches the server`,
    });
  }
  try {
    // Without our tables (migrations pending) the configuration alone says what is in force.
    const stored = db ? await readSettings(db).catch(() => ({})) : {};
    const configured = () => syncOptionsSchema.parse(deps.config.sync);
    const options = db ? await optionsSource(db, deps.config.sync, undefined, 0)().catch(configured) : configured();
    const zoneSet = deps.config.sync.timeZone !== undefined || 'timeZone' in stored;
    results.push(
      zoneSet
        ? { check: 'time zone', status: 'ok', detail: options.timeZone }
        : { check: 'time zone', status: 'warn', detail: `not set: this machine's zone (${machineTimeZone()}) is taken as the Exo site's`, fix: "set EXO_TIME_ZONE (sync.timeZone) to the Exo site's IANA zone, e.g. Pacific/Auckland" },
    );
    if (db) results.push(...(await databaseChecks(db, deps, now)));
    if (db && db.target.client !== 'pglite') results.push(await migrationLoginCheck(deps.openMigrationDb));
    // The webhook check reads our tables: only where the migrations made them.
    const migrated = results.some((r) => r.check === 'migrations' && r.status !== 'fail') ? db : undefined;
    let client: NumerikClient | undefined;
    try {
      client = deps.client();
    } catch (error) {
      results.push({ check: 'numerik', status: 'fail', detail: (error as Error).message, fix: 'set NUMERIK_API_URL and NUMERIK_TOKEN' });
    }
    if (client) {
      try {
        results.push(...(await numerikChecks(client, migrated, now)));
      } finally {
        await client.close();
      }
    }
    results.push(await attachmentsCheck(options));
  } finally {
    await db?.close();
  }
  return results;
}
