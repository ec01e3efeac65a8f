import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger, type Logger } from '../../logging/logger.js';
import { HTTP_BACKOFF, backoffDelay, type Backoff } from '../retry-policy.js';
import { NumerikError, NumerikWaitError } from './errors.js';

/**
 * A Retry-After is honoured up to a minute a wait: long enough for a rate limit's window, short
 * enough that a command or a worker never seems hung. A call takes at most two minutes in all.
 */
export const MAX_WAIT_MS = 60_000;
export const MAX_RETRY_TIME_MS = 120_000;
/** A Retry-After beyond an hour is taken as an hour: a wrong header must not stop the sync for days. */
const MAX_PAUSE_MS = 3_600_000;

export interface WaitOptions {
  /** Attempts after the first; every failure uses one up, a 429 too. */
  retries?: number;
  /** The longest one call may take, its waits included: a wait that would end later is not taken. */
  maxRetryTimeMs?: number;
  /** The longest single wait this client takes for a Retry-After; a longer one fails at once (NumerikWaitError). */
  maxWaitMs?: number;
  backoff?: Backoff;
  logger?: Logger;
  /** Told, once per pause, when Numerik asks to wait ("Numerik asks to wait 30 s (429)"); by default logged. */
  onWait?: (text: string) => void;
}

/** When Numerik takes calls again, and the status that asked to wait: one for all the clients sharing connections. */
export interface Pause {
  until: number;
  status: number;
}

/**
 * How one client waits: transient failures are tried again with full-jitter backoff, a Retry-After
 * is honoured as a pause every call sharing it keeps, and every wait is decided (and bounded)
 * before it is slept.
 */
export class Waits {
  private readonly logger: Logger;

  constructor(
    private readonly options: WaitOptions,
    private readonly pause: Pause,
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  pausedUntil(): Date | undefined {
    return this.pause.until > Date.now() ? new Date(this.pause.until) : undefined;
  }

  /** Runs `attempt` until it succeeds, fails for good, or its tries or time are used up. */
  async retrying<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    const backoff = this.options.backoff ?? HTTP_BACKOFF;
    const tries = 1 + (this.options.retries ?? 4);
    const budget = this.options.maxRetryTimeMs ?? MAX_RETRY_TIME_MS;
    const started = Date.now();
    for (let tried = 1; ; tried += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof NumerikError) || !error.transient || error instanceof NumerikWaitError) throw error;
        // A long pause is said as such, last try or not: the caller waits it out or hands its work back.
        this.checkPause(what);
        if (tried >= tries) throw error;
        // A Retry-After is waited out as the pause, by every call alike; without one (or with 0), the backoff.
        const wait = Math.max(this.pause.until - Date.now(), error.retryAfterMs ? 0 : backoffDelay(tried, backoff));
        if (Date.now() - started + wait > budget) throw error;
        this.logger.debug('numerik: retrying', { call: what, attempt: tried, waitMs: wait, error: error.message });
        await sleep(wait);
      }
    }
  }

  /** Fails at once when Numerik asked for a longer wait than this client takes. */
  private checkPause(what: string): void {
    const { until, status } = this.pause;
    const limit = this.options.maxWaitMs ?? MAX_WAIT_MS;
    if (until - Date.now() > limit) throw new NumerikWaitError(new Date(until), limit, status, what);
  }

  /** Waits out the pause Numerik asked for, if this client takes waits that long. */
  async afterPause(what: string): Promise<void> {
    this.checkPause(what);
    const left = this.pause.until - Date.now();
    if (left > 0) await sleep(left);
  }

  /** Numerik asked to wait: no call goes out before then, from any client sharing this pause. */
  pauseFor(ms: number, status: number): void {
    const until = Date.now() + Math.min(ms, MAX_PAUSE_MS);
    const { pause } = this;
    if (until <= pause.until) return;
    // Said once per pause, not once per concurrent call that met it.
    const news = until - Math.max(pause.until, Date.now()) >= 1000;
    Object.assign(pause, { until, status });
    if (!news) return;
    const text = `Numerik asks to wait ${Math.ceil(ms / 1000)} s (${status})`;
    if (this.options.onWait) this.options.onWait(text);
    else this.logger.warn(text);
  }
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** A request that got no answer: worth trying again unless its error code says it never can. */
export function networkFailure(method: string, path: string, error: unknown): NumerikError {
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  return new NumerikError(`Numerik not reachable (${code || message}) (${method} ${path})`, NETWORK_CODES.has(code) || !code, undefined);
}
