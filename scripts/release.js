#!/usr/bin/env node
// `npm run release`: the archive a site installs (`npm install --omit=dev exo-numerik-<version>.tgz`),
// holding the compiled build, so a site needs no TypeScript and compiles nothing. It is `npm pack` of
// a staged copy: package.json without the scripts that build from source (npm would list `prepare` at
// the site as an install script to review), and package-lock.json as npm-shrinkwrap.json, so the
// site gets exactly the dependency versions the tests ran on.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.resolve(process.argv[2] ?? root);
// npm's own CLI through node when run as `npm run release` (Node refuses to spawn npm.cmd without a shell on Windows).
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: 'inherit' });

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const stage = mkdtempSync(path.join(tmpdir(), 'exo-numerik-release-'));
try {
  for (const entry of manifest.files.filter((f) => !f.startsWith('!'))) cpSync(path.join(root, entry), path.join(stage, entry), { recursive: true });
  cpSync(path.join(root, 'README.md'), path.join(stage, 'README.md'));
  cpSync(path.join(root, 'package-lock.json'), path.join(stage, 'npm-shrinkwrap.json'));
  // What runs the shipped build; everything else builds, tests or measures the sources.
  const shipped = { ...manifest, files: [...manifest.files, 'npm-shrinkwrap.json'], scripts: { start: manifest.scripts.start } };
  delete shipped.allowScripts;
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(shipped, null, 2)}\n`);
  mkdirSync(out, { recursive: true });
  const [packed] = JSON.parse(execFileSync(npm[0], [...npm.slice(1), 'pack', '--json', '--pack-destination', out], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  console.log(`${path.join(out, packed.filename)}: ${packed.entryCount} files, ${Math.round(packed.size / 1024)} kB`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
