import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';

export class ListenError extends Error {
  override name = 'ListenError';
}

export interface Listening {
  url: string;
  /** Stops taking connections, lets requests in flight finish (idle keep-alive ones are closed). */
  close(): Promise<void>;
}

export async function listen(app: Express, host: string, port: number): Promise<Listening> {
  const server: Server = createServer(app);
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests in flight get a moment to finish; then their sockets go too.
        setTimeout(() => sockets.forEach((s) => s.destroy()), 5_000).unref();
      }),
  };
}
