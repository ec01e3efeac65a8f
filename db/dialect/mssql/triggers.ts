import type { DialectNames, TriggerPart } from '../parts.js';
import { ECHO_KEY } from './runtime.js';

export function mssqlTriggers({ quote, qualified }: DialectNames): TriggerPart {
  return {
    captureTriggerUp(spec) {
      const col = (alias: string, c: string) => `${alias}.${quote(c)}`;
      const key = quote(spec.key);
      const changed = spec.watched.map(({ name, text }) => {
        // Text is compared as bytes: the column collation would call 'abc' = 'ABC' and 'a' = 'a '.
        const side = (alias: string) =>
          text ? `CAST(${col(alias, name)} AS varbinary(${text.length}))` : col(alias, name);
        return (
          `(${side('i')} <> ${side('d')}` +
          ` OR (${col('i', name)} IS NULL AND ${col('d', name)} IS NOT NULL)` +
          ` OR (${col('i', name)} IS NOT NULL AND ${col('d', name)} IS NULL))`
        );
      });
      const changedRows = [`i.${key} IS NULL OR d.${key} IS NULL`, ...changed];
      const anyChanged = (indent: string) => [changedRows[0]!, ...changedRows.slice(1).map((c) => `${indent}OR ${c}`)];
      const pairs = [`    FROM inserted AS i`, `    FULL OUTER JOIN deleted AS d ON d.${key} = i.${key}`];
      const queueRows = [
        `INSERT INTO ${qualified(spec.queue)} ([ACTIVITY_SEQNO], [OPERATION], [STATE], [ATTEMPTS], [QUEUED_AT], [NEXT_ATTEMPT_AT])`,
        `    SELECT COALESCE(i.${key}, d.${key}),`,
        `        CASE WHEN d.${key} IS NULL THEN 'I' WHEN i.${key} IS NULL THEN 'D' ELSE 'U' END,`,
        `        'ready', 0, SYSUTCDATETIME(), SYSUTCDATETIME()`,
        ...pairs,
      ];
      const echo = [
        `DECLARE @echo sql_variant = SESSION_CONTEXT(N'${ECHO_KEY}');`,
        // Our inbound writer stores its transaction id under the key: a mark left on a pooled
        // session by a failed write can never match a later transaction.
        'IF @echo = CURRENT_TRANSACTION_ID() RETURN;',
      ];
      const [first, ...rest] = anyChanged('        ');
      const body = spec.sets
        ? [
            // Read before anything else: every statement, SET included, resets @@ROWCOUNT_BIG.
            'DECLARE @rows bigint = @@ROWCOUNT_BIG;',
            'IF @rows = 0 RETURN;',
            'SET NOCOUNT ON;',
            ...echo,
            // One row (an Exo user saving an activity): its queue row, as ever.
            'IF @rows = 1',
            ...[...queueRows, `    WHERE ${first}`, ...rest.slice(0, -1), `${rest.at(-1) ?? ''};`].map((l) => `    ${l}`),
            // More (an import, a bulk reassign): one row holding the changed keys as JSON (FOR JSON
            // works at every compatibility level), split into queue rows by the worker.
            'ELSE',
            ...[
              `INSERT INTO ${qualified(spec.sets)} ([OPERATION], [KEYS], [FANNED_OUT], [QUEUED_AT])`,
              `    SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM deleted) THEN 'I' WHEN NOT EXISTS (SELECT 1 FROM inserted) THEN 'D' ELSE 'U' END,`,
              `        s.[KEYS], 0, SYSUTCDATETIME()`,
              `    FROM (SELECT (SELECT COALESCE(i.${key}, d.${key}) AS [k]`,
              ...pairs.map((l) => `    ${l}`),
              ...anyChanged('            ').map((l, n) => (n ? l : `        WHERE ${l}`)),
              `        FOR JSON PATH) AS [KEYS]) AS s`,
              `    WHERE s.[KEYS] IS NOT NULL`,
            ].map((l) => `    ${l}`),
          ]
        : [
            // Any SET resets @@ROWCOUNT, so the empty-statement check comes first.
            'IF @@ROWCOUNT_BIG = 0 RETURN;',
            'SET NOCOUNT ON;',
            ...echo,
            ...queueRows,
            `    WHERE ${first}`,
            ...rest,
          ];
      return [
        {
          sql:
            `CREATE TRIGGER ${qualified(spec.triggerName)} ON ${qualified(spec.table)} AFTER INSERT, UPDATE, DELETE AS\n` +
            `BEGIN\n${body.map((l) => '    ' + l).join('\n')};\nEND`,
        },
      ];
    },

    captureTriggerDown(spec) {
      return [{ sql: `DROP TRIGGER ${qualified(spec.triggerName)}` }];
    },

    captureTriggerNames(spec) {
      return [spec.triggerName];
    },
  };
}
