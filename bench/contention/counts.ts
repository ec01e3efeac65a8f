import type { InboundStats } from '../../sync/inbound/worker.js';
import type { OutboundStats } from '../../sync/outbound/worker.js';

export type Counts = { outbound: OutboundStats; inbound: InboundStats };

function sumStats<T extends object>(stats: T[]): T {
  const total = {} as Record<string, number>;
  for (const s of stats) for (const [k, v] of Object.entries(s)) total[k] = (total[k] ?? 0) + (v as number);
  return total as T;
}

function minus<T extends object>(after: T, before: T): T {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, (v as number) - ((before as Record<string, number>)[k] ?? 0)])) as T;
}

/** What the workers counted so far, summed by direction (copies: the workers go on counting). */
export function countsOf(workers: { outbound: readonly { stats: OutboundStats }[]; inbound: readonly { stats: InboundStats }[] }): Counts {
  return { outbound: sumStats(workers.outbound.map((w) => ({ ...w.stats }))), inbound: sumStats(workers.inbound.map((w) => ({ ...w.stats }))) };
}

/** What the workers did between two counts. */
export function countsSince(after: Counts, before: Counts): Counts {
  return { outbound: minus(after.outbound, before.outbound), inbound: minus(after.inbound, before.inbound) };
}

/** Converges that finished (whatever they decided), by direction. */
export function convergesOf(c: Counts): { outbound: number; inbound: number } {
  const o = c.outbound;
  const i = c.inbound;
  return { outbound: o.created + o.updated + o.merged + o.unchanged + o.skipped, inbound: i.inserted + i.updated + i.inSync + i.deleted + i.skipped };
}
