import type { Router } from 'express';
import { createApi } from '../api/app.js';
import { listen } from '../api/server.js';
import type { DemoView } from '../api/status-page.js';
import { separatePool, type Db } from '../db/connect.js';
import { OBJECTS } from '../db/plugin/objects.js';
import { releaseHeldBy } from '../db/plugin/work/release-held.js';
import type { Logger } from '../logging/logger.js';
import { reconcile } from '../sync/inbound/reconcile.js';
import { InboundWorker } from '../sync/inbound/worker.js';
import type { NumerikClient } from '../sync/numerik/client.js';
import type { SyncOptionsInput } from '../sync/options.js';
import { optionsSource, type OptionsSource } from '../sync/options-source.js';
import { OutboundWorker } from '../sync/outbound/worker.js';
import { refreshReferenceData } from '../sync/reference/refresh.js';
import { seedSettings } from '../sync/settings.js';
import { webhookSecrets } from '../sync/webhooks.js';
import { serviceNames } from '../api/host-check.js';
import { serviceMetrics } from './metrics.js';
import { databaseOperations, type Operations } from './operations.js';
import { everyMinutes } from './every-minutes.js';
import { untilNumerikAnswers } from './until-numerik-answers.js';

export interface ServiceOptions {
  db: Db;
  client: NumerikClient;
  logger: Logger;
  sync?: SyncOptionsInput;
  api: { host: string; port: number; adminToken?: string; publicUrl?: string; allowedHosts?: string[] };
  webhookSecrets?: string[];
  worker?: { batchSize?: number; concurrency?: number; leaseMs?: number };
  /** How long a shutdown may take before the leases still held are handed back regardless. */
  stopTimeoutMs?: number;
  /** The demo's extras: its routes and the status page's demo panel. */
  demo?: { routers: Router[]; view(): Promise<DemoView> };
}

export interface Service {
  url: string;
  options: OptionsSource;
  operations: Operations;
  outbound: OutboundWorker;
  inbound: InboundWorker;
  /** Reference data and the reconcile poll, now. */
  housekeeping(): Promise<void>;
  /** Stops taking work, lets what is in flight finish (within the time bound), hands back leases. */
  stop(): Promise<void>;
}

/**
 * The whole sync in one process: the local API (webhooks, status, metrics, admin), the outbound and
 * inbound workers, and every `reconcileMinutes` the reference data refresh and the reconcile poll.
 * Reference data is linked before the workers start (dependency order).
 */
export async function startService(o: ServiceOptions): Promise<Service> {
  const { db, client, logger } = o;
  for (const key of await seedSettings(db, o.sync ?? {})) {
    logger.warn('the configuration and X_NUMERIK_SETTINGS differ; the stored value is in force (change it with `exo-numerik settings set`)', { key });
  }
  const options = optionsSource(db, o.sync, logger);
  const workerOptions = { db, client, options, logger, ...o.worker, onSend: (s: number) => metrics.observeSend(s) };
  const outbound = new OutboundWorker(workerOptions);
  const inbound = new InboundWorker(workerOptions);
  const metrics = serviceMetrics(db, { outbound, inbound });
  const housekeeping = async () => {
    const current = await options();
    await refreshReferenceData(db, client, current, logger);
    if (current.syncNumerikToExo) await reconcile(db, client, current, logger);
    inbound.poke();
  };
  // Started during a rate limit storm or an outage, the service waits for Numerik and starts.
  await untilNumerikAnswers(housekeeping, logger);
  // The receiver answers Numerik in milliseconds: its own connections, never behind a worker's transaction.
  const apiDb = await separatePool(db, { logger });
  const operations = databaseOperations(apiDb, o.sync ?? {}, async () => client);
  const api = await listen(
    createApi({
      db: apiDb,
      logger,
      secrets: webhookSecrets(apiDb, o.webhookSecrets),
      onStored: () => inbound.poke(),
      operator: { operations, adminToken: o.api.adminToken, metrics: metrics.registry, demoView: o.demo?.view },
      routers: o.demo?.routers,
      names: serviceNames(o.api),
    }),
    o.api.host,
    o.api.port,
  ).catch(async (error: unknown) => {
    await apiDb.close();
    throw error;
  });
  const repeating = everyMinutes(housekeeping, async () => (await options()).reconcileMinutes, {
    onError: (error) => logger.error('reference refresh / reconcile poll failed; trying again later', { error: error instanceof Error ? error.message : String(error) }),
  });
  outbound.start();
  inbound.start();
  logger.info('exo-numerik is running', { api: api.url, outbound: outbound.id, inbound: inbound.id });
  return {
    url: api.url,
    options,
    operations,
    outbound,
    inbound,
    housekeeping,
    async stop() {
      repeating.stop();
      const bound = o.stopTimeoutMs ?? 20_000;
      let timedOut = false;
      const deadline = new Promise<void>((resolve) => setTimeout(() => ((timedOut = true), resolve()), bound).unref());
      // A request in flight (a status read on a loaded database) gets the same bound as the work in flight.
      await Promise.race([Promise.all([api.close(bound), outbound.stop(), inbound.stop()]), deadline]);
      if (timedOut) logger.warn(`shutdown: work still in flight after ${bound} ms; its leases are handed back now`);
      const released = (await releaseHeldBy(db, OBJECTS.queue, outbound.id)) + (await releaseHeldBy(db, OBJECTS.inbox, inbound.id));
      if (released) logger.info('shutdown: handed back held work', { rows: released });
      await apiDb.close();
    },
  };
}
