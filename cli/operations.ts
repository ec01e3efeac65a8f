import type { Operations } from '../service/operations.js';
import { createInterface } from 'node:readline';
import type { NumerikClient } from '../sync/numerik/client.js';
import type { PreviewItem } from '../sync/preview/item.js';
import type { PreviewOptions, PreviewSummary } from '../sync/preview/preview.js';
import type { RecordKey } from '../sync/record/record-view.js';
import type { LoadContext } from './context.js';
import { answerBody, callService, requestService, runningService, ServiceAnswerError, type RunningService } from './running-service.js';

/** The service's error codes, as the errors the same operation raises on the database (loaded only for an error). */
const ANSWERS: Record<string, () => Promise<new (message: string) => Error>> = {
  bad_setting: async () => (await import('../sync/settings.js')).SettingError,
  bad_mapping: async () => (await import('../sync/mappings.js')).MappingError,
  not_found: async () => (await import('../sync/record/record-view.js')).UnknownRecordError,
  refused: async () => (await import('../sync/record/actions.js')).ActionRefusedError,
};

const recordPath = (key: RecordKey) => ('activity' in key ? `/admin/records/activity/${key.activity}` : `/admin/records/post/${encodeURIComponent(key.post)}`);

/** The operations through a running service's admin API (the embedded database is that process's). */
export function serviceOperations(running: Pick<RunningService, 'url' | 'adminToken'>): Operations {
  const call = <T>(method: string, route: string, body?: unknown) =>
    callService<T>(running, method, route, body).catch(async (error: unknown) => {
      const known = error instanceof ServiceAnswerError && error.code ? ANSWERS[error.code] : undefined;
      throw known ? new (await known())((error as Error).message) : error;
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
    unmapped: (kind) => call('GET', `/admin/mappings/unmapped${kind ? `?kind=${kind}` : ''}`),
    changeMapping: (change) => call('POST', '/admin/mappings', change),
    preview: (o, emit) => streamPreview(running, o, emit),
  };
}

/** A preview through the running service: its NDJSON lines, an item at a time. */
async function streamPreview(running: Pick<RunningService, 'url' | 'adminToken'>, o: PreviewOptions, emit: (item: PreviewItem) => void | Promise<void>): Promise<PreviewSummary> {
  const query = new URLSearchParams();
  if (o.history) {
    query.set('since', o.history.since.toISOString().slice(0, 19));
    if (o.history.until) query.set('until', o.history.until.toISOString().slice(0, 19));
  }
  if (o.numerikSince) query.set('numerikSince', o.numerikSince);
  if (o.limit !== undefined) query.set('limit', String(o.limit));
  const answer = await requestService(running, 'GET', `/admin/preview?${query}`);
  if (answer.statusCode !== 200) {
    const { reason } = (await answerBody(answer)) as { reason?: string };
    throw new ServiceAnswerError(reason ?? `/admin/preview answered ${answer.statusCode}`);
  }
  let summary: PreviewSummary | undefined;
  for await (const line of createInterface({ input: answer })) {
    if (!line.trim()) continue;
    const message = JSON.parse(line) as { item?: PreviewItem; summary?: PreviewSummary };
    if (message.item) await emit(message.item);
    if (message.summary) summary = message.summary;
  }
  if (!summary) throw new ServiceAnswerError('the running service ended the preview before its summary');
  return summary;
}

/** The operator's operations: straight on the database, or through the service that owns it. */
export async function withOperations<T>(ctx: LoadContext, work: (operations: Operations) => Promise<T>): Promise<T> {
  const c = await ctx();
  const running = runningService(c.target());
  if (running) return work(serviceOperations(running));
  const { databaseOperations } = await import('../service/operations.js');
  // Numerik is reached only by the operations that need it, and let go of when done.
  let client: NumerikClient | undefined;
  try {
    // Numerik's client (undici) is loaded by the first operation that needs it, not by `status`.
    return await c.withDb((db) => work(databaseOperations(db, c.config.sync, async () => (client ??= await c.numerikClient()))), () => c.openMigratedDb());
  } finally {
    await client?.close();
  }
}
