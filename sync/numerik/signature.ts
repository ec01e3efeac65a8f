import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Numerik's webhook signature: `Numerik-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`,
 * with the timestamp (unix seconds) in `Numerik-Timestamp`. Several `v1=` values may be present
 * while a secret is being rotated.
 */
export const SIGNATURE_HEADER = 'numerik-signature';
export const TIMESTAMP_HEADER = 'numerik-timestamp';
export const EVENT_ID_HEADER = 'numerik-event-id';
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export function signature(secret: string, timestamp: number | string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export function signatureHeader(secrets: readonly string[], timestamp: number, rawBody: Buffer | string): string {
  return secrets.map((s) => `v1=${signature(s, timestamp, rawBody)}`).join(',');
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Constant-time check of every `v1=` value against every secret we accept, within the time window. */
export function verifySignature(
  header: string | undefined,
  timestampHeader: string | undefined,
  rawBody: Buffer,
  secrets: readonly string[],
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  if (!header || !timestampHeader) return { ok: false, reason: 'missing Numerik-Signature or Numerik-Timestamp' };
  if (!/^\d{1,12}$/.test(timestampHeader.trim())) return { ok: false, reason: 'Numerik-Timestamp is not a unix time' };
  const timestamp = Number(timestampHeader.trim());
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'timestamp outside the 5-minute window' };
  const given = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => Buffer.from(part.slice(3), 'hex'));
  if (!given.length) return { ok: false, reason: 'no v1= signature' };
  for (const secret of secrets) {
    const expected = Buffer.from(signature(secret, timestamp, rawBody), 'hex');
    // Every candidate is compared, so timing does not tell which one was close.
    let match = false;
    for (const candidate of given) if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) match = true;
    if (match) return { ok: true };
  }
  return { ok: false, reason: 'signature does not match' };
}
