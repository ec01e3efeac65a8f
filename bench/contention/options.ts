import { parseArgs } from 'node:util';

export interface ContentionOptions {
  seconds: number;
  rate: number;
  activities: number;
  seed: number;
  latencyMs: number;
  pollSeconds: number;
  /** Exo UPDATEs with the sync stopped, half before the workers first start and half after the run. */
  baselineSeconds: number;
  quiesceMs: number;
}

export function contentionOptions(): ContentionOptions {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: false,
    allowPositionals: true,
    options: {
      seconds: { type: 'string' },
      rate: { type: 'string' },
      activities: { type: 'string' },
      seed: { type: 'string' },
      latency: { type: 'string' },
      poll: { type: 'string' },
      'baseline-seconds': { type: 'string' },
    },
  });
  const number = (flag: string, env: string, fallback: number, min = 0): number => {
    const raw = values[flag] ?? process.env[env];
    const n = raw === undefined || typeof raw === 'boolean' ? fallback : Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${flag} (${env}) must be a number ≥ ${min}, not ${String(raw)}`);
    return n;
  };
  const seconds = number('seconds', 'CONTENTION_SECONDS', 60, 1);
  return {
    seconds,
    rate: number('rate', 'CONTENTION_RATE', 20, 0.1),
    activities: Math.round(number('activities', 'CONTENTION_ACTIVITIES', 50, 1)),
    seed: Math.round(number('seed', 'CONTENTION_SEED', Date.now() % 100_000)),
    latencyMs: number('latency', 'CONTENTION_LATENCY_MS', 20),
    pollSeconds: number('poll', 'CONTENTION_POLL_SECONDS', 0.2, 0.05),
    baselineSeconds: number('baseline-seconds', 'CONTENTION_BASELINE_SECONDS', Math.min(seconds, 20), 1),
    quiesceMs: 180_000,
  };
}

/** The flags that replay this run's schedule (the interleaving with the workers is the machine's). */
export function replayFlags(o: ContentionOptions): string {
  return `--seconds ${o.seconds} --rate ${o.rate} --activities ${o.activities} --latency ${o.latencyMs} --poll ${o.pollSeconds} --baseline-seconds ${o.baselineSeconds} --seed ${o.seed}`;
}
