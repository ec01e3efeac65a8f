import v8 from 'node:v8';

/** V8's flags this sets, and their values here. */
const HEAP_FLAGS = [
  ['--heap-growing-percent', '30'],
  ['--semi-space-growth-factor', '1'],
] as const;

/** The flags still to set: one an operator gave node (its command line or NODE_OPTIONS) is theirs. */
export function heapFlagsToSet(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((arg) => arg.replace(/_/g, '-').split('=')[0]);
  return HEAP_FLAGS.filter(([flag]) => !given.includes(flag)).map(([flag, value]) => `${flag}=${value}`);
}

/**
 * For the processes that run for days (serve, start, worker): V8 by default lets its heap grow to
 * several times what is live while the sync allocates fast (a drain of 20,000 activities took
 * `serve` from 110 to 220 MB RSS, with 40 MB live after each full GC), and a consultant's terminal
 * server is shared with every Exo user. Growing the old space by 30 % over what survives, and
 * keeping the young space at its first size, holds `serve` near 115 MB while it drains, for about
 * a tenth of its throughput (`npm run bench -- start`). Set at run time, so no command line needs a
 * switch, and before the sync is loaded (cli/main.ts): the young space keeps the size it has by then.
 * Either flag given to node by the operator (NODE_OPTIONS, say) is left as they set it.
 */
export function keepHeapSmall(): void {
  for (const flag of heapFlagsToSet(process.execArgv, process.env.NODE_OPTIONS)) v8.setFlagsFromString(flag);
}
