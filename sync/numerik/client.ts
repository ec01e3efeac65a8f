import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { parseRetryAfter } from '../retry-policy.js';
import { NumerikError, PreconditionFailedError, isTransientStatus } from './errors.js';
import type {
  NumerikCustomer,
  NumerikTag,
  NumerikUser,
  Page,
  Post,
  PostInput,
  SentPatch,
  Tombstone,
  Webhook,
  WebhookEventType,
} from './types.js';
import { Waits, networkFailure, type Pause, type WaitOptions } from './waits.js';

/**
 * Every wire detail of the Numerik API lives in this file (paths, fields, headers, paging, errors),
 * so adapting to the real API touches it and the sandbox only. Transient failures (network, 5xx,
 * 408, 409, 429) are retried with full-jitter backoff, honouring Retry-After; every wait is bounded
 * (waits.ts).
 */
export interface NumerikClientOptions extends WaitOptions {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  /** Concurrent connections to Numerik. */
  connections?: number;
}

/** What the clients made by waitingAtMost share: the connections, and the pause Numerik asked for. */
interface Shared {
  agent: Agent;
  pause: Pause;
}

/** A post as Numerik has it now; a deleted one says when and by whom, where Numerik tells. */
export type PostLookup = { kind: 'post'; post: Post } | { kind: 'gone'; deletedAt?: string; deletedBy?: string | null } | { kind: 'missing' };

export const WEBHOOK_EVENTS: WebhookEventType[] = [
  'post.created',
  'post.updated',
  'post.deleted',
  'comment.created',
  'comment.updated',
  'comment.deleted',
];

interface Call {
  method: Dispatcher.HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answers that are results, not failures (404 of a lookup, 410 of a deleted post). */
  accept?: number[];
}

interface Answer {
  status: number;
  body: unknown;
}

export class NumerikClient {
  private readonly shared: Shared;
  private readonly base: URL;
  private readonly waits: Waits;

