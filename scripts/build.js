#!/usr/bin/env node
// `npm run build` (and npm's `prepare`, so `npm ci` and `npm pack` build): compiles the TypeScript to
// dist/ and writes dist/build.json, which bin/exo-numerik.js reads to refuse a build older than its
// sources. TypeScript is a dev dependency: a site installs the packed archive, which holds dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const project = path.join(root, 'tsconfig.build.json');
const require = createRequire(import.meta.url);

let ts;
try {
  ts = require('typescript');
} catch {
  console.error('exo-numerik build: TypeScript is not installed (a dev dependency): build with `npm ci`, not `npm ci --omit=dev`; a site installs the release archive (`npm pack`), which holds the build');
  process.exit(1);
}

const startedAt = Date.now();
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], { stdio: 'inherit', cwd: root });

const { config } = ts.readConfigFile(project, ts.sys.readFile);
const dist = path.join(root, 'dist');

/**
 * What tsc left from a source since deleted or renamed: it would ship in the archive. Removed one by
 * one rather than by emptying dist/, which a test run beside this build may be reading.
 */
function removeOrphans(dir) {
  for (const e of readdirSync(path.join(dist, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) {
      removeOrphans(rel);
      continue;
    }
    const source = rel.replace(/\.d\.ts$|\.js\.map$|\.js$/, '.ts');
    if (source !== rel && !existsSync(path.join(root, source))) rmSync(path.join(dist, rel));
  }
}
for (const dir of config.include) if (existsSync(path.join(dist, dir))) removeOrphans(dir);

mkdirSync(dist, { recursive: true });
// The start of the build, not its end: a source saved while tsc ran is newer than what it compiled.
writeFileSync(path.join(dist, 'build.json'), `${JSON.stringify({ builtAt: new Date(startedAt).toISOString(), sources: config.include }, null, 2)}\n`);
