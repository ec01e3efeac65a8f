import { z } from 'zod';
import type { PreviewOptions } from '../sync/preview/preview.js';
import { MAPPING_KINDS } from '../sync/record/names.js';
import { SITE_TIME_FORMAT, siteTimeOf } from '../sync/site-time.js';

/**
 * What an operator route reads from a request (a query string or a JSON body), checked here, once
 * for every route: a bad value gets 400 with the reason, the field first, before anything runs.
 */
export function inputOf<T>(schema: z.ZodType<T>, input: unknown): { data: T } | { reason: string } {
  const result = schema.safeParse(input);
  if (result.success) return { data: result.data };
  const issue = result.error.issues[0]!;
  return { reason: `${issue.path.join('.') || 'body'}: ${issue.message}` };
}

const CONTROL = /\p{Cc}/u;
const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * What a person types to find a record: an activity key, a post id, or words of a subject. A
 * control character (NUL above all, which PostgreSQL cannot even compare) names nothing: refused
 * with its code rather than sent to the database.
 */
export const searchQuery = z.object({
  q: z
    .string({ error: 'give the search text once' })
    .max(200, 'at most 200 characters')
    .superRefine((text, ctx) => {
      const ch = CONTROL.exec(text)?.[0];
      if (ch) ctx.addIssue({ code: 'custom', message: `a control character (${codePoint(ch)}) is not something a record holds: type words, an activity key or a post id` });
    })
    .default(''),
});

export const mappingsQuery = z.object({ kind: z.enum(MAPPING_KINDS as [string, ...string[]], { error: `one of ${MAPPING_KINDS.join(', ')}` }).optional() });

const siteTime = z.string().transform((text, ctx) => siteTimeOf(text) ?? (ctx.addIssue({ code: 'custom', message: `"${text}" is not a date: use ${SITE_TIME_FORMAT}` }), z.NEVER));

/** A preview's options as a query string: since/until (site time) for history, numerikSince (ISO), limit. */
export const previewQuery = z
  .object({
    since: siteTime.optional(),
    until: siteTime.optional(),
    numerikSince: z.iso.datetime({ offset: true, error: 'an instant in ISO 8601 with its offset (2026-01-01T08:00:00Z)' }).optional(),
    limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
  })
  .strict()
  .transform(({ since, until, numerikSince, limit }): PreviewOptions => ({ history: since ? { since, until: until ?? null } : undefined, numerikSince, limit }));