  constructor(
    private readonly options: NumerikClientOptions,
    shared?: Shared,
  ) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    const timeout = options.timeoutMs ?? 15_000;
    this.shared = shared ?? {
      agent: new Agent({ connections: options.connections ?? 32, headersTimeout: timeout, bodyTimeout: timeout, keepAliveTimeout: 10_000 }),
      pause: { until: 0, status: 429 },
    };
    this.waits = new Waits(options, this.shared.pause);
  }

  /** Closes the connections, of every client sharing them (waitingAtMost). */
  close(): Promise<void> {
    return this.shared.agent.close();
  }

  /**
   * This client, sharing its connections and pause, but waiting at most `maxWaitMs` at a time: a
   * worker holding claimed work hands it back rather than sleep on it.
   */
  waitingAtMost(maxWaitMs: number): NumerikClient {
    return new NumerikClient({ ...this.options, maxWaitMs }, this.shared);
  }

  /** When Numerik takes calls again, if it asked to wait (Retry-After); undefined when it takes them now. */
  pausedUntil(): Date | undefined {
    return this.waits.pausedUntil();
  }

  /** One call, no retries (`doctor`): Numerik reachable and the token accepted; and Numerik's clock. */
  async probe(): Promise<{ serverTime: Date | null }> {
    const url = new URL('users?limit=1', this.base);
    const response = await this.send('GET', url, undefined, {});
    const text = await response.body.text().catch((error: unknown) => {
      throw networkFailure('GET', url.pathname, error);
    });
    if (response.statusCode < 200 || response.statusCode >= 300) throw this.failure('GET', url.pathname, response.statusCode, text, undefined);
    const date = headerValue(response.headers.date);
    return { serverTime: date ? new Date(date) : null };
  }

  // ---- reference data ----

  listUsers(): Promise<NumerikUser[]> {
    return this.all<NumerikUser>('users');
  }

  listTags(): Promise<NumerikTag[]> {
    return this.all<NumerikTag>('tags');
  }

  listCustomers(updatedSince?: string): AsyncGenerator<NumerikCustomer> {
    return this.paged<NumerikCustomer>('customers', { updated_since: updatedSince });
  }

  // ---- posts ----

  /** Posts changed since `updatedSince`, oldest first, deleted ones as tombstones. */
  listPosts(updatedSince?: string): AsyncGenerator<Post | Tombstone> {
    return this.paged<Post | Tombstone>('posts', { updated_since: updatedSince, include_deleted: true });
  }

  async getPost(id: string): Promise<PostLookup> {
    const answer = await this.call({ method: 'GET', path: `posts/${encodeURIComponent(id)}`, accept: [404, 410] });
    if (answer.status === 404) return { kind: 'missing' };
    if (answer.status === 410) {
      const body = (answer.body ?? {}) as { deleted_at?: string; deleted_by?: string | null };
      return { kind: 'gone', deletedAt: body.deleted_at, deletedBy: body.deleted_by ?? null };
    }
    return { kind: 'post', post: answer.body as Post };
  }

  /**
   * The live posts whose external_ref is `externalRef` (the first 50: enough to tell one from
   * several). Every match is returned, never just the first: which of them, if any, the sync may
   * take is a rule of its own (sync/mapping/adoption-rule.ts).
   */
  async findPostsByExternalRef(externalRef: string): Promise<Post[]> {
    const answer = await this.call({ method: 'GET', path: 'posts', query: { external_ref: externalRef, limit: 50 } });
    return (answer.body as Page<Post>).data;
  }

  /**
   * Creates a post once, whatever happens to the answers: every attempt carries the same
   * Idempotency-Key. With `adopt`, a retry first lists the posts carrying the input's external_ref,
   * in case the create went through but its answer was lost (`lookupFirst`: the caller knows an
   * earlier try may have), and `adopt` says which of them is that create's post: one (taken), none
   * (the create is sent), or it throws to refuse (the error ends the call, untried again).
   * Without `adopt` nothing is taken by its reference: only the Idempotency-Key protects the create.
   */
  async createPost(input: PostInput, idempotencyKey: string, options: { lookupFirst?: boolean; adopt?: (found: Post[]) => Post | undefined } = {}): Promise<Post> {
    let attempt = options.lookupFirst ? 1 : 0;
    return this.waits.retrying(`POST posts (${input.external_ref ?? 'no external_ref'})`, async () => {
      attempt += 1;
      if (attempt > 1 && input.external_ref && options.adopt) {
        const existing = await this.once({ method: 'GET', path: 'posts', query: { external_ref: input.external_ref, limit: 50 } });
        const found = options.adopt((existing.body as Page<Post>).data);
        if (found) return found;
      }
      const answer = await this.once({ method: 'POST', path: 'posts', body: input, headers: { 'idempotency-key': idempotencyKey } });
      return answer.body as Post;
    });
  }

  /** A partial update; with `ifMatch`, a post that moved on meanwhile fails with PreconditionFailedError. */
  async updatePost(id: string, patch: SentPatch, ifMatch?: number): Promise<Post> {
    const answer = await this.call({
      method: 'PATCH',
      path: `posts/${encodeURIComponent(id)}`,
      body: patch,
      headers: ifMatch === undefined ? {} : { 'if-match': String(ifMatch) },
      accept: [412],
    });
    if (answer.status === 412) throw new PreconditionFailedError(id);
    return answer.body as Post;
  }

  async deletePost(id: string): Promise<void> {
    await this.call({ method: 'DELETE', path: `posts/${encodeURIComponent(id)}`, accept: [404, 410] });
  }

  /** An attachment's bytes as a stream, with what Numerik says about them. */
  async downloadAttachment(postId: string, attachmentId: string): Promise<{ stream: Readable; contentType?: string; contentLength?: number }> {
    const url = new URL(`posts/${encodeURIComponent(postId)}/attachments/${encodeURIComponent(attachmentId)}/content`, this.base);
    const what = `GET ${url.pathname}`;
    // Within the same bounded waits as every call: a 429 here is a pause, not this file's failure.
    return this.waits.retrying(what, async () => {
      await this.waits.afterPause(what);
      const response = await this.send('GET', url, undefined, {});
      if (response.statusCode !== 200) {
        const text = await response.body.text().catch(() => '');
        throw this.failure('GET', url.pathname, response.statusCode, text, response.headers['retry-after']);
      }
      const length = response.headers['content-length'];
      return {
        stream: response.body,
        contentType: headerValue(response.headers['content-type']),
        contentLength: length === undefined ? undefined : Number(headerValue(length)),
      };
    });
  }

  // ---- webhooks ----

  async registerWebhook(url: string, events: WebhookEventType[] = WEBHOOK_EVENTS): Promise<Webhook & { secret: string }> {
    const answer = await this.call({ method: 'POST', path: 'webhooks', body: { url, events } });
    return answer.body as Webhook & { secret: string };
  }

  listWebhooks(): Promise<Webhook[]> {
    return this.all<Webhook>('webhooks');
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.call({ method: 'DELETE', path: `webhooks/${encodeURIComponent(id)}`, accept: [404] });
  }

  // ---- transport ----

  private async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this.paged<T>(path, {})) items.push(item);
    return items;
  }

  private async *paged<T>(path: string, query: Call['query']): AsyncGenerator<T> {
    let cursor: string | undefined;
    do {
      const answer = await this.call({ method: 'GET', path, query: { ...query, limit: 200, cursor } });
      const page = answer.body as Page<T>;
      yield* page.data;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  private call(call: Call): Promise<Answer> {
    return this.waits.retrying(`${call.method} /${call.path}`, () => this.once(call));
  }

  /** One HTTP exchange, its failure classified. */
  private async once(call: Call): Promise<Answer> {
    const url = new URL(call.path, this.base);
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    await this.waits.afterPause(`${call.method} ${url.pathname}`);
    const response = await this.send(call.method, url, call.body, call.headers ?? {});
    const text = await response.body.text().catch((error: unknown) => {
      throw networkFailure(call.method, url.pathname, error);
    });
    const { statusCode } = response;
    if (statusCode >= 200 && statusCode < 300) return { status: statusCode, body: text ? (JSON.parse(text) as unknown) : undefined };
    if (call.accept?.includes(statusCode)) return { status: statusCode, body: parseOrUndefined(text) };
    throw this.failure(call.method, url.pathname, statusCode, text, response.headers['retry-after']);
  }

  private async send(method: Dispatcher.HttpMethod, url: URL, body: unknown, headers: Record<string, string>) {
    try {
      return await request(url, {
        method,
        dispatcher: this.shared.agent,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw networkFailure(method, url.pathname, error);
    }
  }

  private failure(method: string, path: string, status: number, text: string, retryAfter: string | string[] | undefined): NumerikError {
    let detail = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { error?: string; message?: string };
      detail = parsed.message ?? parsed.error ?? detail;
    } catch {
      // not JSON: keep the text
    }
    const what = status === 401 || status === 403 ? 'Numerik refused the API token' : `Numerik answered ${status}`;
    const transient = isTransientStatus(status);
    const retryAfterMs = parseRetryAfter(retryAfter);
    if (transient && retryAfterMs) this.waits.pauseFor(retryAfterMs, status);
    // The cause first (a dead letter's reason is read, and cut, from the left), then the request.
    return new NumerikError(`${what}${detail ? `: ${detail}` : ''} (${method} ${path})`, transient, status, retryAfterMs);
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
