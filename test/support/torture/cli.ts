import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openEngine } from './engine.js';
import type { TestTarget } from '../targets.js';
import { tortureRun, type TortureResult } from './run.js';
import { QuiesceTimeout } from './quiesce.js';

/**
 * `npm run torture -- --seconds N --seed S`: seeded histories, one after another until N seconds
 * are used, each on a fresh schema; prints each history's edits and violations, and how to replay
 * a history that found some. A seed replays the actors' schedule exactly; the interleaving with
 * the workers is the machine's, so a replay finds the same kind of fault, not always the same one.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    histories: { type: 'string' },
    'history-seconds': { type: 'string', default: '5' },
    records: { type: 'string', default: '6' },
    engine: { type: 'string', default: process.env.EXO_TEST_PG_URL ? 'postgres' : 'pglite' },
    sabotage: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    /** A folder to write each history with violations to (edits, final state, violations) as JSON. */
    dump: { type: 'string' },
  },
});

const budgetMs = Number(values.seconds) * 1000;
const firstSeed = Number(values.seed);
const maxHistories = values.histories === undefined ? Infinity : Number(values.histories);
const historyMs = Number(values['history-seconds']) * 1000;
const engineName = values.engine as TestTarget['name'];
for (const [name, n] of Object.entries({ seconds: budgetMs, seed: firstSeed, 'history-seconds': historyMs, records: Number(values.records) })) {
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
}

const started = Date.now();
const { engine, target, dropAll, close } = await openEngine(engineName);
console.log(`torture on ${engineName}: histories of ${historyMs / 1000} s, seeds from ${firstSeed}, for ${budgetMs / 1000} s${target.env ? ' (with worker processes killed by -9)' : ''}`);
let histories = 0;
let edits = 0;
let violations = 0;
const failedSeeds: number[] = [];
try {
  for (let seed = firstSeed; histories < maxHistories && (histories === 0 || Date.now() - started < budgetMs); seed += 1) {
    histories += 1;
    let result: TortureResult;
    try {
      result = await tortureRun(engine, {
        seed,
        editMs: historyMs,
        records: Number(values.records),
        quiesceMs: 60_000,
        target: target.env ? target : undefined,
        sabotage: values.sabotage,
        log: values.verbose ? (line) => console.log(`  ${line}`) : undefined,
      });
    } catch (error) {
      if (!(error instanceof QuiesceTimeout)) throw error;
      console.log(`history seed=${seed}: FAILED to come to rest\n${error.message}`);
      failedSeeds.push(seed);
      violations += 1;
      continue;
    } finally {
      await dropAll();
    }
    edits += result.history.length;
    violations += result.violations.length;
    const s = result.stats;
    console.log(
      `history seed=${seed}: ${result.history.length} edits on ${s.records} records, ${s.conflicts} conflict card(s), ${s.webhooks} webhooks (+${s.duplicateWebhooks} duplicates), ${s.kills} kill -9, Exo saves waited p95 ${s.exoWaitP95} ms (max ${s.exoWaitMax}), failpoints ${s.failpoints}: ${result.violations.length} violation(s)`,
    );
    if (result.sabotaged) console.log(`  sabotaged: ${result.sabotaged} removed behind the sync's back`);
    if (result.violations.length) {
      failedSeeds.push(seed);
      if (values.dump) {
        mkdirSync(values.dump, { recursive: true });
        const file = path.join(values.dump, `torture-${engineName}-${seed}.json`);
        writeFileSync(file, JSON.stringify(result, null, 2));
        console.log(`  written to ${file}`);
      }
      for (const v of result.violations.slice(0, 25)) console.log(`  ${v.kind}: ${v.message}`);
      if (result.violations.length > 25) console.log(`  … and ${result.violations.length - 25} more`);
    }
    if (values.verbose) for (const [k, v] of Object.entries(s)) if (typeof v === 'string' && k !== 'failpoints') console.log(`  ${k}: ${v}`);
  }
} finally {
  await close();
}
console.log(`${histories} histories, ${edits} edits, ${violations} violation(s) in ${Math.round((Date.now() - started) / 1000)} s`);
for (const seed of failedSeeds) {
  console.log(`replay: npm run torture -- --engine ${engineName} --seed ${seed} --histories 1 --history-seconds ${historyMs / 1000} --records ${values.records}`);
}
process.exitCode = violations ? 1 : 0;
