import { databaseCause } from '../error-cause.js';
import type { ErrorPart } from '../parts.js';

/** Lock request time out period exceeded (SET LOCK_TIMEOUT), and what a refused sp_getapplock is reported as. */
export const LOCK_TIMEOUT = 1222;

const PERMANENT = new Set([8152, 2628, 245, 8114, 8115, 241, 515, 547, 220, 244, 248]);

/** The error numbers of a driver error: its own and those of the messages the server sent with it. */
const errorNumbers = (error: unknown) => [error, ...((error as { errors?: unknown[] })?.errors ?? [])].map((e) => (e as { number?: number })?.number);

export const mssqlErrors: ErrorPart = {
  isLockTimeout(error) {
    return errorNumbers(error).includes(LOCK_TIMEOUT);
  },

  permanentError(error) {
    // 8152/2628 would be truncated, 245/8114/8115/241 conversion or overflow, 515 NULL, 547 a
    // constraint, 220/244/248 arithmetic overflow of an integer.
    return errorNumbers(error).some((n) => n !== undefined && PERMANENT.has(n)) ? databaseCause(error) : undefined;
  },

  isUniqueViolation(error) {
    const numbers = errorNumbers(error);
    return numbers.includes(2627) || numbers.includes(2601);
  },

  explainConnectionError(error) {
    const e = error as { code?: string; message?: string; number?: number };
    const message = e?.message ?? '';
    if (e?.code === 'ELOGIN') {
      if (/Cannot open database/i.test(message)) return `SQL Server refused the database: ${message}`;
      return `SQL Server refused the login (check user and password): ${message}`;
    }
    if (e?.code === 'ESOCKET' || e?.code === 'ETIMEOUT' || e?.code === 'EINSTLOOKUP') {
      return `SQL Server is not reachable: ${message}`;
    }
    return undefined;
  },
};
