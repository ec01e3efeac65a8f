import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, haveChromium, launchChromium } from '../support/browser.js';
import { expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { silentLogger } from '../../logging/logger.js';
import { startService, type Service } from '../../service/service.js';
import { forEachTarget } from '../support/targets.js';
import { logEntries, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

const TOKEN = 'browser-admin-token-0123456789';
const wall = (iso: string) => new Date(`${iso}Z`);

forEachTarget("a record's page and a conflict resolved in a real browser", (engine, target) => {
  it.skipIf(target.name !== 'pglite' || !haveChromium())("finds the record, shows both sides and its history, and a person's choice ends the conflict on both sides", async () => {
    let f: SyncFixture | undefined;
    let service: Service | undefined;
    let browser: Browser | undefined;
    try {
      f = await syncFixture(engine);
      const seqno = await f.seed.task({ subject: 'Deliver the chairs', details: 'Deliver the chairs\n40 of them, blue', companyId: 'D101', assignedTo: f.staff.ann, end: wall('2026-12-10T09:00:00.000') });
      await f.worker().drain();
      const post = postsByActivity(f.sandbox).get(seqno)![0]!;
      // Both sides move the due date before either syncs: Numerik's change is newer, so it wins.
      await f.db.table('TASKS').where({ SEQNO: seqno }).update({ END_DATETIME: wall('2026-12-11T09:00:00.000') });
      f.sandbox.store.updatePost(post.id, { due_at: '2026-12-14T20:00:00.000Z' });
      await f.worker().drain();
      const conflict = (await f.db.table(OBJECTS.log).where({ KIND: 'conflict', ACTIVITY_SEQNO: seqno }).first('ID')) as { ID: number | string };
      const conflictId = Number(conflict.ID);
      service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0, adminToken: TOKEN } });

      browser = await launchChromium();
      // Without the token the record's page shows no text.
      const stranger = await browser.newPage();
      await stranger.goto(`${service.url}/status/records/activity/${seqno}`);
      expect(await stranger.locator('body').textContent()).toContain('shown with the admin token');
      expect(await stranger.locator('body').textContent()).not.toContain('40 of them');
      await stranger.close();

      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      page.on('dialog', (dialog) => void (dialog.type() === 'prompt' ? dialog.accept('Jo Bloggs') : dialog.accept()));
      await page.goto(`${service.url}/status#token=${TOKEN}`);
      await expect.poll(() => page.locator(`article.conflict[data-conflict="${conflictId}"]`).count()).toBe(1);
      // Find it by words of its subject: the one match opens its page.
      await page.locator('input[name=q]').fill('deliver the');
      await page.locator('form[role=search] button').click();
      await page.waitForURL(`${service.url}/status/records/activity/${seqno}`);
      expect(await page.locator('.link-state').textContent()).toContain('active');
      expect(await page.locator('.record-state').textContent()).toBe('In Numerik · conflict to review: see exo-numerik status');
      expect(await page.locator('table.sides tr[data-field=body_text]').textContent()).toContain('40 of them, blue');
      expect(await page.locator('ol.timeline li[data-kind=conflict]').count()).toBe(1);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'record-page.png'), fullPage: true });

      const card = page.locator(`article.conflict[data-conflict="${conflictId}"]`);
      await card.locator('tr[data-field=due_at] button.choose[data-side=exo]').click();
      await expect.poll(() => page.locator('#message').textContent()).toBe(`conflict #${conflictId} on activity ${seqno}: Exo's due date kept, sent to Numerik by Jo Bloggs`);
      await page.waitForLoadState('load');
      await expect.poll(() => card.locator('.resolution').textContent().catch(() => '')).toBe("closed: Exo's due date kept, sent to Numerik by Jo Bloggs");
      await page.screenshot({ path: path.join(ARTIFACTS, 'conflict-choice.png'), fullPage: true });

      expect(f.sandbox.store.posts.get(post.id)!.due_at).toBe('2026-12-10T20:00:00.000Z');
      expect(((await f.db.table('TASKS').where({ SEQNO: seqno }).first('END_DATETIME')) as { END_DATETIME: Date }).END_DATETIME).toEqual(wall('2026-12-11T09:00:00.000'));
      expect((await logEntries(f.db, 'note')).map((e) => e.REASON)).toContain(`conflict #${conflictId}: Exo's due date kept, sent to Numerik by Jo Bloggs`);
      // The status page no longer lists it to review.
      await page.goto(`${service.url}/status`);
      expect(await page.locator(`article.conflict[data-conflict="${conflictId}"]`).count()).toBe(0);
    } finally {
      await browser?.close();
      await service?.stop();
      await f?.close();
    }
  }, 90_000);
});
