import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { CONTENT_FIELDS, MAPPING_KINDS, RECORD_ACTIONS, recordKeyOf, type MappingKind, type RecordAction } from '../../sync/record/names.js';
import type { RecordKey } from '../../sync/record/record-view.js';
import { confirm } from '../confirm.js';
import type { LoadContext } from '../context.js';
import { withOperations } from '../operations.js';
import { formatRecord } from '../print-record.js';
import { formatUnmapped } from '../print-unmapped.js';

/** Who an operator at this terminal is, for the log, unless they say (--by). */
export const defaultOperator = () => `${userInfo().username}@${hostname()}`;

const keyOf = (kind: string, key: string): RecordKey => {
  const parsed = recordKeyOf(kind, key);
  if (!parsed) throw new InvalidArgumentError(kind === 'activity' ? `"${key}" is not an activity key (digits)` : kind === 'post' ? `"${key}" is not a post id` : `say "activity <key>" or "post <id>", not "${kind}"`);
  return parsed;
};

const CONFIRM: Record<RecordAction, string> = {
  retry: 'Send it on its way again now?',
  'send-exo': "Make Numerik's post what the Exo activity holds (its edits of the post are replaced)?",
  'take-numerik': "Make the Exo activity what Numerik's post holds (Exo's edits not yet sent are replaced)?",
  unlink: 'Stop syncing the two (neither is changed; neither is synced to the other again)?',
};

