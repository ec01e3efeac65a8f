import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const workdir = () => mkdtempSync(path.join(tmpdir(), 'exo-numerik-noconfig-'));

describe.concurrent('a folder without a configuration: said, and nothing made there', () => {
  it('status says there is no configuration instead of making an embedded database', async () => {
    const cwd = workdir();
    const r = await runCli(['status'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `exo-numerik: no configuration in ${cwd} (no exo-numerik.config.json, --config, EXO_NUMERIK_CONFIG or EXO_DB_* variable) and no demo database: run it in the folder of exo-numerik.config.json, or \`exo-numerik start\` here for the demo\n`,
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('doctor names it as its database finding, and makes nothing either', async () => {
    const cwd = workdir();
    const r = await runCli(['doctor'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}database: no configuration in /m);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a configured embedded database that is not there yet: says what makes it', async () => {
    const cwd = workdir();
    const r = await runCli(['status'], { cwd, env: { EXO_PGLITE_DIR: 'data/exo' } });
    expect(r.stderr).toBe('exo-numerik: the embedded database data/exo does not exist yet: `exo-numerik migrate up` makes it (or `start`, which also runs the service)\n');
    expect(readdirSync(cwd)).toEqual([]);
  });
});
