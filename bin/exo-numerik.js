#!/usr/bin/env node
// Runs the compiled build in dist/ (`npm ci` builds it, through the `prepare` script). A dist/ older
// than the TypeScript beside it is a build someone forgot: it is said and refused, never run as if it
// were the code in the folder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function fail(message) {
  console.error(`exo-numerik: ${message}`);
  process.exit(1);
}

/** The first source file saved after the build started, if any (a walk of the folders it compiled). */
function newerSource(dirs, builtAt) {
  const stack = dirs.map((d) => path.join(root, d));
  while (stack.length) {
    const dir = stack.pop();
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') && statSync(full).mtimeMs > builtAt) return full;
    }
  }
  return undefined;
}

let build;
try {
  build = JSON.parse(readFileSync(path.join(root, 'dist', 'build.json'), 'utf8'));
} catch {
  fail(`no build in ${path.join(root, 'dist')}: run \`npm run build\` (npm ci does it)`);
}
const stale = newerSource(build.sources, Date.parse(build.builtAt));
if (stale) fail(`the build in dist/ (${build.builtAt}) is older than ${path.relative(root, stale)}: run \`npm run build\`, or \`npm run dev -- <command>\` to run the sources`);

await import('../dist/cli/main.js');
