import pidusage from 'pidusage';
import { spawnCli, type WorkerProcess } from '../test/support/processes.js';
import { TEST_ZONE, type SyncFixture } from '../test/support/sync.js';

/** `exo-numerik <args>` as its own process, on the fixture's database (a server at `url`) and sandbox. */
export function spawnBenchCli(f: SyncFixture, url: string, args: string[], env: Record<string, string> = {}): WorkerProcess {
  return spawnCli(args, {
    EXO_DB_URL: url,
    EXO_DB_SCHEMA: f.db.target.schema,
    NUMERIK_API_URL: f.sandbox.url,
    NUMERIK_TOKEN: f.sandbox.token,
    EXO_TIME_ZONE: TEST_ZONE,
    EXO_WORKER_BATCH_SIZE: '200',
    EXO_WORKER_CONCURRENCY: '32',
    ...env,
  });
}

/**
 * A process's peak RSS in the first and in the second half of a run (`progress` goes from 0 to 1):
 * flat when memory does not grow with the work done.
 */
export function peakRssByHalf(pid: number, progress: () => number, everyMs = 100): { stop(): [firstMb: number, secondMb: number] } {
  const peaks = [0, 0];
  const sampler = setInterval(() => {
    const half = progress() < 0.5 ? 0 : 1;
    void pidusage(pid).then((u) => (peaks[half] = Math.max(peaks[half]!, u.memory)), () => undefined);
  }, everyMs);
  return {
    stop() {
      clearInterval(sampler);
      return [peaks[0]! / 2 ** 20, peaks[1]! / 2 ** 20];
    },
  };
}
