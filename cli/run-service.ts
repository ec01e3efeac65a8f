import { mkdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/connect.js';
import { startService, type ServiceOptions } from '../service/service.js';
import type { DemoNumerik } from '../service/demo.js';
import { defaultSyncOptions } from '../sync/options.js';
import { ConfigError } from '../config/load.js';
import { untilNumerikAnswers } from '../service/until-numerik-answers.js';
import type { CliContext } from './context.js';
import { SERVICE_FILE, type RunningService } from './running-service.js';

/** Until SIGTERM or SIGINT. */
const stopSignal = () =>
  new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });

/**
 * Runs the service until told to stop; with `demoDir`, against the demo's own Numerik sandbox. The
 * database is open and migrated. Closes everything it opened, the database included.
 */
export async function runService(c: CliContext, db: Db, demoDir?: string): Promise<void> {
  const { config } = c;
  let demo: DemoNumerik | undefined;
  const files: string[] = [];
  try {
    if (demoDir) {
      mkdirSync(demoDir, { recursive: true });
      const timeZone = defaultSyncOptions(config.sync).timeZone;
      // The sandbox is the demo's Numerik only: `serve` against a real Numerik never loads it.
      const { startDemoNumerik } = await import('../service/demo.js');
      demo = await startDemoNumerik(db, { dir: demoDir, port: Number(process.env.EXO_SANDBOX_PORT ?? 4010), logger: c.logger, timeZone, adminToken: config.api.adminToken });
    }
    const client = demo?.client ?? (await c.numerikClient((text) => c.logger.warn(text)));
    // A wrong URL or token fails fast with one clear line; Numerik saying "later" is waited for.
    if (!demo) await untilNumerikAnswers(() => client.probe(), c.logger).catch(async (error: unknown) => {
      await client.close();
      throw new ConfigError(`cannot start: ${(error as Error).message} (check NUMERIK_API_URL and NUMERIK_TOKEN; \`exo-numerik doctor\` checks everything)`);
    });
    const webhookSecrets = config.numerik.webhookSecret?.split(',').map((s) => s.trim()).filter(Boolean);
    const options: ServiceOptions = {
      db,
      client,
      logger: c.logger,
      sync: config.sync,
      api: { ...config.api, adminToken: demo?.adminToken ?? config.api.adminToken },
      webhookSecrets,
      worker: config.worker,
      demo: demo && { routers: demo.routers, view: demo.view },
    };
    const service = await startService(options).catch(async (error: unknown) => {
      if (!demo) await client.close();
      throw error;
    });
    if (demo) {
      await demo.connect(db, service.url);
      const running: RunningService = { pid: process.pid, url: service.url, adminToken: demo.adminToken, sandboxUrl: demo.sandbox.url };
      const file = path.join(demoDir!, SERVICE_FILE);
      await writeFile(file, JSON.stringify(running, null, 2), { mode: 0o600 });
      files.push(file);
      console.log(`exo-numerik demo running: Exo is the embedded database in ${demoDir}, Numerik is the sandbox at ${demo.sandbox.url}`);
      console.log(`  status page: ${service.url}/status#token=${demo.adminToken}`);
      // The token lands in this terminal's scrollback, so the line says why that is no leak.
      console.log(`               (the demo's own admin token, kept in ${config.api.adminToken ? 'api.adminToken' : path.join(demoDir!, 'admin-token')}: what follows # stays in the browser, which trades it for a cookie and drops it from the address)`);
      console.log(`  try:         npx exo-numerik demo show   ·   npx exo-numerik demo edit 1 --text "Call Jo back\\nHe wants 40 chairs"`);
    } else {
      console.log(`exo-numerik serving on ${service.url} (webhooks: ${service.url}/webhooks/numerik, status: ${service.url}/status)`);
    }
    const signal = await stopSignal();
    c.logger.info(`${signal}: stopping; no new work, finishing what is in flight`);
    await service.stop();
    if (!demo) await client.close();
  } finally {
    for (const file of files) await rm(file, { force: true });
    await demo?.close();
    await db.close();
  }
}
