import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import { PAGE_REQUEST_HEADER } from './page-assets.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether `given` is the admin token (compared in constant time). */
export const isAdminToken = (given: string | undefined, token: string | undefined): boolean => Boolean(token && given && timingSafeEqual(digest(given), digest(token)));

/** Whether the request carries the admin token. */
export function hasAdminToken(req: Request, token: string | undefined): boolean {
  return isAdminToken(/^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1], token);
}

const SESSION_COOKIE = 'exo_numerik_status';

/**
 * The status page's session: an HttpOnly cookie derived from the admin token (so it ends when the
 * token changes), set once the token was shown; the pages' script never holds the token. It lets
 * the pages be read in full, and authorizes a change only with the pages' own header from this
 * origin (pageRequest).
 */
const sessionValue = (token: string) => createHmac('sha256', token).update('exo-numerik status session').digest('base64url');

export function sessionCookie(req: Request, token: string, end = false): string {
  return serializeCookie(SESSION_COOKIE, end ? '' : sessionValue(token), { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure, ...(end ? { maxAge: 0 } : {}) });
}

function hasSession(req: Request, token: string | undefined): boolean {
  const given = parseCookies(req.header('cookie') ?? '')[SESSION_COOKIE];
  return Boolean(token && given && timingSafeEqual(digest(given), digest(sessionValue(token))));
}

/**
 * Activity and post text, names and addresses: only with the admin token (or the page's session).
 * A loopback connection is no proof: on a terminal server every Exo user is on this machine.
 */
export function mayReadText(req: Request, token: string | undefined): boolean {
  return hasAdminToken(req, token) || hasSession(req, token);
}

/** A person on this machine: a loopback connection that no proxy forwarded. */
function fromThisMachine(req: Request): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? '') && !req.header('x-forwarded-for') && !req.header('forwarded');
}

/**
 * Reading the status at all (counts and states): from this machine, or with the admin token
 * (through the reverse proxy, which also forwards Numerik's webhooks). Its text needs mayReadText.
 */
export function readAccess(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (fromThisMachine(req) || mayReadText(req, token)) return next();
    res.status(401).json({ error: 'unauthorized', reason: 'the status is shown on this machine, or with the admin token (Authorization: Bearer …)' });
  };
}

/**
 * A page's own request: its custom header, which another site's page cannot send without a CORS
 * preflight this service never answers, from this origin (the browser's Sec-Fetch-Site, else the
 * Origin's host, behind the proxy the name it forwarded). With the SameSite=Strict cookie that is
 * the CSRF defence (OWASP's custom request header and origin checks).
 */
function pageRequest(req: Request): boolean {
  if (req.header(PAGE_REQUEST_HEADER) !== '1') return false;
  const site = req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.header('origin');
  if (origin === undefined) return true;
  const host = req.header('x-forwarded-host') ?? req.header('host');
  return URL.canParse(origin) && new URL(origin).host === host;
}

/** Changing anything (retry, settings): the admin token, or a page's own request in its session. */
export function adminAccess(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!token) return void res.status(403).json({ error: 'forbidden', reason: 'no admin token is configured (api.adminToken, EXO_API_ADMIN_TOKEN)' });
    if (!hasAdminToken(req, token) && !(hasSession(req, token) && pageRequest(req))) {
      return void res.status(401).json({ error: 'unauthorized', reason: 'the admin token is missing or wrong (Authorization: Bearer …)' });
    }
    next();
  };
}
