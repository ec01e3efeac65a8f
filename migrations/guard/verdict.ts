import type { ObjectKind } from '../../db/dialect/dialect.js';

/** What an allowed statement does, as the guard proved it. Drift checks are derived from these. */
export interface Effect {
  /** check: reads one of our tables to refuse (a revert that would drop work not yet done); changes nothing. */
  action: 'create' | 'drop' | 'alter' | 'write' | 'check';
  kind: ObjectKind | 'row';
  name: string;
  table?: string;
}

/** A statement the guard cannot prove safe. Carries the statement so the refusal can be read alone. */
export class GuardRefusal extends Error {
  override name = 'GuardRefusal';
  constructor(
    readonly statement: string,
    readonly reason: string,
  ) {
    super(`refused: ${reason}\n  statement: ${statement.length > 300 ? statement.slice(0, 300) + ' …' : statement}`);
  }
}

export interface GuardContext {
  dialect: 'mssql' | 'postgres';
  parserMode: 'transactsql' | 'postgresql';
  schema: string;
}
