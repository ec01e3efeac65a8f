import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { writeLog } from '../../db/plugin/log.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { silentLogger } from '../../logging/logger.js';
import { startService, type Service } from '../../service/service.js';
import { ARTIFACTS, haveChromium, launchChromium } from '../support/browser.js';
import { postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';

const TOKEN = 'browser-admin-token-words-0123456789';
const wall = (iso: string) => new Date(`${iso}Z`);
const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');
const WIDTHS = { desktop: { width: 1200, height: 900 }, phone: { width: 390, height: 844 } } as const;

/** The fields' names on the wire: a consultant reading a page never meets them. */
const WIRE_NAMES = ['body_text', 'assignee_id', 'customer_id', 'due_at', 'follow_up_date', 'completed_at', 'external_ref'];

/**
 * Fails where a page a consultant reads speaks the API's language: a wire field name, tags as JSON,
 * or a customer or user id without its name beside it ("Acme Ltd · cus_…"). What it read, for the
 * assertion's message.
 */
async function consultantWords(page: Page): Promise<string> {
  const text = await page.locator('body').innerText();
  for (const wire of WIRE_NAMES) expect(text, `"${wire}" on ${page.url()}`).not.toContain(wire);
  expect(text, `tags as JSON on ${page.url()}`).not.toMatch(/\["/);
  // The log's reasons carry ids the sync wrote; the page names those it knows (wordsIn), the rest is the log's own words.
  const ours = await page.evaluate<string>("(() => { const b = document.body.cloneNode(true); b.querySelectorAll('.reason').forEach((e) => e.remove()); document.documentElement.append(b); const t = b.innerText; b.remove(); return t; })()");
  for (const m of ours.matchAll(/\b(?:cus|usr)_[0-9a-z]+/g)) {
    const before = ours.slice(Math.max(0, m.index - 40), m.index);
    const after = ours.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const namedBefore = /[A-Za-z][^\n·]* · $/.test(before) && !before.endsWith('(name not known here) · ');
    const namedAfter = /^\s+\S*[A-Za-z@]/.test(after);
    expect(namedBefore || namedAfter, `${m[0]} without its name on ${page.url()}: …${before}${m[0]}${after}…`).toBe(true);
  }
  return text;
}

async function shoot(browser: Browser, url: string, name: string): Promise<void> {
  for (const [width, viewport] of Object.entries(WIDTHS)) {
    const context = await browser.newContext({ viewport });
    const [cookie] = await (await browser.contexts()[0]!.cookies()).filter((c) => c.name === 'exo_numerik_status');
    if (cookie) await context.addCookies([cookie]);
    const page = await context.newPage();
    await page.goto(url);
    await consultantWords(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    await context.close();
  }
}

// One engine is enough: the pages are the same on every one.
forEachTarget('the pages speak an Exo consultant’s words, under a CSP with no inline script, the token never held by page script', (engine, target) => {
  it.skipIf(target.name !== 'pglite' || !haveChromium())(
    'record page, conflict card, mappings, preview: names beside ids, site times, history in time order; after Retry or a choice the page says what happened',
    async () => {
      let f: SyncFixture | undefined;
      let service: Service | undefined;
      let browser: Browser | undefined;
      try {
        f = await syncFixture(engine);
        const seqno = await f.seed.task({ subject: 'Deliver the chairs', details: 'Deliver the chairs\n40 of them, blue', companyId: 'D101', assignedTo: f.staff.ann, type: f.types.call, end: wall('2026-12-10T09:00:00.000') });
        const done = await f.seed.task({ subject: 'Chairs delivered', details: 'Chairs delivered', companyId: 'D101', completed: true });
        await f.worker().drain();
        service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0, adminToken: TOKEN } });
        // Paused while both sides edit, so that the preview sees the conflict before the sync decides it.
        const set = (key: string, value: boolean) => fetch(`${service!.url}/admin/settings/${key}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ value }) }).then((r) => expect(r.status).toBe(200));
        await set('syncExoToNumerik', false);
        await set('syncNumerikToExo', false);
        // The workers read settings again at most every 2 s (optionsSource's ttl).
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        const post = postsByActivity(f.sandbox).get(seqno)![0]!;
        // Both sides move the due time before either syncs: Numerik's change is newer, so it wins.
        await f.db.table('TASKS').where({ SEQNO: seqno }).update({ END_DATETIME: wall('2026-12-11T09:00:00.000') });
        f.sandbox.store.updatePost(post.id, { due_at: '2026-12-14T20:00:00.000Z', body_text: 'Deliver the red chairs\n40 of them' });
        const dead = await f.seed.task({ subject: 'Dead letter', companyId: 'D101' });
        await writeLog(f.db, [{ direction: 'outbound', kind: 'dead', activitySeqno: dead, reason: 'Numerik refused the post (400)' }]);
        mkdirSync(SCREENSHOTS, { recursive: true });

        browser = await launchChromium();
        const context = await browser.newContext({ viewport: WIDTHS.desktop });
        const page = await context.newPage();
        page.on('dialog', (dialog) => void (dialog.type() === 'prompt' ? dialog.accept('Jo Bloggs') : dialog.accept()));
        const first = await page.goto(`${service.url}/status`);
        expect(first!.headers()['content-security-policy']).toMatch(/(^|;)script-src 'self'(;|$)/);
        // The CSP holds in the browser: a script put into the page does not run.
        expect(await page.evaluate("const s = document.createElement('script'); s.textContent = 'window.ranInline = true'; document.body.append(s); window.ranInline === true")).toBe(false);

        // The token goes into the form the browser posts itself: after it, page script can read it nowhere.
        expect(await page.locator('.database').textContent()).toContain('PGlite');
        await page.locator('input[name=token]').fill(TOKEN);
        await page.locator('button.show-all').click();
        await page.waitForURL(`${service.url}/status`);
        await expect.poll(() => page.locator('button.hide-all').count()).toBe(1);
        const visible = await page.evaluate<string>('JSON.stringify({ s: { ...sessionStorage }, l: { ...localStorage }, c: document.cookie, h: document.documentElement.outerHTML })');
        expect(visible).not.toContain(TOKEN);
        const [session] = (await context.cookies()).filter((c) => c.name === 'exo_numerik_status');
        expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

        // The preview: the Exo change whose conflict Numerik wins writes Exo, and each side shows its own text.
        await page.goto(`${service.url}/status/preview`);
        const row = page.locator('tr.preview-item', { has: page.locator(`a[href="/status/records/activity/${seqno}"]`) });
        await expect.poll(() => row.locator('td.direction').textContent()).toBe('Numerik → Exo');
        expect(await row.locator('td.exo .now').textContent()).toBe('Deliver the chairs …');
        expect(await row.locator('td.numerik .now').textContent()).toBe('Deliver the red chairs …');
        await consultantWords(page);
        await shoot(browser, `${service.url}/status/preview`, 'preview');

        await set('syncExoToNumerik', true);
        await set('syncNumerikToExo', true);
        const conflictRow = () => f!.db.table(OBJECTS.log).where({ KIND: 'conflict', ACTIVITY_SEQNO: seqno }).first('ID') as Promise<{ ID: number | string } | undefined>;
        await expect.poll(conflictRow, { timeout: 20_000 }).toBeDefined();
        const conflictId = Number((await conflictRow())!.ID);
        // A history line logged earlier than its id says (ids are not in time order across connections).
        await writeLog(f.db, [{ direction: 'system', kind: 'note', activitySeqno: seqno, reason: 'the earliest line' }]);
        await f.db.table(OBJECTS.log).where({ ACTIVITY_SEQNO: seqno, REASON: 'the earliest line' }).update({ LOGGED_AT: new Date('2026-01-01T00:00:00Z') });

        await page.goto(`${service.url}/status/records/activity/${seqno}`);
        const text = await consultantWords(page);
        expect(await page.locator('.subtitle').innerText()).toBe('Deliver the red chairs · account Acme Ltd · D101');
        expect(await page.locator('p.back a').getAttribute('href')).toBe('/status');
        expect(await page.locator('table.sides tr[data-field=assignee_id] td').first().innerText()).toBe('Assigned to');
        expect(await page.locator('table.sides tr[data-field=assignee_id] td').nth(1).innerText()).toBe(`Ann Smith · ${f.users.ann}`);
        expect(await page.locator('table.sides tr[data-field=customer_id] td').nth(2).innerText()).toBe(`Acme Ltd · ${f.customers.acme}`);
        expect(await page.locator('table.sides tr[data-field=tags] td').nth(1).innerText()).toBe('phone CALL');
        // The due time Numerik won (20:00 UTC) as the Auckland site reads it, its zone named; the page names the zone.
        expect(await page.locator('table.sides tr[data-field=due_at] td').nth(1).innerText()).toBe('15 Dec 2026 09:00 GMT+13');
        expect(text).toContain('times in Pacific/Auckland');
        expect(await page.locator('table.sides tr[data-field=follow_up_date]').count()).toBe(0);
        const times = await page.locator('ol.timeline li time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!));
        expect(times).toEqual([...times].sort().reverse());
        expect(await page.locator('ol.timeline li').last().textContent()).toContain('the earliest line');
        await shoot(browser, page.url(), 'record-page');

        // A choice: the page says what it did after it reloads, rather than the card just changing.
        const card = page.locator(`article.conflict[data-conflict="${conflictId}"]`);
        await card.locator('tr[data-field=due_at] button.choose[data-side=exo]').click();
        await expect.poll(() => page.locator('#message').textContent()).toMatch(/\S/);
        const said = (await page.locator('#message').textContent())!;
        await page.waitForLoadState('load');
        await expect.poll(() => page.locator('#message.done').textContent(), { timeout: 10_000 }).toBe(said);
        // The page reloads a moment after the choice (so that its message can be read first).
        await expect.poll(() => card.locator('button.choose[data-field=due_at]').count(), { timeout: 10_000 }).toBe(0);
        await consultantWords(page);
        await shoot(browser, page.url(), 'conflict-card');

        // A completed activity is a note: its completion is the mapping, not a difference.
        await page.goto(`${service.url}/status/records/activity/${done}`);
        await consultantWords(page);
        expect(await page.locator('table.sides tr.differs').count()).toBe(0);
        expect(await page.locator('table.sides tr[data-field=assignee_id]').count()).toBe(0);

        // Retry on the status page: the page still says what happened once it has reloaded.
        await page.goto(`${service.url}/status`);
        await page.locator(`tr.dead button.retry`).click();
        await page.waitForLoadState('load');
        await expect.poll(() => page.locator('tr.dead').count(), { timeout: 10_000 }).toBe(0);
        expect(await page.locator('#message').textContent()).toBe(`Queued again: 1 dead letter (activity ${dead}).`);
        await consultantWords(page);
        await shoot(browser, `${service.url}/status`, 'status-mappings');
      } finally {
        await browser?.close();
        await service?.stop();
        await f?.close();
      }
    },
    120_000,
  );
});
