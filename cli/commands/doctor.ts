import type { Command } from 'commander';
import type { CheckResult } from '../../service/doctor.js';
import type { LoadContext } from '../context.js';

const MARK: Record<CheckResult['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: '--  ' };

export function formatChecks(results: CheckResult[]): string {
  return results.map((r) => `${MARK[r.status]}  ${r.check}: ${r.detail}${r.fix ? `\n      → ${r.fix}` : ''}`).join('\n');
}

export function registerDoctor(program: Command, ctx: LoadContext): void {
  program
    .command('doctor')
    .description('check everything that can be wrong (database, login rights, migrations, triggers, Numerik, webhook, clocks, time zone, attachments) and say how to fix it')
    .option('--json', 'the findings as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = await ctx();
      const { runDoctor } = await import('../../service/doctor.js');
      const results = await runDoctor({
        config: c.config,
        heldBy: c.demoRunning(),
        openDb: () => c.openDb(),
        openMigrationDb: c.config.database.migrationUser ? () => c.openMigrationDb() : undefined,
        client: await c.numerikClients(),
      });
      console.log(opts.json ? JSON.stringify(results, null, 2) : formatChecks(results));
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
    });
}
