import type { Operations } from '../service/operations.js';
import type { NumerikClient } from '../sync/numerik/client.js';
import { databaseOperations } from '../service/operations.js';
import { MappingError } from '../sync/mappings.js';
import { ActionRefusedError } from '../sync/record/actions.js';
import { UnknownRecordError, type RecordKey } from '../sync/record/record-view.js';
import { SettingError } from '../sync/settings.js';
import type { CliContext } from './context.js';
import { callService, runningService, ServiceAnswerError, type RunningService } from './running-service.js';

/** The service's error codes, as the errors the same operation raises on the database. */
const ANSWERS: Record<string, new (message: string) => Error> = {
  bad_setting: SettingError,
  bad_mapping: MappingError,
  not_found: UnknownRecordError,
  refused: ActionRefusedError,
};

const recordPath = (key: RecordKey) => ('activity' in key ? `/admin/records/activity/${key.activity}` : `/admin/records/post/${encodeURIComponent(key.post)}`);

/** The operations through a running service's admin API (the embedded database is that process's). */
export function serviceOperations(running: Pick<RunningService, 'url' | 'adminToken'>): Operations {
  const call = <T>(method: string, route: string, body?: unknown) =>
    callService<T>(running, method, route, body).catch((error: unknown) => {
      const known = error instanceof ServiceAnswerError && error.code ? ANSWERS[error.code] : undefined;
      throw known ? new known((error as Error).message) : error;
    });
  return {
    status: () => call('GET', '/status?format=json'),
    retry: async (selection) => (await call<{ retried: number[] }>('POST', '/admin/retry', selection)).retried,
    settings: () => call('GET', '/admin/settings'),
    setSetting: (key, value) => call('PUT', `/admin/settings/${encodeURIComponent(key)}`, { value }),
    record: (key) => call('GET', recordPath(key)),
    search: async (text) => (await call<{ matches: { key: RecordKey; label: string }[] }>('GET', `/admin/records?q=${encodeURIComponent(text)}`)).matches,
    act: (key, action, by) => call('POST', `${recordPath(key)}/actions`, { action, by }),
    choose: (id, field, side, by) => call('POST', `/admin/conflicts/${id}/choice`, { field, side, by }),
    mappings: (kind) => call('GET', `/admin/mappings${kind ? `?kind=${kind}` : ''}`),
    changeMapping: (change) => call('POST', '/admin/mappings', change),
  };
}

/** The operator's operations: straight on the database, or through the service that owns it. */
export async function withOperations<T>(c: CliContext, work: (operations: Operations) => Promise<T>): Promise<T> {
  const running = runningService(c.target());
  if (running) return work(serviceOperations(running));
  // Numerik is reached only by the operations that need it, and let go of when done.
  let client: NumerikClient | undefined;
  try {
    return await c.withDb((db) => work(databaseOperations(db, c.config.sync, () => (client ??= c.numerikClient()))), () => c.openMigratedDb());
  } finally {
    await client?.close();
  }
}
