import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runCli } from '../support/cli.js';

describe('exo-numerik show, find, record, conflict choose, map (on the database)', () => {
  let sandbox: Sandbox;
  let cwd: string;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli(args, { cwd, env });

  beforeAll(async () => {
    sandbox = await startSandbox();
    cwd = mkdtempSync(path.join(tmpdir(), 'exo-numerik-records-'));
    expect((await runCli(['demo', 'create'], { cwd })).code).toBe(0);
    sandbox.store.addUser({ name: 'Ann Smith', email: 'ann@demo.example' });
    sandbox.store.upsertCustomer({ name: 'Acme Ltd', external_ref: 'DR:101' });
    env = { NUMERIK_API_URL: sandbox.url, NUMERIK_TOKEN: sandbox.token, EXO_TIME_ZONE: 'Pacific/Auckland' };
    expect((await cli(['sync', '--once'])).code).toBe(0);
  });
  afterAll(() => sandbox.close());

  it("show prints the record's link, both sides, and history", async () => {
    const [post] = [...sandbox.store.posts.values()];
    const seqno = Number(/^exo-task:(\d+):/.exec(post!.external_ref!)![1]);
    const r = await cli(['show', 'activity', String(seqno)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`activity ${seqno} ⇄ post ${post!.id}`);
    expect(r.stdout).toMatch(/^link: active \(/m);
    expect(r.stdout).toMatch(/^on the activity: In Numerik · synced .* · http:\/\/127\.0\.0\.1:\d+\/app\/posts\//m);
    expect(r.stdout).toMatch(/^history \(newest first\):\n.*synced/m);
    const json = JSON.parse((await cli(['show', 'post', post!.id, '--json'])).stdout) as { activitySeqno: number };
    expect(json.activitySeqno).toBe(seqno);
    const found = await cli(['find', post!.body_text.split('\n')[0]!.slice(0, 8)]);
    expect(found.stdout).toContain(`activity ${seqno} · `);
  });

  it.each([
    [['show', 'activity', '999999'], 'exo-numerik: no activity 999999 in Exo, and none linked to a post\n'],
    [['show', 'thing', '1'], /say "activity <key>" or "post <id>", not "thing"/],
    [['record', 'explode', 'activity', '1', '--yes'], /"explode" is not an action; they are: retry, send-exo, take-numerik, unlink/],
    [['record', 'unlink', 'activity', '1'], /Refused: not a terminal, pass --yes to confirm/],
    [['conflict', 'choose', '99999', 'exo', '--yes'], 'exo-numerik: no conflict #99999\n'],
    [['conflict', 'choose', '1', 'both', '--yes'], /the side is exo or numerik, not "both"/],
    [['map', 'staff', 'NOBODY', 'usr_x', '--yes'], /^exo-numerik: no Exo staff member "NOBODY"/],
    [['map', 'customer', 'D101', 'cus_missing', '--yes'], /^exo-numerik: no Numerik customer "cus_missing"/],
    [['map', 'planet'], /"planet" is not a mapping; they are: staff, customer, type/],
    [['map', 'staff', 'ANN', '--unmapped'], /--unmapped lists; give no Exo or Numerik side with it/],
  ])('%s: a clear message and exit 1', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('record retry queues the activity again and names who; map lists the links', async () => {
    const r = await cli(['record', 'retry', 'activity', '1', '--yes', '--by', 'Jo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^activity 1( and post pst_\w+)?: queued again/);
    const staff = await cli(['map', 'staff']);
    expect(staff.code).toBe(0);
    expect(staff.stdout).toMatch(/→ usr_\w+ .*\(email\)/);
  });

  it('map <kind> --unmapped: what is not mapped, why, the command that fixes each, and what waits for it', async () => {
    const staff = await cli(['map', 'staff', '--unmapped']);
    expect(staff.code).toBe(0);
    expect(staff.stdout).toContain('RAJ (Raj Patel): no active Numerik user has the e-mail raj@demo.example\n    fix: exo-numerik map staff RAJ <Numerik user id or e-mail>\n');
    expect(staff.stdout).toContain('ADMIN (Admin): no e-mail address in Exo, so no Numerik user can be matched\n    fix: exo-numerik map staff ADMIN <Numerik user id or e-mail>, or give the staff member their e-mail in Exo');
    expect(staff.stdout).not.toMatch(/^ANN/m);
    const customers = await cli(['map', 'customer', '--unmapped']);
    expect(customers.code).toBe(0);
    expect(customers.stdout).toMatch(/^D102 \(Kiwi Kitchens\): no Numerik customer is linked to this account\n {4}fix: exo-numerik map customer D102 <Numerik customer id, cus_…>\n {4}waiting for it: activity \d+$/m);
    expect(customers.stdout).not.toMatch(/^D101/m);
    const types = JSON.parse((await cli(['map', 'type', '--unmapped', '--json'])).stdout) as { items: { exo: string; why: string }[] };
    expect(types.items).toContainEqual(expect.objectContaining({ exo: 'Meeting', why: 'Numerik has no tag "Meeting"' }));
  });
});
