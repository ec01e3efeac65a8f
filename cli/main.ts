import { Command } from 'commander';
import { registerMigrate } from './commands/migrate.js';
import { registerReference } from './commands/reference.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerServe } from './commands/serve.js';
import { registerWebhooks } from './commands/webhooks.js';
import { registerSync } from './commands/sync.js';
import { registerWorker } from './commands/worker.js';
import { registerStart } from './commands/start.js';
import { registerOperate } from './commands/operate.js';
import { registerRecords } from './commands/records.js';
import { registerPreview } from './commands/preview.js';
import { registerDemo } from './commands/demo.js';
import { registerBackfill } from './commands/backfill.js';
import { registerDoctor } from './commands/doctor.js';
import { registerConfig } from './commands/config.js';
import type { CliContext } from './context.js';
import { keepHeapSmall } from '../service/heap.js';

// `exo-numerik settings get | head`: the reader went away, which is no failure of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('exo-numerik')
  .description('Two-way sync between MYOB Exo Business activities and Numerik posts')
  .option('-c, --config <file>', 'configuration file (default: ./exo-numerik.config.json if present)')
  .showHelpAfterError();

// The processes that run for days size their heap before they load the sync (the young space
// keeps the size it has when the flags are set).
const LONG_RUNNING = new Set(['serve', 'start', 'worker']);
program.hook('preSubcommand', (_, sub) => {
  if (LONG_RUNNING.has(sub.name())) keepHeapSmall();
});

// Each command loads what it needs when it runs, so `--help` and a typo cost a bare start.
let context: CliContext | undefined;
let loading: Promise<CliContext> | undefined;
const ctx = () => (loading ??= import('./context.js').then((m) => (context = new m.CliContext(program.opts<{ config?: string }>()))));

registerStart(program, ctx);
registerMigrate(program, ctx);
registerServe(program, ctx);
registerSync(program, ctx);
registerWorker(program, ctx);
registerReference(program, ctx);
registerWebhooks(program, ctx);
registerOperate(program, ctx);
registerRecords(program, ctx);
registerPreview(program, ctx);
registerDemo(program, ctx);
registerBackfill(program, ctx);
registerDoctor(program, ctx);
registerConfig(program);
registerSandbox(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const { describeFailure } = await import('./errors.js');
  console.error(`exo-numerik: ${describeFailure(error)}`);
  context?.logger.debug('failure', { stack: error instanceof Error ? error.stack : String(error) });
  process.exitCode = 1;
}
