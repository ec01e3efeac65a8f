import type { CaptureSpec } from '../dialect.js';
import type { DialectNames, TriggerPart } from '../parts.js';
import { ECHO_SETTING } from './runtime.js';

const EVENTS = [
  { op: 'INSERT', suffix: 'INS', referencing: 'REFERENCING NEW TABLE AS "x_numerik_new"' },
  { op: 'UPDATE', suffix: 'UPD', referencing: 'REFERENCING OLD TABLE AS "x_numerik_old" NEW TABLE AS "x_numerik_new"' },
  { op: 'DELETE', suffix: 'DEL', referencing: 'REFERENCING OLD TABLE AS "x_numerik_old"' },
] as const;

export function postgresTriggers({ quote, qualified }: DialectNames): TriggerPart {
  const captureFunction = (spec: CaptureSpec, event: (typeof EVENTS)[number]) => {
    const key = quote(spec.key);
    const col = (alias: string, c: string) => `${alias}.${quote(c)}`;
    const source =
      event.op === 'INSERT'
        ? { from: `"x_numerik_new" AS i`, id: `i.${key}`, op: `'I'`, changed: [] as string[] }
        : event.op === 'DELETE'
          ? { from: `"x_numerik_old" AS d`, id: `d.${key}`, op: `'D'`, changed: [] as string[] }
          : {
              from: `"x_numerik_new" AS i FULL OUTER JOIN "x_numerik_old" AS d ON d.${key} = i.${key}`,
              id: `COALESCE(i.${key}, d.${key})`,
              op: `CASE WHEN d.${key} IS NULL THEN 'I' WHEN i.${key} IS NULL THEN 'D' ELSE 'U' END`,
              changed: [
                `i.${key} IS NULL OR d.${key} IS NULL`,
                ...spec.watched.map(({ name }) => `${col('i', name)} IS DISTINCT FROM ${col('d', name)}`),
              ],
            };
    const where = [`COALESCE(current_setting('${ECHO_SETTING}', true), '') <> 'on'`];
    if (source.changed.length) where.push(`(${source.changed.join('\n            OR ')})`);
    const queueRows =
      `    INSERT INTO ${qualified(spec.queue)} ("ACTIVITY_SEQNO", "OPERATION", "STATE", "ATTEMPTS", "QUEUED_AT", "NEXT_ATTEMPT_AT")\n` +
      `        SELECT ${source.id}, ${source.op}, 'ready', 0, now(), now()\n` +
      `        FROM ${source.from}\n`;
    // As on SQL Server: a statement of one row gets its queue row; a bigger one, one row of its
    // changed keys as a JSON array of numbers (json_build_object per key, to match FOR JSON PATH's
    // objects, costs a tenth more of the statement), split into queue rows by the worker.
    const touched = `(SELECT count(*) FROM "${event.op === 'DELETE' ? 'x_numerik_old' : 'x_numerik_new'}")`;
    const indent = (text: string) => text.replace(/^(?=.)/gm, '    ');
    const body = spec.sets
      ? `    IF ${touched} = 1 THEN\n` +
        indent(queueRows + `        WHERE ${where.join('\n          AND ')};\n`) +
        `    ELSE\n` +
        indent(
          `    INSERT INTO ${qualified(spec.sets)} ("OPERATION", "KEYS", "FANNED_OUT", "QUEUED_AT")\n` +
            `        SELECT '${event.op[0]}', CAST(json_agg(${source.id}) AS text), 0, now()\n` +
            `        FROM ${source.from}\n` +
            `        WHERE ${where.join('\n          AND ')}\n` +
            `        HAVING count(*) > 0;\n`,
        ) +
        `    END IF;\n`
      : queueRows + `        WHERE ${where.join('\n          AND ')};\n`;
    return (
      `CREATE FUNCTION ${qualified(`${spec.triggerName}_${event.suffix}`)}() RETURNS trigger LANGUAGE plpgsql AS $$\n` +
      `BEGIN\n` +
      body +
      `    RETURN NULL;\n` +
      `END\n$$`
    );
  };

  return {
    captureTriggerUp(spec) {
      return EVENTS.flatMap((event) => [
        { sql: captureFunction(spec, event) },
        {
          sql:
            `CREATE TRIGGER ${quote(`${spec.triggerName}_${event.suffix}`)} AFTER ${event.op} ON ${qualified(spec.table)} ` +
            `${event.referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${qualified(`${spec.triggerName}_${event.suffix}`)}()`,
        },
      ]);
    },

    captureTriggerDown(spec) {
      return EVENTS.flatMap((event) => [
        { sql: `DROP TRIGGER ${quote(`${spec.triggerName}_${event.suffix}`)} ON ${qualified(spec.table)}` },
        { sql: `DROP FUNCTION ${qualified(`${spec.triggerName}_${event.suffix}`)}()` },
      ]);
    },

    captureTriggerNames(spec) {
      return EVENTS.map((event) => `${spec.triggerName}_${event.suffix}`);
    },
  };
}