/** One record (`show`, `find`, `record <action>`), conflicts (`conflict choose`) and mappings (`map`). */
export function registerRecords(program: Command, ctx: LoadContext): void {
  program
    .command('show')
    .description("one activity and its post: link, both sides' values and what they agreed on, pending work, history")
    .argument('<kind>', 'activity or post')
    .argument('<key>', "the activity's key (SEQNO) or the post's id")
    .option('--json', 'as JSON (the same as GET /admin/records/<kind>/<key>)')
    .action(async (kind: string, key: string, opts: { json?: boolean }) => {
      const view = await withOperations(ctx, (ops) => ops.record(keyOf(kind, key)));
      console.log(opts.json ? JSON.stringify(view, null, 2) : formatRecord(view));
    });

  program
    .command('find')
    .description('records by activity key, post id, or words of the subject')
    .argument('<text...>', 'what to look for')
    .action(async (words: string[]) => {
      const matches = await withOperations(ctx, (ops) => ops.search(words.join(' ')));
      if (!matches.length) {
        console.error('nothing found');
        process.exitCode = 1;
      }
      for (const m of matches) console.log(m.label);
    });

  program
    .command('record')
    .description(`act on one record: ${RECORD_ACTIONS.join(', ')} (asks first; logged with who did it)`)
    .argument('<action>', RECORD_ACTIONS.join(' | '))
    .argument('<kind>', 'activity or post')
    .argument('<key>', "the activity's key or the post's id")
    .option('--by <name>', 'who you are, for the log', defaultOperator())
    .option('-y, --yes', 'do not ask')
    .action(async (action: string, kind: string, key: string, opts: { by: string; yes?: boolean }) => {
      if (!RECORD_ACTIONS.includes(action as RecordAction)) throw new InvalidArgumentError(`"${action}" is not an action; they are: ${RECORD_ACTIONS.join(', ')}`);
      const record = keyOf(kind, key);
      await confirm(`${kind} ${key}: ${CONFIRM[action as RecordAction]}`, opts.yes);
      const { message } = await withOperations(ctx, (ops) => ops.act(record, action as RecordAction, opts.by));
      console.log(message);
    });

  program
    .command('conflict')
    .description('conflicts resolved by a person')
    .command('choose')
    .description("keep one side's version of a conflict's field (--field), or of every field still open: applied on both sides, kept on the card with who chose; the card closes once each field has a choice")
    .argument('<id>', 'the conflict # (from `status` or `show`)')
    .argument('<side>', 'exo or numerik')
    .option('--field <field>', `one field of it: ${CONTENT_FIELDS.join(', ')}`)
    .option('--by <name>', 'who you are, for the log', defaultOperator())
    .option('-y, --yes', 'do not ask')
    .action(async (id: string, side: string, opts: { field?: string; by: string; yes?: boolean }) => {
      if (!/^\d+$/.test(id)) throw new InvalidArgumentError(`"${id}" is not a conflict # number`);
      if (side !== 'exo' && side !== 'numerik') throw new InvalidArgumentError(`the side is exo or numerik, not "${side}"`);
      if (opts.field && !CONTENT_FIELDS.includes(opts.field as (typeof CONTENT_FIELDS)[number])) throw new InvalidArgumentError(`"${opts.field}" is not a field; they are: ${CONTENT_FIELDS.join(', ')}`);
      await confirm(`Conflict #${id}: use ${side === 'exo' ? "Exo's" : "Numerik's"} version of ${opts.field ?? 'every field still open'} on both sides?`, opts.yes);
      const field = (opts.field ?? 'all') as (typeof CONTENT_FIELDS)[number] | 'all';
      const { message } = await withOperations(ctx, (ops) => ops.choose(Number(id), field, side, opts.by));
      console.log(message);
    });

  program
    .command('map')
    .description('staff ⇄ Numerik users, Exo accounts ⇄ Numerik customers, activity types ⇄ tags: list, set or clear an override')
    .argument('<kind>', MAPPING_KINDS.join(' | '))
    .argument('[exo]', 'the Exo side: a staff login ID or number, an account (D101, DR:101), an activity type')
    .argument('[numerik]', 'the Numerik side: a user id or e-mail, a customer id, a tag name')
    .option('--clear', 'remove the override (the automatic match applies again)')
    .option('--by <name>', 'who you are, for the log', defaultOperator())
    .option('--json', 'the list as JSON')
    .option('--unmapped', 'what is NOT mapped, why, and the command that fixes each; with the parked items waiting for it')
    .option('-y, --yes', 'do not ask')
    .action(async (kind: string, exo: string | undefined, numerik: string | undefined, opts: { clear?: boolean; by: string; json?: boolean; unmapped?: boolean; yes?: boolean }) => {
      if (!MAPPING_KINDS.includes(kind as MappingKind)) throw new InvalidArgumentError(`"${kind}" is not a mapping; they are: ${MAPPING_KINDS.join(', ')}`);
      if (opts.unmapped) {
        if (exo) throw new InvalidArgumentError('--unmapped lists; give no Exo or Numerik side with it');
        const missing = await withOperations(ctx, (ops) => ops.unmapped(kind as MappingKind));
        if (opts.json) return void console.log(JSON.stringify(missing, null, 2));
        return void console.log(formatUnmapped(kind as MappingKind, missing));
      }
      if (!exo) {
        const list = await withOperations(ctx, (ops) => ops.mappings(kind as MappingKind));
        if (opts.json) return void console.log(JSON.stringify(list, null, 2));
        for (const m of list) console.log(`${m.exo.padEnd(20)} ${(m.exoName ?? '').padEnd(20)} → ${m.numerik.padEnd(24)} ${(m.numerikName ?? '').padEnd(24)} (${m.source})`);
        return;
      }
      if (!opts.clear && !numerik) throw new InvalidArgumentError(`give the Numerik side to map ${exo} to, or --clear`);
      if (opts.clear && numerik) throw new InvalidArgumentError('give the Numerik side or --clear, not both');
      await confirm(opts.clear ? `Clear the ${kind} override of ${exo}?` : `Map ${kind} ${exo} to ${numerik} (what it affects is sent again)?`, opts.yes);
      const result = await withOperations(ctx, (ops) => ops.changeMapping({ kind: kind as MappingKind, exo, numerik: opts.clear ? undefined : numerik, by: opts.by }));
      console.log(result.message);
    });
}
