import type { NextFunction, Request, Response } from 'express';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Answers only requests addressed to one of this service's names: loopback, where it listens, the
 * host of `api.publicUrl`, and `api.allowedHosts`. A web page elsewhere that rebinds its own DNS
 * name to 127.0.0.1 (DNS rebinding) is refused, whatever it sends.
 */
export function hostCheck(names: readonly (string | undefined)[]) {
  const allowed = new Set([...LOOPBACK_NAMES, ...names.filter((n): n is string => !!n).map((n) => n.toLowerCase())]);
  return (req: Request, res: Response, next: NextFunction) => {
    const host = (req.header('host') ?? '').toLowerCase().replace(/:\d+$/, '');
    if (allowed.has(host)) return next();
    res.status(403).json({ error: 'forbidden', reason: `Host ${JSON.stringify(host.slice(0, 100))} is not a name of this service: add it to api.allowedHosts` });
  };
}

/** The names of the service from its configuration: where it listens, and its public URL's host. */
export function serviceNames(api: { host: string; publicUrl?: string; allowedHosts?: readonly string[] }): string[] {
  const names = [...(api.allowedHosts ?? [])];
  if (api.host && api.host !== '0.0.0.0' && api.host !== '::') names.push(api.host.includes(':') ? `[${api.host}]` : api.host);
  if (api.publicUrl) names.push(new URL(api.publicUrl).hostname);
  return names;
}
