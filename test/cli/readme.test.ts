import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configReference } from '../../config/reference.js';
import { configSchema } from '../../config/schema.js';
import { runCli } from '../support/cli.js';

const README = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** Every `exo-numerik …` command line in the README's shell blocks, without env prefixes and comments. */
function readmeCommands(): string[][] {
  const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const lines = blocks.flatMap((b) => b.replace(/\\\n\s*/g, ' ').split('\n'));
  return lines
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => /(^|\s)exo-numerik\s/.test(l))
    .map((l) => l.slice(l.indexOf('exo-numerik') + 'exo-numerik'.length).trim().split(/\s+/));
}

describe('the README runs (its commands cannot rot)', () => {
  const commands = readmeCommands();

  it('shows exo-numerik commands', () => {
    expect(commands.length).toBeGreaterThan(0);
  });

  it.concurrent.each(commands.map((args) => [args.join(' '), args] as const))('exo-numerik %s', async (_, args) => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'exo-numerik-readme-'));
    const words = args.filter((a) => !a.startsWith('-'));
    const offline = words[0] === 'migrate' && (words[1] === 'plan' || words[1] === 'script');
    if (offline) {
      const r = await runCli(args, { cwd });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return;
    }
    // Commands that need a database: the command exists and takes every option the README shows.
    const firstOption = args.findIndex((a) => a.startsWith('-'));
    const commandPath = firstOption === -1 ? args : args.slice(0, firstOption);
    const help = await runCli([...commandPath, '--help'], { cwd });
    expect(help.code).toBe(0);
    for (const option of args.filter((a) => a.startsWith('--'))) expect(help.stdout).toContain(option);
  });
});

describe("the README's configuration examples are valid configuration files", () => {
  const examples = [...README.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('shows some', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map((e) => [e.split('\n')[0]!, e] as const))('%s', (_, example) => {
    const parsed = configSchema.safeParse(JSON.parse(example));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});

it("the README's configuration reference is the one the schema makes (`exo-numerik config reference`)", () => {
  const block = /<!-- config-reference:start -->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(README)?.[1];
  expect(block).toBe(configReference());
});
