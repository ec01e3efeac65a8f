import type { ClaimPart, DialectNames } from '../parts.js';
import { LOCK_TIMEOUT } from './errors.js';
import { MSSQL_RUNTIME } from './runtime.js';

export function mssqlClaims({ quote, qualified }: DialectNames): ClaimPart {
  return {
    async lockRecord(trx, resource, timeoutMs) {
      const rows = (await trx.raw(MSSQL_RUNTIME.lockRecord(timeoutMs), [resource])) as { granted: number }[];
      if ((rows[rows.length - 1]?.granted ?? -1) < 0) throw Object.assign(new Error(`${resource} stayed locked for ${timeoutMs} ms`), { number: LOCK_TIMEOUT });
    },

    lockedRows(trx, table) {
      return trx.from(trx.raw(MSSQL_RUNTIME.lockedRows(qualified(table))));
    },

    async claim(db, table, { worker, limit, leaseMs, lane }) {
      const t = qualified(table);
      const ready = `[STATE] IN ('ready', 'claimed') AND [NEXT_ATTEMPT_AT] <= SYSUTCDATETIME()`;
      const inLane = lane ? ` AND ${quote(lane.column)} ${lane.not ? '<>' : '='} ?` : '';
      // OUTPUT without INTO is fine here: work tables have no triggers (keep it so). The table is
      // updated by its own name, not through an alias in a FROM clause: the same statement to SQL
      // Server, while the T-SQL engine CI uses took over a second for the alias form on a queue of
      // 2,000 rows (milliseconds for this one), longer than a short lease.
      return (await db.raw(
        `UPDATE ${t} SET [STATE] = 'claimed', [CLAIMED_BY] = ?, [ATTEMPTS] = [ATTEMPTS] + 1,
                [LEASE_UNTIL] = DATEADD(millisecond, ?, SYSUTCDATETIME()), [NEXT_ATTEMPT_AT] = DATEADD(millisecond, ?, SYSUTCDATETIME())
           OUTPUT inserted.*
          WHERE [ID] IN (SELECT TOP (?) [ID] FROM ${t} WITH (UPDLOCK, READPAST, ROWLOCK, READCOMMITTEDLOCK) WHERE ${ready}${inLane} ORDER BY [ID])
            AND ${ready}`,
        [worker, leaseMs, leaseMs, limit, ...(lane ? [lane.value] : [])],
      )) as Record<string, unknown>[];
    },

    nowPlusMs() {
      return 'DATEADD(millisecond, ?, SYSUTCDATETIME())';
    },
  };
}
