import { databaseCause } from '../error-cause.js';
import type { ErrorPart } from '../parts.js';

export const postgresErrors: ErrorPart = {
  isLockTimeout(error) {
    return (error as { code?: string })?.code === '55P03';
  },

  isUniqueViolation(error) {
    return (error as { code?: string })?.code === '23505';
  },

  permanentError(error) {
    const code = (error as { code?: unknown })?.code;
    // Class 22: data exceptions (too long, out of range, invalid text); 23: integrity (a unique
    // key that another writer took first is a race, not a refusal).
    if (typeof code !== 'string' || !/^2[23]/.test(code) || code === '23505') return undefined;
    return databaseCause(error);
  },

  explainConnectionError(error) {
    const e = error as { code?: string; message?: string };
    const message = e?.message ?? String(error);
    if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || e?.code === 'ETIMEDOUT' || e?.code === 'EHOSTUNREACH') {
      return `PostgreSQL is not reachable: ${message}`;
    }
    if (e?.code === '28P01' || e?.code === '28000') return `PostgreSQL refused the login (check user and password): ${message}`;
    if (e?.code === '3D000') return `PostgreSQL has no such database: ${message}`;
    return undefined;
  },
};
