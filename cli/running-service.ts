import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { DEFAULT_PGLITE_DIR } from '../db/pglite-dir.js';
import type { DbTarget } from '../db/target.js';

/** Written by `start` in the demo: where its service listens, for the other commands to reach it. */
export const SERVICE_FILE = 'service.json';

export interface RunningService {
  pid: number;
  url: string;
  adminToken: string;
  sandboxUrl: string;
}

/** The folder of the demo's files, beside its embedded database. */
export function demoDirFor(target: DbTarget): string | undefined {
  if (target.client !== 'pglite') return undefined;
  return path.dirname(path.resolve(target.dataDir ?? DEFAULT_PGLITE_DIR));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The running service that owns the embedded database, if there is one: PGlite is one process's, so
 * other commands go through that service's API instead of opening the database.
 */
export function runningService(target: DbTarget): RunningService | undefined {
  const dir = demoDirFor(target);
  const file = dir && path.join(dir, SERVICE_FILE);
  if (!file || !existsSync(file)) return undefined;
  const running = JSON.parse(readFileSync(file, 'utf8')) as RunningService;
  return alive(running.pid) ? running : undefined;
}

/** The running service's answer was not a success: its reason, as it gave it. */
export class ServiceAnswerError extends Error {
  override name = 'ServiceAnswerError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * A request to the running service's admin API. Plain node:http, one connection closed after it:
 * fetch would load undici's internals and keep the command alive on an idle keep-alive socket, which
 * an operator waits out on every `status`.
 */
export function requestService(running: Pick<RunningService, 'url' | 'adminToken'>, method: string, route: string, body?: unknown): Promise<IncomingMessage> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${running.url}${route}`, {
      method,
      agent: false,
      headers: { authorization: `Bearer ${running.adminToken}`, accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }) },
    });
    req.on('response', resolve);
    req.on('error', (error) => reject(new ServiceAnswerError(`the running service at ${running.url} does not answer (${error.message})`)));
    req.end(payload);
  });
}

/** An answer's JSON body; an empty object when it has none (a proxy's HTML error page, say). */
export async function answerBody(answer: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of answer) text += String(chunk);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** One call to the running service's API with its admin token; a failure carries the service's reason. */
export async function callService<T>(running: Pick<RunningService, 'url' | 'adminToken'>, method: string, route: string, body?: unknown): Promise<T> {
  const answer = await requestService(running, method, route, body);
  const result = (await answerBody(answer)) as T & { reason?: string; error?: string };
  if ((answer.statusCode ?? 500) >= 400) throw new ServiceAnswerError(result.reason ?? `${route} answered ${answer.statusCode}`, result.error);
  return result;
}
