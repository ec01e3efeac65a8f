import { expect, it } from 'vitest';
import { insertPostLink, readPostLinks, recordSending } from '../../db/plugin/links/posts.js';
import { Migrator } from '../../migrations/runner.js';
import { landedAt, pendingSend } from '../../sync/pending-send.js';
import { exoDb } from '../support/exo.js';
import { forEachTarget } from '../support/targets.js';
import { readAgreements, recordAgreements } from '../support/torture/agreements.js';

const content = (assignee: string) => JSON.stringify({ assignee_id: assignee });
const agreement = (assignee: string) => ({ exoHash: assignee, exoContent: content(assignee), exoAssignedTo: null, numerikHash: assignee, numerikContent: content(assignee) });

/**
 * What the torture checker is told the sync agreed on (test/support/torture/agreements.ts): the
 * link's agreements, and a send recorded ahead of its PATCH at the version the PATCH makes, unless
 * it was put back as never made. (Torture seed 76176: an Exo set-back whose middle value a send
 * refused with 412 had carried was taken for one the sync agreed on.)
 */
forEachTarget('the torture run’s record of agreements', (engine, target) => {
  if (target.name === 'mssql') {
    it.skip('the torture run is on PGlite and PostgreSQL (issue 21); it refuses SQL Server', () => undefined);
    return;
  }
  it('a link and its sends: a put-back send is no agreement, a landed one is', async () => {
    const db = await exoDb(engine);
    await new Migrator(db).up();
    await recordAgreements(db);
    await insertPostLink(db, { activitySeqno: 7, postId: 'pst_1', postType: 'task', origin: 'exo', state: 'active', numerikVersion: 4, postRef: '', postUrl: null, ...agreement('ann') });
    const link = async () => (await readPostLinks(db, [7])).get(7)!;
    const seen = async () => (await readAgreements(db)).map((a) => [a.version, a.exo?.assignee_id, a.numerik?.assignee_id]);

    const neverMade = await recordSending(db, await link(), pendingSend(4, { assignee_id: 'raj' }, agreement('raj')));
    expect(await seen()).toEqual([[4, 'ann', 'ann'], [5, 'raj', 'raj']]);
    await neverMade!.putBack();
    expect(await seen()).toEqual([[4, 'ann', 'ann']]);

    const sent = pendingSend(4, { assignee_id: 'eve' }, agreement('eve'));
    const landed = await recordSending(db, await link(), sent);
    await landed!.replace(landedAt(sent, 5));
    expect(await seen()).toEqual([[4, 'ann', 'ann'], [5, 'eve', 'eve'], [5, 'eve', 'eve']]);
  });
});
