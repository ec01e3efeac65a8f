#!/usr/bin/env node
// `npm run build` (and npm's `prepare`, so every install builds): compiles the TypeScript to dist/
// and writes dist/build.json, which bin/exo-numerik.js reads to refuse a build older than its sources.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const project = path.join(root, 'tsconfig.build.json');
const startedAt = Date.now();
execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', project], { stdio: 'inherit', cwd: root });

const { config } = ts.readConfigFile(project, ts.sys.readFile);
mkdirSync(path.join(root, 'dist'), { recursive: true });
// The start of the build, not its end: a source saved while tsc ran is newer than what it compiled.
writeFileSync(path.join(root, 'dist', 'build.json'), `${JSON.stringify({ builtAt: new Date(startedAt).toISOString(), sources: config.include }, null, 2)}\n`);
