import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

const GOLDEN_DIR = path.join(import.meta.dirname, '..', 'golden');

/**
 * Compares `actual` with test/golden/<name>. A change to a DBA-visible statement must show up as a
 * reviewable diff of that file: regenerate with `npm run test:golden` and commit the result.
 */
export function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file test/golden/${name} is missing: run npm run test:golden`);
  expect(actual, `test/golden/${name} differs: review the change, then npm run test:golden`).toBe(readFileSync(file, 'utf8'));
}
