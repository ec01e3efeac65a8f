import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/connect.js';
import { OBJECTS } from '../db/plugin/objects.js';
import { openByDirection, parkedByReason } from '../db/plugin/status/log-summary.js';
import { workDepth } from '../db/plugin/status/work-depth.js';

type Stats = object;

export interface ServiceMetrics {
  registry: Registry;
  /** One send to Numerik took this long. */
  observeSend(seconds: number): void;
}

/**
 * The Prometheus metrics of one service: depths and ages read from the database at each scrape,
 * the workers' counters, and the send latency.
 */
export function serviceMetrics(db: Db, workers: { outbound: { stats: Stats }; inbound: { stats: Stats } }): ServiceMetrics {
  const registry = new Registry();
  const directions = [
    ['outbound', OBJECTS.queue],
    ['inbound', OBJECTS.inbox],
  ] as const;
  let depthRead: Promise<Record<string, Awaited<ReturnType<typeof workDepth>>>> | undefined;
  // One read of both work tables per scrape, shared by the gauges that show it.
  const depths = () => {
    depthRead ??= Promise.all(directions.map(async ([d, table]) => [d, await workDepth(db, table)] as const))
      .then(Object.fromEntries)
      .finally(() => setTimeout(() => (depthRead = undefined), 0));
    return depthRead;
  };
  new Gauge({
    name: 'exo_numerik_work_depth',
    help: 'Items waiting: activities in X_NUMERIK_QUEUE (outbound), events in X_NUMERIK_INBOX (inbound)',
    labelNames: ['direction'],
    registers: [registry],
    async collect() {
      const d = await depths();
      for (const [direction] of directions) this.set({ direction }, d[direction]!.depth);
    },
  });
  new Gauge({
    name: 'exo_numerik_oldest_item_age_seconds',
    help: 'Age of the oldest waiting item per direction (0 when none waits): the lag',
    labelNames: ['direction'],
    registers: [registry],
    async collect() {
      const d = await depths();
      for (const [direction] of directions) this.set({ direction }, d[direction]!.oldestSeconds ?? 0);
    },
  });
  new Gauge({
    name: 'exo_numerik_parked_items',
    help: 'Items parked until something they need exists (such as a customer link)',
    labelNames: ['direction'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const p of await parkedByReason(db)) this.inc({ direction: p.direction }, p.count);
    },
  });
  new Gauge({
    name: 'exo_numerik_dead_letters',
    help: 'Items that gave up and wait for `exo-numerik retry`, by direction',
    labelNames: ['direction'],
    registers: [registry],
    async collect() {
      const open = await openByDirection(db, 'dead');
      // Both directions always, 0 when none waits: an alert on one series never sees it vanish.
      for (const [direction] of directions) this.set({ direction }, open[direction] ?? 0);
    },
  });
  const seen = new Map<string, number>();
  new Counter({
    name: 'exo_numerik_items_total',
    help: 'Items this process finished, by direction and result (sent/applied/failed/parked…)',
    labelNames: ['direction', 'result'],
    registers: [registry],
    collect() {
      for (const [direction] of directions) {
        for (const [result, value] of Object.entries(workers[direction].stats) as [string, number][]) {
          if (result === 'batches') continue;
          const key = `${direction}:${result}`;
          this.inc({ direction, result }, value - (seen.get(key) ?? 0));
          seen.set(key, value);
        }
      }
    },
  });
  const send = new Histogram({
    name: 'exo_numerik_send_duration_seconds',
    help: 'Time to send one activity to Numerik (read, merge, call, commit)',
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return { registry, observeSend: (seconds) => send.observe(seconds) };
}
