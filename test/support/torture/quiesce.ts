import { OBJECTS } from '../../../db/plugin/objects.js';
import type { SyncFixture } from '../sync.js';

/** The drain did not finish in time: the message carries what was still waiting. */
export class QuiesceTimeout extends Error {
  override name = 'QuiesceTimeout';
}

const count = async (f: SyncFixture, table: string) => Number(((await f.db.table(table).count({ n: '*' }))[0] as { n: number | string }).n);

/**
 * Waits, up to `timeoutMs`, until nothing is left to do: no webhook waiting to be stored, nothing in
 * the queue (or its bulk sets) or the inbox, claimed or not — and it stays so for `quietMs`, longer
 * than the workers' poll, so the echo of a last write has had its turn. Rows waiting out a retry
 * backoff are made due now: the passage of time, not a change of what the sync decides.
 */
export async function quiesce(f: SyncFixture, webhooksPending: () => number, options: { timeoutMs: number; quietMs: number }): Promise<void> {
  const until = Date.now() + options.timeoutMs;
  let quietSince = 0;
  while (Date.now() < until) {
    await dueNow(f);
    const busy = webhooksPending() > 0 || (await f.queueDepth()) > 0 || (await count(f, OBJECTS.inbox)) > 0;
    if (!busy) {
      quietSince ||= Date.now();
      if (Date.now() - quietSince >= options.quietMs) return;
    } else quietSince = 0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new QuiesceTimeout(`the sync did not come to rest within ${options.timeoutMs} ms:\n${await describeWork(f, webhooksPending())}`);
}

async function dueNow(f: SyncFixture): Promise<void> {
  const now = f.db.knex.raw(f.db.dialect.now());
  for (const table of [OBJECTS.queue, OBJECTS.inbox]) {
    await f.db.table(table).where('STATE', 'ready').where('NEXT_ATTEMPT_AT', '>', now).update({ NEXT_ATTEMPT_AT: now });
  }
}

/** The work still waiting, one line per row, for a timeout's report. */
export async function describeWork(f: SyncFixture, webhooks: number): Promise<string> {
  const lines = [`webhooks not yet stored: ${webhooks}`];
  for (const table of [OBJECTS.queue, OBJECTS.queueSets, OBJECTS.inbox]) {
    const rows = (await f.db.table(table).select().limit(20)) as Record<string, unknown>[];
    lines.push(`${table}: ${await count(f, table)} row(s)`);
    for (const r of rows) {
      const keep = ['ID', 'ACTIVITY_SEQNO', 'POST_ID', 'EVENT_TYPE', 'POST_VERSION', 'STATE', 'ATTEMPTS', 'CLAIMED_BY', 'NEXT_ATTEMPT_AT', 'LAST_ERROR'];
      lines.push(`  ${JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => keep.includes(k))))}`);
    }
  }
  return lines.join('\n');
}
