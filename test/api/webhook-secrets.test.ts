import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../db/connect.js';
import { readWebhooks } from '../../db/plugin/webhook-secrets.js';
import { Migrator } from '../../migrations/runner.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { NumerikClient } from '../../sync/numerik/client.js';
import { registerWebhook, webhookSecrets } from '../../sync/webhooks.js';
import { exoDb } from '../support/exo.js';
import { forEachTarget } from '../support/targets.js';

forEachTarget('webhook secrets in force', (engine) => {
  let db: Db;
  let sandbox: Sandbox;
  let client: NumerikClient;
  beforeAll(async () => {
    db = await exoDb(engine);
    await new Migrator(db).up();
    sandbox = await startSandbox();
    client = new NumerikClient({ baseUrl: sandbox.url, token: sandbox.token });
  });
  afterAll(async () => {
    await client?.close();
    await sandbox?.close();
  });

  it('registering the URL again replaces the webhook: the old one is removed at Numerik, its secret accepted for the overlap, then no longer', async () => {
    const url = 'https://exo.example.com/numerik/webhooks/numerik';
    const first = await registerWebhook(db, client, url);
    const [oldSecret] = (await readWebhooks(db)).map((h) => h.secret);
    const second = await registerWebhook(db, client, url, 15);
    expect(second.replaced).toEqual([first.id]);
    expect((await client.listWebhooks()).map((h) => h.id)).toEqual([second.id]);
    const newSecret = (await readWebhooks(db)).find((h) => h.id === second.id)!.secret;
    expect(await webhookSecrets(db, [], 0)()).toEqual([oldSecret, newSecret]);
    // Replaced with no overlap: the second's secret is refused at once; the first's overlap runs on.
    const third = await registerWebhook(db, client, url, 0);
    const thirdSecret = (await readWebhooks(db)).find((h) => h.id === third.id)!.secret;
    expect(await webhookSecrets(db, [], 0)()).toEqual([oldSecret, thirdSecret]);
    expect(await webhookSecrets(db, [], 0)()).not.toContain(newSecret);
    // An ended overlap's secret is forgotten at the next registration.
    await registerWebhook(db, client, url, 15);
    expect((await readWebhooks(db)).map((h) => h.secret)).not.toContain(newSecret);
  });
});
