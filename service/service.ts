import { createApi } from '../api/app.js';
import { listen } from '../api/server.js';
import { separatePool, type Db } from '../db/connect.js';
import type { Logger } from '../logging/logger.js';
import { reconcile } from '../sync/inbound/reconcile.js';
import { InboundWorker } from '../sync/inbound/worker.js';
import type { NumerikClient } from '../sync/numerik/client.js';
import type { SyncOptionsInput } from '../sync/options.js';
import { optionsSource, type OptionsSource } from '../sync/options-source.js';
import { OutboundWorker } from '../sync/outbound/worker.js';
import { refreshReferenceData } from '../sync/reference/refresh.js';
import { webhookSecrets } from '../sync/webhooks.js';

export interface ServiceOptions {
  db: Db;
  client: NumerikClient;
  logger: Logger;
  sync?: SyncOptionsInput;
  api: { host: string; port: number };
  webhookSecrets?: string[];
  worker?: { batchSize?: number; concurrency?: number; leaseMs?: number };
}

export interface Service {
  url: string;
  options: OptionsSource;
  outbound: OutboundWorker;
  inbound: InboundWorker;
  /** Reference data and the reconcile poll, now. */
  housekeeping(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole sync in one process: the local API (webhooks), the outbound and inbound workers, and
 * every `reconcileMinutes` the reference data refresh and the reconcile poll. Reference data is
 * linked before the workers start (dependency order).
 */
export async function startService(o: ServiceOptions): Promise<Service> {
  const { db, client, logger } = o;
  const options = optionsSource(db, o.sync, logger);
  const workerOptions = { db, client, options, logger, ...o.worker };
  const outbound = new OutboundWorker(workerOptions);
  const inbound = new InboundWorker(workerOptions);
  const housekeeping = async () => {
    const current = await options();
    await refreshReferenceData(db, client, current, logger);
    if (current.syncNumerikToExo) await reconcile(db, client, current, logger);
    inbound.poke();
  };
  await housekeeping();
  // The receiver answers Numerik in milliseconds: its own connections, never behind a worker's transaction.
  const apiDb = await separatePool(db, { logger });
  const api = await listen(createApi({ db: apiDb, logger, secrets: webhookSecrets(apiDb, o.webhookSecrets), onStored: () => inbound.poke() }), o.api.host, o.api.port);
  let timer: NodeJS.Timeout | undefined;
  const schedule = async () => {
    timer = setTimeout(async () => {
      try {
        await housekeeping();
      } catch (error) {
        logger.error('reference refresh / reconcile poll failed; trying again later', { error: error instanceof Error ? error.message : String(error) });
      }
      void schedule();
    }, (await options()).reconcileMinutes * 60_000);
  };
  void schedule();
  outbound.start();
  inbound.start();
  logger.info('exo-numerik is running', { api: api.url, outbound: outbound.id, inbound: inbound.id });
  return {
    url: api.url,
    options,
    outbound,
    inbound,
    housekeeping,
    async stop() {
      clearTimeout(timer);
      await api.close();
      await Promise.all([outbound.stop(), inbound.stop()]);
      await apiDb.close();
    },
  };
}
