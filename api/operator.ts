import express, { type Router } from 'express';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { Db } from '../db/connect.js';
import type { Logger } from '../logging/logger.js';
import type { Operations } from '../service/operations.js';
import { SettingError } from '../sync/settings.js';
import { adminAccess, isAdminToken, mayReadText, readAccess, sessionCookie } from './access.js';
import { pageAssets } from './page-assets.js';
import type { PageFrame } from './page-shell.js';
import { describeTarget } from '../db/target.js';
import { recordsRouter } from './records.js';
import { inputOf, searchQuery } from './query-input.js';
import { recordKeyOf } from '../sync/record/names.js';
import { renderRecordNotice, renderRecordPage } from './record-page.js';
import { PAGE_PREVIEW_LIMIT, renderPreviewPage } from './preview-page.js';
import type { PreviewItem } from '../sync/preview/item.js';
import { UnknownRecordError } from '../sync/record/record-view.js';
import { causeOf } from '../sync/error-cause.js';
import { renderStatusPage, type DemoView } from './status-page.js';
import { statusWithoutText } from './status-without-text.js';

export interface OperatorDeps {
  db: Db;
  logger: Logger;
  operations: Operations;
  adminToken?: string;
  metrics?: Registry;
  /** In the demo only: what the status page's demo panel shows. */
  demoView?(): Promise<DemoView>;
}

const retryBody = z.union([z.object({ all: z.literal(true) }).strict(), z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000) }).strict()]);

