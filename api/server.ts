import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';

export class ListenError extends Error {
  override name = 'ListenError';
}

export interface Listening {
  url: string;
  /** Stops taking connections, lets requests in flight finish within `graceMs` (idle keep-alive ones are closed). */
  close(graceMs?: number): Promise<void>;
}

export async function listen(app: Express, host: string, port: number): Promise<Listening> {
  let closing = false;
  const answering = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    // Once closing, every answer says so: the client opens no further request on the connection.
    if (closing) res.setHeader('Connection', 'close');
    answering.add(res);
    res.on('close', () => answering.delete(res));
    void app(req, res);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new ListenError(`port ${port} on ${host} is in use: stop what uses it, or set EXO_API_PORT`));
      else if (error.code === 'EACCES') reject(new ListenError(`not allowed to listen on ${host}:${port}: pick a port above 1024 (EXO_API_PORT)`));
      else reject(new ListenError(`cannot listen on ${host}:${port}: ${error.message}`));
    });
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: (graceMs = 5_000) =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const res of answering) if (!res.headersSent) res.setHeader('Connection', 'close');
        // Stop taking connections. http.Server's close would also destroy at once every keep-alive
        // connection between requests, one whose next request was sent but not yet read among
        // them, and that client would get a reset instead of its answer: not yet, then.
        const closeIdle = server.closeIdleConnections;
        server.closeIdleConnections = () => undefined;
        try {
          server.close(() => resolve());
        } finally {
          server.closeIdleConnections = closeIdle;
        }
        // What has already arrived is read first (a turn of the event loop, its I/O polled); a
        // connection that then has no request in progress is closed, the others after their answer.
        setImmediate(() => setImmediate(() => server.closeIdleConnections()));
        // Requests in flight get their time to finish; then their sockets go too.
        setTimeout(() => sockets.forEach((s) => s.destroy()), graceMs).unref();
      }),
  };
}
