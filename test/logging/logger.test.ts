import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const LOGGER = path.join(import.meta.dirname, '..', '..', 'dist', 'logging', 'logger.js');

/** Runs `script` in a fresh node, with the compiled `createLogger` and `winstonLoaded()` in scope. */
function inFreshNode(script: string): { stdout: string; stderr: string } {
  const program = `import { createRequire } from 'node:module';
import { createLogger } from ${JSON.stringify(LOGGER)};
const winstonLoaded = () => Object.keys(createRequire(${JSON.stringify(LOGGER)}).cache).some((f) => f.includes('/node_modules/winston/'));
${script}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('the logger', () => {
  it('loads winston only for the first line it writes, and drops lines above its level unseen', () => {
    const { stdout, stderr } = inFreshNode(
      `const log = createLogger({ level: 'warn', pretty: false });
log.info('not written'); log.debug('nor this');
console.log('before', winstonLoaded());
log.warn('written', { activity: 7 });
console.log('after', winstonLoaded());`,
    );
    expect(stdout).toBe('before false\nafter true\n');
    expect(stderr).not.toContain('not written');
    expect(JSON.parse(stderr)).toMatchObject({ level: 'warn', message: 'written', activity: 7 });
  });

  it('writes JSON lines to stderr at its level, never to stdout, with secrets redacted', () => {
    const { stdout, stderr } = inFreshNode(
      `const log = createLogger({ pretty: false });
log.debug('dropped at info');
log.info('sent', { postId: 'p1', token: 'abc123', nested: { password: 'hunter2' } });
log.error('failed');`,
    );
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['info', 'sent'],
      ['error', 'failed'],
    ]);
    expect(lines[0]).toMatchObject({ postId: 'p1', token: '[redacted]', nested: { password: '[redacted]' } });
    expect(stderr).not.toMatch(/abc123|hunter2/);
  });
});
