import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logging/logger.js';
import { NumerikError } from '../sync/numerik/errors.js';
import { MAX_WAIT_MS } from '../sync/numerik/waits.js';
import { QUEUE_BACKOFF, backoffDelay } from '../sync/retry-policy.js';

/**
 * Runs a start-up step until Numerik lets it: an answer saying "later" (429, 5xx: a rate limit
 * storm, an outage) is waited out, said, and the step tried again, each wait at most MAX_WAIT_MS.
 * Anything else fails at once: no answer at all (a wrong URL) or a refusal (a wrong token) is a
 * setting to fix, not a thing to wait for.
 */
export async function untilNumerikAnswers<T>(step: () => Promise<T>, logger: Logger): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof NumerikError) || !error.transient || error.status === undefined) throw error;
      const waitMs = Math.min(MAX_WAIT_MS, error.retryAfterMs || backoffDelay(attempt, QUEUE_BACKOFF));
      logger.warn(`not started yet, Numerik answered ${error.status}: trying again in ${Math.ceil(waitMs / 1000)} s`, { error: error.message });
      await sleep(waitMs);
    }
  }
}
