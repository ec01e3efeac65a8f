import { once } from 'node:events';
import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connect.js';
import type { Logger } from '../logging/logger.js';
import type { Operations } from '../service/operations.js';
import { failureOf } from '../sync/error-cause.js';
import { MappingError } from '../sync/mappings.js';
import { ActionRefusedError } from '../sync/record/actions.js';
import { CONTENT_FIELDS, MAPPING_KINDS, RECORD_ACTIONS, recordKeyOf, type MappingKind } from '../sync/record/names.js';
import { UnknownRecordError } from '../sync/record/record-view.js';
import { inputOf, mappingsQuery, previewQuery, searchQuery } from './query-input.js';

const by = z.string().trim().min(1, 'say who you are ("by")').max(100);
const actionBody = z.object({ action: z.enum(RECORD_ACTIONS as [string, ...string[]]), by }).strict();
const choiceBody = z.object({ field: z.enum(['all', ...CONTENT_FIELDS] as [string, ...string[]]), side: z.enum(['exo', 'numerik']), by }).strict();
const mappingBody = z
  .object({ kind: z.enum(MAPPING_KINDS as [string, ...string[]]), exo: z.string().trim().min(1).max(200), numerik: z.string().trim().min(1).max(200).optional(), by })
  .strict();

/**
 * The answer to a failed operator request: 404 for what names nothing, 409 for what the record's
 * state refuses, 400 for a bad mapping, 503 (try again) only when Numerik or the database is away.
 */
export function answerFailure(res: Response, error: unknown, db: Db, logger: Logger): void {
  if (error instanceof UnknownRecordError) return void res.status(404).json({ error: 'not_found', reason: error.message });
  if (error instanceof ActionRefusedError) return void res.status(409).json({ error: 'refused', reason: error.message });
  if (error instanceof MappingError) return void res.status(400).json({ error: 'bad_mapping', reason: error.message });
  const failure = failureOf(error, db.dialect);
  if (failure.kind === 'dead') return void res.status(502).json({ error: 'refused_upstream', reason: failure.error });
  logger.warn('operator request: a service was unavailable', { error: failure.error });
  res.status(503).json({ error: 'unavailable', reason: `${failure.error}; nothing was changed, try again` });
}

const badKey = (res: Response) => void res.status(400).json({ error: 'bad_request', reason: 'a record is /activity/<key> (digits) or /post/<id>' });

/** The admin API of single records, conflicts and mappings (all behind the admin token). */
export function recordsRouter(deps: { db: Db; logger: Logger; operations: Operations }): Router {
  const router = express.Router();
  const { operations: ops } = deps;
  const guarded = (work: (req: express.Request, res: Response) => Promise<void>) => async (req: express.Request, res: Response) => {
    try {
      await work(req, res);
    } catch (error) {
      answerFailure(res, error, deps.db, deps.logger);
    }
  };
  const parsed = <T>(schema: z.ZodType<T>, input: unknown, res: Response): T | undefined => {
    const checked = inputOf(schema, input);
    if ('data' in checked) return checked.data;
    res.status(400).json({ error: 'bad_request', reason: checked.reason });
    return undefined;
  };

  router.get(
    '/records',
    guarded(async (req, res) => {
      const query = parsed(searchQuery, req.query, res);
      if (query) res.json({ matches: await ops.search(query.q) });
    }),
  );
  router.get(
    '/records/:kind/:key',
    guarded(async (req, res) => {
      const key = recordKeyOf(String(req.params.kind), String(req.params.key));
      if (!key) return badKey(res);
      res.json(await ops.record(key));
    }),
  );
  router.post(
    '/records/:kind/:key/actions',
    express.json(),
    guarded(async (req, res) => {
      const key = recordKeyOf(String(req.params.kind), String(req.params.key));
      if (!key) return badKey(res);
      const body = parsed(actionBody, req.body, res);
      if (!body) return;
      const result = await ops.act(key, body.action as (typeof RECORD_ACTIONS)[number], body.by);
      deps.logger.info('record action', { key, action: body.action, by: body.by });
      res.json(result);
    }),
  );
  router.post(
    '/conflicts/:id/choice',
    express.json(),
    guarded(async (req, res) => {
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || id <= 0) return void res.status(400).json({ error: 'bad_request', reason: 'a conflict is named by its # number' });
      const body = parsed(choiceBody, req.body, res);
      if (!body) return;
      const result = await ops.choose(id, body.field as (typeof CONTENT_FIELDS)[number] | 'all', body.side as 'exo' | 'numerik', body.by);
      deps.logger.info('conflict choice', { conflict: id, field: body.field, side: body.side, by: body.by });
      res.json(result);
    }),
  );
  router.get(
    '/mappings',
    guarded(async (req, res) => {
      const query = parsed(mappingsQuery, req.query, res);
      if (query) res.json(await ops.mappings(query.kind as MappingKind | undefined));
    }),
  );
  router.get(
    '/mappings/unmapped',
    guarded(async (req, res) => {
      const query = parsed(mappingsQuery, req.query, res);
      if (query) res.json(await ops.unmapped(query.kind as MappingKind | undefined));
    }),
  );
  router.post(
    '/mappings',
    express.json(),
    guarded(async (req, res) => {
      const body = parsed(mappingBody, req.body, res);
      if (!body) return;
      const result = await ops.changeMapping({ ...body, kind: body.kind as MappingKind });
      deps.logger.info('mapping changed', { kind: body.kind, exo: body.exo, cleared: body.numerik === undefined, by: body.by });
      res.json(result);
    }),
  );
  router.get(
    '/preview',
    guarded(async (req, res) => {
      const o = parsed(previewQuery, req.query, res);
      if (!o) return;
      // NDJSON, an item a line as it is decided, the summary last: flat memory on both ends.
      res.type('application/x-ndjson').setHeader('Cache-Control', 'no-store');
      const summary = await ops.preview(o, async (item) => {
        if (!res.write(`${JSON.stringify({ item })}\n`)) await once(res, 'drain');
      });
      res.end(`${JSON.stringify({ summary })}\n`);
    }),
  );
  return router;
}
