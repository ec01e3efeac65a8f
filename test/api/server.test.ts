import { connect, type Socket } from 'node:net';
import express from 'express';
import { expect, it } from 'vitest';
import { listen } from '../../api/server.js';

/** A raw keep-alive connection: what was answered so far, and whether the server closed it. */
async function rawClient(url: string) {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  const client = { socket, received: '', error: undefined as string | undefined, closed: new Promise((resolve) => socket.once('close', resolve)) };
  socket.on('data', (chunk: Buffer) => (client.received += chunk.toString()));
  socket.on('error', (error: NodeJS.ErrnoException) => (client.error = error.code));
  return client;
}
const get = 'GET /slow HTTP/1.1\r\nHost: test\r\n\r\n';
const answers = (text: string) => text.match(/^HTTP\/1\.1 \d+/gm) ?? [];

it('closing answers a request already sent on a kept-alive connection, then closes it; an idle one is closed at once', async () => {
  const app = express();
  app.get('/slow', (_req, res) => void setTimeout(() => res.send('ok'), 50));
  const api = await listen(app, '127.0.0.1', 0);
  const busy = await rawClient(api.url);
  const idle = await rawClient(api.url);
  for (const c of [busy, idle]) c.socket.write(get);
  await expect.poll(() => answers(busy.received).length + answers(idle.received).length).toBe(2);
  // The next request is on its way, not yet read by the server, when it starts closing.
  busy.received = '';
  busy.socket.write(get);
  const closed = api.close();
  await Promise.all([busy.closed, idle.closed, closed]);
  expect(busy.error).toBeUndefined();
  expect(answers(busy.received)).toEqual(['HTTP/1.1 200']);
  expect(busy.received).toMatch(/^connection: close\r$/im);
  expect(idle.error).toBeUndefined();
});
