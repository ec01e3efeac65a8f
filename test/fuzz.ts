/**
 * `npm run fuzz`: the lens laws (test/sync/lens, and end to end through the sync) with many more
 * runs than `npm test`, and a new seed each time. FUZZ_SEED replays a run; FUZZ_RUNS and
 * FUZZ_E2E_RUNS set the counts. A counterexample found here becomes a named example test.
 */
import { spawnSync } from 'node:child_process';

const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const env = { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '20000', FUZZ_E2E_RUNS: process.env.FUZZ_E2E_RUNS ?? '150' };
console.log(`fuzz: seed ${seed}, ${env.FUZZ_RUNS} runs per law, ${env.FUZZ_E2E_RUNS} end to end`);
const run = spawnSync('npx', ['vitest', 'run', 'test/sync/lens', 'test/sync/round-trip-laws.test.ts', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
