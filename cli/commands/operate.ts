import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { LoadContext } from '../context.js';
import { withOperations } from '../operations.js';
import { formatStatus } from '../print-status.js';

/** A value as typed on a command line: JSON when it reads as JSON, else the text itself. */
function parseSettingValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const deadLetterId = (text: string, previous: number[] = []) => {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a dead-letter id (the # number that \`status\` shows)`);
  return [...previous, Number(text)];
};

/** The operator's commands: status, retry, settings. */
export function registerOperate(program: Command, ctx: LoadContext): void {
  program
    .command('status')
    .description('the sync at a glance: per direction the last success, waiting items and lag; parked items, dead letters, conflicts')
    .option('--json', 'print the status as JSON (the same as GET /status)')
    .action(async (opts: { json?: boolean }) => {
      const status = await withOperations(ctx, (ops) => ops.status());
      console.log(opts.json ? JSON.stringify(status, null, 2) : formatStatus(status));
    });

  program
    .command('retry')
    .description('send dead letters back to work (ids as `status` shows them)')
    .argument('[ids...]', 'dead-letter ids', (text: string, previous: number[]) => deadLetterId(text, previous))
    .option('--all', 'every dead letter')
    .action(async (ids: number[] = [], opts: { all?: boolean }) => {
      if (!opts.all && !ids.length) throw new InvalidArgumentError('name the dead letters to retry (ids from `exo-numerik status`), or --all');
      if (opts.all && ids.length) throw new InvalidArgumentError('give ids or --all, not both');
      const retried = await withOperations(ctx, (ops) => ops.retry(opts.all ? { all: true } : { ids }));
      const missing = ids.filter((id) => !retried.includes(id));
      console.log(`queued again: ${retried.length}${retried.length ? ` (${retried.join(', ')})` : ''}`);
      if (missing.length) {
        console.error(`not open dead letters (already retried, or no such id): ${missing.join(', ')}`);
        process.exitCode = 1;
      }
    });

  const settings = program.command('settings').description('the sync options in force (X_NUMERIK_SETTINGS), changed while the service runs');
  settings
    .command('get')
    .description('show the options in force and where each comes from (stored, config, default)')
    .argument('[key]', 'one option')
    .option('--json', 'as JSON')
    .action(async (key: string | undefined, opts: { json?: boolean }) => {
      const all = await withOperations(ctx, (ops) => ops.settings());
      const shown = key ? all.filter((s) => s.key === key) : all;
      if (key && !shown.length) throw new InvalidArgumentError(`unknown setting "${key}"; the settings are: ${all.map((s) => s.key).join(', ')}`);
      if (opts.json) return void console.log(JSON.stringify(key ? shown[0] : shown, null, 2));
      for (const s of shown) console.log(`${s.key.padEnd(26)} ${JSON.stringify(s.value)}  (${s.source})`);
    });
  settings
    .command('set')
    .description('change one option (validated; the running service picks it up within seconds)')
    .argument('<key>', 'the option, e.g. conflictPolicy')
    .argument('<value>', 'its value: JSON (true, 5, ["EVE"]) or plain text (exo-wins)')
    .action(async (key: string, value: string) => {
      const view = await withOperations(ctx, (ops) => ops.setSetting(key, parseSettingValue(value), 'cli'));
      console.log(`${view.key} = ${JSON.stringify(view.value)}`);
      if (view.note) console.log(view.note);
    });
}
