import type { ClaimPart, DialectNames } from '../parts.js';
import { rowsOf } from './rows.js';

export function postgresClaims({ schema, quote, qualified }: DialectNames): ClaimPart {
  return {
    async lockRecord(trx, resource, timeoutMs) {
      // One statement: set_config(…, true) lasts to the transaction's end and bounds the lock's own wait.
      await trx.raw(`SELECT set_config('lock_timeout', ?, true), pg_advisory_xact_lock(hashtextextended(?, 0))`, [`${timeoutMs}ms`, resource]);
    },

    lockedRows(trx, table) {
      return trx(`${schema}.${table}`).forUpdate();
    },

    async claim(db, table, { worker, limit, leaseMs, lane }) {
      const t = qualified(table);
      const ready = `"STATE" IN ('ready', 'claimed') AND "NEXT_ATTEMPT_AT" <= now()`;
      const inLane = lane ? ` AND ${quote(lane.column)} ${lane.not ? '<>' : '='} ?` : '';
      // The pick is a CTE, evaluated once: as an IN (subquery), the planner may run it again for each
      // row it updates, each run skipping the rows this statement already changed and locking the
      // next ones, until every ready row was claimed whatever the limit.
      const result = await db.raw(
        `WITH picked AS MATERIALIZED (SELECT "ID" FROM ${t} WHERE ${ready}${inLane} ORDER BY "ID" LIMIT ? FOR UPDATE SKIP LOCKED)
         UPDATE ${t} AS q SET "STATE" = 'claimed', "CLAIMED_BY" = ?, "ATTEMPTS" = q."ATTEMPTS" + 1,
                "LEASE_UNTIL" = now() + (? * interval '1 millisecond'), "NEXT_ATTEMPT_AT" = now() + (? * interval '1 millisecond')
           FROM picked
          WHERE q."ID" = picked."ID"
            AND q.${ready.replace(' AND "', ' AND q."')}
          RETURNING q.*`,
        [...(lane ? [lane.value] : []), limit, worker, leaseMs, leaseMs],
      );
      return rowsOf<Record<string, unknown>>(result);
    },

    nowPlusMs() {
      return `now() + (? * interval '1 millisecond')`;
    },
  };
}
