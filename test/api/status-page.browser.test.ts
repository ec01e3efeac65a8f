import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, haveChromium, launchChromium } from '../support/browser.js';
import { expect, it } from 'vitest';
import { writeLog } from '../../db/plugin/log.js';
import { park } from '../../db/plugin/parked.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { silentLogger } from '../../logging/logger.js';
import { startService, type Service } from '../../service/service.js';
import { forEachTarget } from '../support/targets.js';
import { syncFixture, type SyncFixture } from '../support/sync.js';

const TOKEN = 'browser-admin-token-0123456789';

// One engine is enough: the page is the same on every one.
forEachTarget('the status page in a real browser', (engine, target) => {
it.skipIf(target.name !== 'pglite' || !haveChromium())('a parked item, a dead letter, and Retry sends it back to the queue', async () => {
  let f: SyncFixture | undefined;
  let service: Service | undefined;
  let browser: Browser | undefined;
  try {
    f = await syncFixture(engine, { syncExoToNumerik: false });
    service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0, adminToken: TOKEN } });
    await f.db.knex.transaction((trx) => park(f!.db, trx, { activitySeqno: 77 }, 'customer not linked'));
    const seqno = await f.seed.task({ subject: 'Dead letter', companyId: 'D101' });
    await writeLog(f.db, [{ direction: 'outbound', kind: 'dead', activitySeqno: seqno, reason: 'Numerik refused the post (400): customer_id unknown' }]);
    const queued = async () => Number(((await f!.db.table(OBJECTS.queue).where({ ACTIVITY_SEQNO: seqno }).count({ n: '*' }))[0] as { n: number | string }).n);
    const before = await queued();

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    // Without the token: counts and states, no reasons.
    await page.goto(`${service.url}/status`);
    await expect.poll(() => page.locator('li.parked').textContent()).toContain('1 activity waiting: customer not linked');
    expect(await page.locator('body').textContent()).not.toMatch(/customer(_id)? unknown/i);
    // The link `npm start` prints carries the token once: the page trades it for its session and
    // drops it from the address.
    await page.goto('about:blank');
    await page.goto(`${service.url}/status#token=${TOKEN}`);
    const row = page.locator('tr.dead', { hasText: 'Customer unknown' });
    await expect.poll(() => row.count()).toBe(1);
    expect(page.url()).toBe(`${service.url}/status`);
    expect(await row.textContent()).toContain(`activity ${seqno}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'status-page.png'), fullPage: true });

    await row.locator('button.retry').click();
    await expect.poll(() => page.locator('#message').textContent()).toBe(`Queued again: 1 dead letter (activity ${seqno}).`);
    await page.waitForLoadState('load');
    await expect.poll(() => page.locator('tr.dead').count()).toBe(0);
    expect(await page.locator('body').textContent()).toContain('No dead letters.');
    expect(await queued()).toBe(before + 1);
  } finally {
    await browser?.close();
    await service?.stop();
    await f?.close();
  }
}, 60_000);
});
