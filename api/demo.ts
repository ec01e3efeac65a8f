import express, { type Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connect.js';
import { editDemoActivity } from '../db/exo/fixture/demo.js';
import type { SandboxStore } from '../sandbox/store.js';
import { instantToWallClock } from '../sync/mapping/time.js';
import { adminAccess } from './access.js';
import type { DemoView } from './status-page.js';

const textEdit = z.object({ text: z.string().min(1).max(10_000) });

/**
 * The demo's "be a user" routes (admin token): edit an activity as an Exo user would, or a post as a
 * Numerik user would; the sync does the rest. Only `npm start` without configuration has them.
 */
export function demoRouter(deps: { db: Db; store: SandboxStore; adminToken: string; timeZone: string; view(): Promise<DemoView> }): Router {
  const router = express.Router();
  router.use('/demo', adminAccess(deps.adminToken), express.json());
  router.get('/demo', async (_req, res) => void res.json(await deps.view()));
  router.post('/demo/activities/:seqno', async (req, res) => {
    const edit = textEdit.safeParse(req.body);
    const seqno = Number(req.params.seqno);
    if (!edit.success || !Number.isInteger(seqno)) return void res.status(400).json({ error: 'bad_request', reason: edit.success ? 'the activity key is a number' : 'give the activity its new details: {"text": …}' });
    const found = await editDemoActivity(deps.db, seqno, edit.data.text, instantToWallClock(new Date(), deps.timeZone));
    if (!found) return void res.status(404).json({ error: 'not_found', reason: `there is no activity ${seqno}` });
    res.json({ message: `activity ${seqno} saved in Exo; its post follows in a moment` });
  });
  router.post('/demo/posts/:id', (req, res) => {
    const edit = textEdit.safeParse(req.body);
    if (!edit.success) return void res.status(400).json({ error: 'bad_request', reason: 'give the post text' });
    const id = String(req.params.id);
    if (!deps.store.posts.has(id)) return void res.status(404).json({ error: 'not_found', reason: `there is no post ${id}` });
    // As the post's author would edit it in Numerik (its activity then names them as the editor).
    deps.store.updatePost(id, { body_text: edit.data.text }, undefined, deps.store.posts.get(id)!.author_id);
    res.json({ message: `post ${id} saved in Numerik; its activity follows in a moment` });
  });
  return router;
}
