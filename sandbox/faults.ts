import { z } from 'zod';

/** Faults the sandbox injects on demand, as a real Numerik (or the network to it) might misbehave. */
export const faultSchema = z
  .object({
    /** Added to every API answer. */
    latencyMs: z.number().min(0).max(60_000).optional(),
    /** Answer 429 with Retry-After to every API call for this long. */
    rateLimitForMs: z.number().min(0).optional(),
    retryAfterSeconds: z.number().min(0).max(86_400).optional(),
    /** Answer 5xx for this long, or to the next this many calls. */
    serverErrorsForMs: z.number().min(0).optional(),
    serverErrorCount: z.number().int().min(0).optional(),
    serverErrorStatus: z.number().int().min(500).max(599).optional(),
    /** Commit the next this many creates, then drop the connection before answering. */
    dropCreateResponses: z.number().int().min(0).optional(),
    /** Send the first half of the next this many attachment downloads, then drop the connection. */
    dropDownloads: z.number().int().min(0).optional(),
    /** Send the first half of every attachment download, then nothing more (a worker killed meanwhile). */
    stallDownloads: z.boolean().optional(),
    /** Shift the clock Numerik's answers show (Date header), as a server with a wrong clock would. */
    clockSkewMs: z.number().optional(),
    /** Deliver every webhook twice. */
    duplicateWebhooks: z.boolean().optional(),
    /** Hold webhooks briefly and deliver each batch in reverse order. */
    reorderWebhooks: z.boolean().optional(),
    /** Stop delivering webhooks (they wait, as Numerik retries for 24 h). */
    pauseWebhooks: z.boolean().optional(),
  })
  .strict();

export type FaultSettings = z.infer<typeof faultSchema>;

export class Faults {
  latencyMs = 0;
  rateLimitedUntil = 0;
  retryAfterSeconds = 1;
  serverErrorsUntil = 0;
  serverErrorCount = 0;
  serverErrorStatus = 503;
  dropCreateResponses = 0;
  dropDownloads = 0;
  stallDownloads = false;
  clockSkewMs = 0;
  duplicateWebhooks = false;
  reorderWebhooks = false;
  pauseWebhooks = false;

  set(settings: FaultSettings): void {
    const now = Date.now();
    if (settings.latencyMs !== undefined) this.latencyMs = settings.latencyMs;
    if (settings.rateLimitForMs !== undefined) this.rateLimitedUntil = now + settings.rateLimitForMs;
    if (settings.retryAfterSeconds !== undefined) this.retryAfterSeconds = settings.retryAfterSeconds;
    if (settings.serverErrorsForMs !== undefined) this.serverErrorsUntil = now + settings.serverErrorsForMs;
    if (settings.serverErrorCount !== undefined) this.serverErrorCount = settings.serverErrorCount;
    if (settings.serverErrorStatus !== undefined) this.serverErrorStatus = settings.serverErrorStatus;
    if (settings.dropCreateResponses !== undefined) this.dropCreateResponses = settings.dropCreateResponses;
    if (settings.dropDownloads !== undefined) this.dropDownloads = settings.dropDownloads;
    if (settings.stallDownloads !== undefined) this.stallDownloads = settings.stallDownloads;
    if (settings.clockSkewMs !== undefined) this.clockSkewMs = settings.clockSkewMs;
    if (settings.duplicateWebhooks !== undefined) this.duplicateWebhooks = settings.duplicateWebhooks;
    if (settings.reorderWebhooks !== undefined) this.reorderWebhooks = settings.reorderWebhooks;
    if (settings.pauseWebhooks !== undefined) this.pauseWebhooks = settings.pauseWebhooks;
  }

  clear(): void {
    Object.assign(this, new Faults());
  }

  /** The status an API call must fail with now, if any. */
  takeFailure(): { status: number; retryAfterSeconds?: number } | undefined {
    const now = Date.now();
    if (now < this.rateLimitedUntil) return { status: 429, retryAfterSeconds: this.retryAfterSeconds };
    if (now < this.serverErrorsUntil) return { status: this.serverErrorStatus };
    if (this.serverErrorCount > 0) {
      this.serverErrorCount -= 1;
      return { status: this.serverErrorStatus };
    }
    return undefined;
  }

  takeDroppedCreate(): boolean {
    if (this.dropCreateResponses <= 0) return false;
    this.dropCreateResponses -= 1;
    return true;
  }

  takeDroppedDownload(): boolean {
    if (this.dropDownloads <= 0) return false;
    this.dropDownloads -= 1;
    return true;
  }
}
