import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Vitest's global setup: the tests run the CLI as it ships (bin/exo-numerik.js → dist/), so the
 * build is brought up to date first (a couple of seconds; the launcher refuses a stale one).
 */
export default function build(): void {
  execFileSync(process.execPath, [path.join(import.meta.dirname, '..', '..', 'scripts', 'build.js')], { stdio: 'inherit' });
}