/** Health, metrics, the status (JSON and page), and the admin actions (retry, settings). */
export function operatorRouter(deps: OperatorDeps): Router {
  const router = express.Router();
  const read = readAccess(deps.adminToken);
  const admin = adminAccess(deps.adminToken);
  const site = describeTarget(deps.db.target);
  const frame = (path: string): PageFrame => ({ site, path });
  router.use(pageAssets());

  router.get('/healthz', async (_req, res) => {
    try {
      await deps.db.knex.raw('SELECT 1');
      res.json({ status: 'ok', database: 'ok' });
    } catch (error) {
      deps.logger.warn('health check: the database is unreachable', { error: (error as Error).message });
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });

  router.get('/', (_req, res) => res.redirect(302, '/status'));
  router.get('/status', read, async (req, res) => {
    const full = mayReadText(req, deps.adminToken);
    const status = full ? await deps.operations.status() : statusWithoutText(await deps.operations.status());
    res.setHeader('Cache-Control', 'no-store');
    const wantsPage = req.query.format !== 'json' && req.accepts(['json', 'html']) === 'html';
    if (!wantsPage) return void res.json(status);
    res.type('html').send(renderStatusPage(status, full ? await deps.demoView?.() : undefined, full ? await deps.operations.mappings() : undefined, frame(req.originalUrl), full ? await deps.operations.unmapped(undefined, false) : undefined));
  });

  // A record's page shows activity and post text: like the rest of the text, only with the token.
  const page = (res: express.Response, status: number, html: string) => void res.status(status).setHeader('Cache-Control', 'no-store').type('html').send(html);
  router.get('/status/records', read, async (req, res) => {
    if (!mayReadText(req, deps.adminToken)) return page(res, 200, renderRecordNotice('find a record', true, '', [], frame(req.originalUrl)));
    const query = inputOf(searchQuery, req.query);
    if ('reason' in query) return page(res, 400, renderRecordNotice('find a record', false, query.reason, [], frame(req.originalUrl)));
    const { q } = query.data;
    if (!q.trim()) return page(res, 200, renderRecordNotice('find a record', false, 'Give an activity key, a post id, or words of a subject.', [], frame(req.originalUrl)));
    let found: Awaited<ReturnType<Operations['search']>>;
    try {
      found = await deps.operations.search(q);
    } catch (error) {
      deps.logger.warn('record search: a service was unavailable', { error: causeOf(error) });
      return page(res, 503, renderRecordNotice('find a record', false, `${causeOf(error)}; try again`, [], frame(req.originalUrl)));
    }
    const matches = found.map((m) => ({ href: `/status/records/${'activity' in m.key ? `activity/${m.key.activity}` : `post/${encodeURIComponent(m.key.post)}`}`, label: m.label }));
    if (matches.length === 1) return void res.redirect(303, matches[0]!.href);
    page(res, matches.length ? 200 : 404, renderRecordNotice('find a record', false, matches.length ? `${matches.length} records match "${q}":` : `Nothing matches "${q}".`, matches, frame(req.originalUrl)));
  });
  router.get('/status/preview', read, async (req, res) => {
    if (!mayReadText(req, deps.adminToken)) return page(res, 200, renderRecordNotice('preview', true, '', [], frame(req.originalUrl)));
    try {
      const items: PreviewItem[] = [];
      const summary = await deps.operations.preview({ limit: PAGE_PREVIEW_LIMIT }, (item) => void items.push(item));
      page(res, 200, renderPreviewPage(items, summary, frame(req.originalUrl)));
    } catch (error) {
      page(res, 503, renderRecordNotice('preview', false, `${causeOf(error)}; try again`, [], frame(req.originalUrl)));
    }
  });
  router.get('/status/records/:kind/:key', read, async (req, res) => {
    const key = recordKeyOf(String(req.params.kind), String(req.params.key));
    if (!key) return page(res, 400, renderRecordNotice('record', false, 'A record is /status/records/activity/<key> (digits) or /status/records/post/<id>.', [], frame(req.originalUrl)));
    if (!mayReadText(req, deps.adminToken)) return page(res, 200, renderRecordNotice('record', true, '', [], frame(req.originalUrl)));
    try {
      const view = await deps.operations.record(key);
      page(res, 200, renderRecordPage(view, key, frame(req.originalUrl)));
    } catch (error) {
      if (error instanceof UnknownRecordError) return page(res, 404, renderRecordNotice('record', false, error.message, [], frame(req.originalUrl)));
      deps.logger.warn('record page: a service was unavailable', { error: causeOf(error) });
      page(res, 503, renderRecordNotice('record', false, `${causeOf(error)}; try again`, [], frame(req.originalUrl)));
    }
  });
  // The page shows everything once the admin token was given: a session cookie, so that the token
  // itself never sits in a URL or the page.
  // A script gives it as a bearer token (204); the pages' form posts it itself and comes back to
  // the page it was typed on (303), so that no page script ever holds it.
  router.post('/status/session', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    const form = (req.body ?? {}) as { token?: unknown; back?: unknown };
    if (typeof form.token !== 'string') return admin(req, res, () => void res.setHeader('Set-Cookie', sessionCookie(req, deps.adminToken!)).status(204).end());
    const back = typeof form.back === 'string' && /^\/status(?:[/?][^\\]*)?$/.test(form.back) ? form.back : '/status';
    if (!isAdminToken(form.token, deps.adminToken)) return page(res, 401, renderRecordNotice('admin token', false, 'The admin token was not accepted: it is api.adminToken (EXO_API_ADMIN_TOKEN) of this service.', [{ href: back, label: 'Back' }], frame(back)));
    res.setHeader('Set-Cookie', sessionCookie(req, deps.adminToken!)).redirect(303, back);
  });
  router.delete('/status/session', (req, res) => void res.setHeader('Set-Cookie', sessionCookie(req, deps.adminToken ?? '', true)).status(204).end());

  if (deps.metrics) {
    const registry = deps.metrics;
    router.get('/metrics', read, async (_req, res) => {
      res.setHeader('Content-Type', registry.contentType);
      res.send(await registry.metrics());
    });
  }

  router.post('/admin/retry', admin, express.json(), async (req, res) => {
    const parsed = retryBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'bad_request', reason: 'send {"all": true} or {"ids": [dead-letter ids]}' });
    const retried = await deps.operations.retry(parsed.data);
    deps.logger.info('dead letters retried', { count: retried.length, ids: retried.slice(0, 50) });
    res.json({ retried });
  });

  router.use('/admin', admin, recordsRouter(deps));

  router.get('/admin/settings', admin, async (_req, res) => void res.json(await deps.operations.settings()));
  router.put('/admin/settings/:key', admin, express.json(), async (req, res) => {
    const body = req.body as { value?: unknown } | undefined;
    if (!body || !('value' in body)) return void res.status(400).json({ error: 'bad_request', reason: 'send {"value": …}' });
    try {
      const view = await deps.operations.setSetting(String(req.params.key), body.value, 'api');
      deps.logger.info('setting changed', { key: view.key });
      res.json(view);
    } catch (error) {
      if (error instanceof SettingError) return void res.status(400).json({ error: 'bad_setting', reason: error.message });
      throw error;
    }
  });
  return router;
}
