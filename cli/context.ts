import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { connect, type Db } from '../db/connect.js';
import { resolveTarget } from '../db/target.js';
import { createLogger, type Logger } from '../logging/logger.js';

/** What every command needs, built from the global options. */
export class CliContext {
  private cachedConfig?: Config;
  readonly logger: Logger;

  constructor(private readonly options: { config?: string }) {
    this.logger = createLogger();
  }

  get config(): Config {
    this.cachedConfig ??= loadConfig({ file: this.options.config });
    return this.cachedConfig;
  }

  target() {
    return resolveTarget(this.config.database);
  }

  openDb(): Promise<Db> {
    return connect(this.target(), { logger: this.logger });
  }

  async withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
    const db = await this.openDb();
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  }
}

export class NotConfirmedError extends Error {
  override name = 'NotConfirmedError';
}

/** Asks before a dangerous step; without a terminal to ask on, only --yes lets it through. */
export async function confirm(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new NotConfirmedError(`${question} Refused: not a terminal, pass --yes to confirm`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new NotConfirmedError('cancelled, nothing changed');
  } finally {
    rl.close();
  }
}
