import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';

/** A folder laid out as the project is: the real launcher, a dist/ of our making, a source tree. */
function project(build: { builtAt: Date } | undefined, sources: Record<string, Date>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'exo-numerik-launcher-'));
  mkdirSync(path.join(root, 'bin'));
  copyFileSync(BIN, path.join(root, 'bin', 'exo-numerik.js'));
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  if (build) {
    mkdirSync(path.join(root, 'dist', 'cli'), { recursive: true });
    writeFileSync(path.join(root, 'dist', 'cli', 'main.js'), "console.log('the build ran', process.argv.slice(2).join(' '));\n");
    writeFileSync(path.join(root, 'dist', 'build.json'), JSON.stringify({ builtAt: build.builtAt.toISOString(), sources: ['cli', 'sync'] }));
  }
  for (const [file, mtime] of Object.entries(sources)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), 'export {};\n');
    utimesSync(path.join(root, file), mtime, mtime);
  }
  return root;
}

const launch = (root: string, ...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [path.join(root, 'bin', 'exo-numerik.js'), ...args], (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr })),
  );

const hourAgo = new Date(Date.now() - 3600_000);
const dayAgo = new Date(Date.now() - 86_400_000);

describe('bin/exo-numerik.js runs the compiled build, and only a current one', () => {
  it('runs dist/ when every source is older than the build', async () => {
    const root = project({ builtAt: hourAgo }, { 'cli/main.ts': dayAgo, 'sync/deep/rule.ts': dayAgo, 'sync/deep/rule.test.ts': new Date() });
    expect(await launch(root, 'status', '--json')).toEqual({ code: 0, stdout: 'the build ran status --json\n', stderr: '' });
  });

  it('refuses a build older than a source saved after it, naming the file and the fix', async () => {
    const root = project({ builtAt: dayAgo }, { 'cli/main.ts': dayAgo, 'sync/deep/rule.ts': hourAgo });
    const r = await launch(root, 'status');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`exo-numerik: the build in dist/ (${dayAgo.toISOString()}) is older than ${path.join('sync', 'deep', 'rule.ts')}: run \`npm run build\`, or \`npm run dev -- <command>\` to run the sources\n`);
  });

  it('says there is no build when dist/ is missing', async () => {
    const root = project(undefined, { 'cli/main.ts': dayAgo });
    const r = await launch(root, '--help');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`exo-numerik: no build in ${path.join(root, 'dist')}: run \`npm run build\` (npm ci does it)\n`);
  });
});
