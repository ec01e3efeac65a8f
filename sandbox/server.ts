import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sandboxApp } from './app.js';
import { Faults } from './faults.js';
import { SandboxStore, type SandboxSnapshot } from './store.js';
import { WebhookSender } from './webhooks.js';
import { SANDBOX_TOKEN } from './token.js';

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** The bearer token the API accepts. */
  token?: string;
  /** Numerik's state to start from (the demo's, saved at its last stop). */
  snapshot?: SandboxSnapshot;
}

export interface Sandbox {
  url: string;
  token: string;
  store: SandboxStore;
  faults: Faults;
  webhooks: WebhookSender;
  calls: Map<string, number>;
  close(): Promise<void>;
}

/** A real Numerik stand-in on loopback: tests and the demo talk to it over HTTP. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const store = new SandboxStore(options.snapshot);
  const faults = new Faults();
  const webhooks = new WebhookSender(store, faults);
  const calls = new Map<string, number>();
  const token = options.token ?? SANDBOX_TOKEN;
  const server: Server = createServer(sandboxApp({ store, faults, webhooks, token, calls }));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  store.webBase = url;
  return {
    url,
    token,
    store,
    faults,
    webhooks,
    calls,
    async close() {
      await webhooks.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
