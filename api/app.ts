import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import { hostCheck } from './host-check.js';
import { operatorRouter, type OperatorDeps } from './operator.js';
import { webhookRouter, type WebhookDeps } from './webhooks.js';

export type ApiDeps = WebhookDeps & {
  /** Health, metrics, status and admin actions (the service has them; a bare receiver may not). */
  operator?: Omit<OperatorDeps, 'db' | 'logger'>;
  /** More routes (the demo's). */
  routers?: Router[];
  /** The names the operator routes answer to besides loopback (api.publicUrl's host, api.allowedHosts). */
  names?: readonly string[];
};

/** The local API Numerik (through the customer's reverse proxy) and operators talk to. */
export function createApi(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          // The pages' script and style are files of this service: no inline script runs.
          styleSrc: ["'self'"],
          scriptSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
      // HTTPS and its policy belong to the reverse proxy in front, for the customer's whole domain.
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'no-referrer' },
      frameguard: { action: 'deny' },
    }),
  );
  // Numerik's webhooks come through the customer's proxy under whatever name it uses: they are
  // signed. Everything else answers only to this service's own names (DNS rebinding).
  app.use(webhookRouter(deps));
  const named = hostCheck(deps.names ?? []);
  if (deps.operator) app.use(named, operatorRouter({ db: deps.db, logger: deps.logger, ...deps.operator }));
  for (const router of deps.routers ?? []) app.use(named, router);
  app.use((_req, res) => void res.status(404).json({ error: 'not_found' }));
  app.use((error: { status?: number; type?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === 'entity.too.large') return void res.status(413).json({ error: 'too_large', reason: 'the body is over 1 MB' });
    if (error.status && error.status >= 400 && error.status < 500) return void res.status(error.status).json({ error: 'bad_request', reason: error.message });
    deps.logger.error('api error', { error: error.message });
    res.status(500).json({ error: 'internal' });
  });
  return app;
}
