import { createRequire } from 'node:module';
import type winston from 'winston';

// winston (and its formats and colours) is loaded by the first real logger: a command that only
// talks to the running service never pays for it.
const loadWinston = () => createRequire(import.meta.url)('winston') as typeof winston;

/** Keys whose values never reach a log line, whatever object they sit in. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|api[_-]?key|signature/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]),
  );
}

function redactSecrets(info: winston.Logform.TransformableInfo): winston.Logform.TransformableInfo {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(info[key]);
  }
  return info;
}

type LogMethod = (message: string, meta?: Record<string, unknown>) => unknown;

/** What the code logs with: a winston logger, or one that writes nothing. */
export interface Logger {
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
}

export interface LoggerOptions {
  level?: string;
  /** Readable lines for a person at a terminal; JSON (one object a line) for everything else. */
  pretty?: boolean;
  /** Extra transports (tests capture lines with these). */
  transports?: winston.transport[];
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const winston = loadWinston();
  const redacting = winston.format(redactSecrets);
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  const format = pretty
    ? winston.format.combine(
        redacting(),
        winston.format.timestamp({ format: 'HH:mm:ss' }),
        winston.format.colorize(),
        winston.format.printf(({ level, message, timestamp, ...rest }) => {
          const fields = Object.entries(rest)
            .filter(([k]) => typeof k === 'string')
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ');
          return `${timestamp} ${level} ${message}${fields ? ' ' + fields : ''}`;
        }),
      )
    : winston.format.combine(redacting(), winston.format.timestamp(), winston.format.json());
  return winston.createLogger({
    level: options.level ?? process.env.EXO_LOG_LEVEL ?? 'info',
    format,
    // Diagnostics go to stderr: stdout is a command's own output (a summary, a plan, JSON).
    transports: options.transports ?? [new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) })],
  });
}

const nothing = () => undefined;

/** A logger that writes nothing: the default for library code nobody configured. */
export const silentLogger: Logger = { error: nothing, warn: nothing, info: nothing, debug: nothing };
