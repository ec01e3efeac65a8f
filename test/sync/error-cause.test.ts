import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../db/connect.js';
import { causeOf, failureOf } from '../../sync/error-cause.js';
import { NumerikError } from '../../sync/numerik/errors.js';
import { exoDb } from '../support/exo.js';
import { forEachTarget } from '../support/targets.js';

forEachTarget('why an item failed: the cause first, never a statement or its values', (engine) => {
  let db: Db;
  beforeAll(async () => {
    db = await exoDb(engine);
  });

  const refusal = async () => {
    try {
      await db.knex(`${db.target.schema}.TASKS`).insert({ SUBJECT: `Private ${'x'.repeat(80)}`, ACTIVITY_TYPE: 1, COMPLETED: 'N', COMPLETED_PERCENT: 0, DELETED_FLAG: 'N' });
    } catch (error) {
      return error;
    }
    throw new Error('the insert should have been refused');
  };

  it('a value the database refuses: a dead letter at once, its reason the driver’s code and message', async () => {
    const error = await refusal();
    const failure = failureOf(error, db.dialect);
    expect(failure.kind).toBe('dead');
    expect(failure.error).toMatch(/^database error (22001|8152|2628): /);
    expect(failure.error).not.toMatch(/insert|TASKS|Private/i);
  });

  it('Numerik’s refusal is final, its outage is not; anything else is tried again, its cause as it came', () => {
    expect(failureOf(new NumerikError('POST /posts: 400 validation_failed: customer_id unknown', false, 400), db.dialect)).toEqual({ kind: 'dead', error: 'POST /posts: 400 validation_failed: customer_id unknown' });
    expect(failureOf(new NumerikError('GET /posts/p: 503', true, 503, 2000), db.dialect)).toEqual({ kind: 'retry', error: 'GET /posts/p: 503', retryAfterMs: 2000 });
    expect(failureOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), db.dialect)).toMatchObject({ kind: 'retry', error: 'connect ECONNREFUSED 127.0.0.1:5432' });
    expect(causeOf(new Error('x'.repeat(1000))).length).toBeLessThanOrEqual(390);
  });
});
