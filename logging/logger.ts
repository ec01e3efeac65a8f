import { createRequire } from 'node:module';
import type winston from 'winston';

// winston (and its formats and colours) is loaded by the first line a logger writes: a command
// that logs nothing (status, show, --help) never pays for it (~40 ms of a status).
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

const nothing: LogMethod = () => undefined;

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

/** npm's levels, as winston numbers them: a call above the logger's level is dropped unseen. */
const LEVELS: Record<string, number> = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.EXO_LOG_LEVEL ?? 'info';
  let logger: winston.Logger | undefined;
  const method = (name: keyof Logger): LogMethod => {
    // An unknown level is winston's to judge, so such a logger writes through it from the start.
    if ((LEVELS[name] ?? 0) > (LEVELS[level] ?? Infinity)) return nothing;
    return (message, meta) => {
      logger ??= winstonLogger(level, options);
      return meta === undefined ? logger[name](message) : logger[name](message, meta);
    };
  };
  return { error: method('error'), warn: method('warn'), info: method('info'), debug: method('debug') };
}

function winstonLogger(level: string, options: LoggerOptions): winston.Logger {
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
    level,
    format,
    // Diagnostics go to stderr: stdout is a command's own output (a summary, a plan, JSON).
    transports: options.transports ?? [new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) })],
  });
}

/** A logger that writes nothing: the default for library code nobody configured. */
export const silentLogger: Logger = { error: nothing, warn: nothing, info: nothing, debug: nothing };
