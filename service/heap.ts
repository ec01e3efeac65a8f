import v8 from 'node:v8';

/**
 * For the processes that run for days (serve, start, worker): V8 by default lets its heap grow to
 * several times what is live while the sync allocates fast (a drain of 20,000 activities took
 * `serve` from 110 to 220 MB RSS, with 40 MB live after each full GC), and a consultant's terminal
 * server is shared with every Exo user. Growing the old space by 30 % over what survives, and
 * keeping the young space at its first size, holds `serve` near 115 MB while it drains, for about
 * a tenth of its throughput (`npm run bench -- start`). Set at run time, so no command line needs a
 * switch, and before the sync is loaded (cli/main.ts): the young space keeps the size it has by then.
 */
export function keepHeapSmall(): void {
  v8.setFlagsFromString('--heap-growing-percent=30');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
