import { benchAttachments } from './attachments.js';
import { benchBackfill } from './backfill.js';
import { benchContention } from './contention/index.js';
import { benchInbound } from './inbound.js';
import { benchOutbound } from './outbound.js';
import { benchRecordFields } from './record-fields.js';
import { benchPreview } from './preview.js';
import { benchCli } from './cli.js';
import { benchStart } from './start.js';
import { benchTriggers } from './triggers.js';

/** `npm run bench -- <name>`: each bench prints its figures as ratios measured in one run. */
const BENCHES: Record<string, () => Promise<void>> = {
  triggers: benchTriggers,
  outbound: benchOutbound,
  'record-fields': benchRecordFields,
  preview: benchPreview,
  cli: benchCli,
  start: benchStart,
  inbound: benchInbound,
  attachments: benchAttachments,
  backfill: benchBackfill,
  contention: benchContention,
};

// Bench names; a bench reads its own flags (`contention --seconds 20`), so a flag's value is not a name.
const args = process.argv.slice(2);
const names = args.filter((a, i) => !a.startsWith('-') && (Object.hasOwn(BENCHES, a) || !(args[i - 1]?.startsWith('--') && !args[i - 1]!.includes('='))));
const chosen = names.length ? names : Object.keys(BENCHES);
for (const name of chosen) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown bench "${name}"; choose from: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(1);
  }
  await bench();
}
