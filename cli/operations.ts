import type { Operations } from '../service/operations.js';
import { databaseOperations } from '../service/operations.js';
import { SettingError } from '../sync/settings.js';
import type { CliContext } from './context.js';
import { callService, runningService, ServiceAnswerError, type RunningService } from './running-service.js';

/** The operations through a running service's admin API (the embedded database is that process's). */
export function serviceOperations(running: Pick<RunningService, 'url' | 'adminToken'>): Operations {
  const call = <T>(method: string, route: string, body?: unknown) =>
    callService<T>(running, method, route, body).catch((error: unknown) => {
      if (error instanceof ServiceAnswerError && error.code === 'bad_setting') throw new SettingError(error.message);
      throw error;
    });
  return {
    status: () => call('GET', '/status?format=json'),
    retry: async (selection) => (await call<{ retried: number[] }>('POST', '/admin/retry', selection)).retried,
    settings: () => call('GET', '/admin/settings'),
    setSetting: (key, value) => call('PUT', `/admin/settings/${encodeURIComponent(key)}`, { value }),
  };
}

/** The operator's operations: straight on the database, or through the service that owns it. */
export async function withOperations<T>(c: CliContext, work: (operations: Operations) => Promise<T>): Promise<T> {
  const running = runningService(c.target());
  if (running) return work(serviceOperations(running));
  return c.withDb((db) => work(databaseOperations(db, c.config.sync)), () => c.openMigratedDb());
}
