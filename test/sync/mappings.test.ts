import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { changeMapping, listMappings, MappingError, type MappingChange } from '../../sync/mappings.js';
import { forEachTarget } from '../support/targets.js';
import { logEntries, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

forEachTarget('mappings overridden without SQL', (engine) => {
  let f: SyncFixture;
  const drain = () => f.worker().drain();
  const onlyPost = (seqno: number) => postsByActivity(f.sandbox).get(seqno)![0]!;
  const map = (change: Omit<MappingChange, 'by'>) => changeMapping(f.db, f.client, { ...change, by: 'Jo at the help desk' });
  const links = async () => ({
    staff: await f.db.table(OBJECTS.staffLink).select('STAFFNO', 'USER_ID', 'SOURCE').orderBy('STAFFNO'),
    customers: await f.db.table(OBJECTS.customerLink).select('ACCOUNT_TYPE', 'ACCNO', 'CUSTOMER_ID', 'SOURCE').orderBy('ACCNO'),
    types: await f.db.table(OBJECTS.typeTag).select('TYPE_SEQNO', 'TAG_NAME', 'SOURCE').orderBy('TYPE_SEQNO'),
  });

  beforeAll(async () => {
    f = await syncFixture(engine);
  });
  afterAll(() => f.close());
  beforeEach(() => f.sandbox.faults.clear());

  it('a staff override sends the activity with the new assignee, and survives the e-mail matching', async () => {
    const kim = await f.seed.staff({ name: 'Kim Lee', email: 'kim@old-domain.example', loginId: 'KIM' });
    const user = f.sandbox.store.addUser({ name: 'Kim Lee', email: 'kim@new-domain.example' });
    await f.refresh();
    const id = await f.seed.task({ subject: 'Follow up', companyId: 'D101', assignedTo: kim });
    await drain();
    expect(onlyPost(id).assignee_id).toBeNull();

    const result = await map({ kind: 'staff', exo: 'kim', numerik: 'KIM@new-domain.example' });
    expect(result).toMatchObject({ requeued: 1, mapping: { exo: 'KIM', numerik: user.id, source: 'manual' } });
    await drain();
    expect(onlyPost(id).assignee_id).toBe(user.id);
    await f.refresh();
    expect((await listMappings(f.db, 'staff')).find((m) => m.exo === 'KIM')).toMatchObject({ numerik: user.id, source: 'manual' });
    expect((await logEntries(f.db, 'note')).map((e) => e.REASON)).toContainEqual(`staff KIM is now Numerik user ${user.id} (Kim Lee); 1 activity queued again (by Jo at the help desk)`);

    await map({ kind: 'staff', exo: 'KIM' });
    await f.refresh();
    expect((await listMappings(f.db, 'staff')).find((m) => m.exo === 'KIM')).toBeUndefined();
  });

  it('a customer override links an account the Sales Sync does not, and sends what waited for it', async () => {
    const id = await f.seed.task({ subject: 'Kitchen quote', companyId: 'D102' });
    await drain();
    expect(postsByActivity(f.sandbox).get(id)).toBeUndefined();
    const kiwi = f.sandbox.store.upsertCustomer({ name: 'Kiwi Kitchens NZ', external_ref: null });

    const result = await map({ kind: 'customer', exo: 'DR:102', numerik: kiwi.id });
    expect(result.mapping).toMatchObject({ exo: 'D102', exoName: 'Kiwi Kitchens', numerik: kiwi.id, source: 'manual' });
    expect(result.requeued).toBeGreaterThanOrEqual(1);
    await drain();
    expect(onlyPost(id).customer_id).toBe(kiwi.id);
    await f.refresh();
    expect((await links()).customers).toContainEqual({ ACCOUNT_TYPE: 'D', ACCNO: 102, CUSTOMER_ID: kiwi.id, SOURCE: 'manual' });
  });

  it('a customer override wins over the Sales Sync, and clearing it gives the account back to the Sales Sync', async () => {
    const other = f.sandbox.store.upsertCustomer({ name: 'Acme (head office)', external_ref: null });
    await map({ kind: 'customer', exo: 'D101', numerik: other.id });
    await f.refresh();
    expect((await links()).customers).toContainEqual({ ACCOUNT_TYPE: 'D', ACCNO: 101, CUSTOMER_ID: other.id, SOURCE: 'manual' });
    await map({ kind: 'customer', exo: 'D101' });
    await f.refresh();
    expect((await links()).customers).toContainEqual({ ACCOUNT_TYPE: 'D', ACCNO: 101, CUSTOMER_ID: f.customers.acme, SOURCE: null });
  });

  it('an activity type mapped to a tag sends its linked activities with that tag, and the refresh keeps it', async () => {
    const id = await f.seed.task({ subject: 'Site visit', companyId: 'D101', type: f.types.meeting });
    await drain();
    const visit = f.sandbox.store.addTag('Visit');
    const result = await map({ kind: 'type', exo: 'meeting', numerik: 'visit' });
    expect(result).toMatchObject({ requeued: 1, mapping: { exo: 'Meeting', numerik: 'Visit', numerikName: visit.id, source: 'manual' } });
    await drain();
    expect(onlyPost(id).tags).toEqual(['Visit']);
    await f.refresh();
    expect((await links()).types).toContainEqual({ TYPE_SEQNO: f.types.meeting, TAG_NAME: 'Visit', SOURCE: 'manual' });
    await map({ kind: 'type', exo: 'Meeting' });
    await f.refresh();
    expect((await links()).types).toContainEqual({ TYPE_SEQNO: f.types.meeting, TAG_NAME: 'Meeting', SOURCE: 'name' });
  });

  it('refuses what names nothing, on either side, with a clear message, changing nothing', async () => {
    const before = await links();
    const depth = await f.queueDepth();
    const cases: [Omit<MappingChange, 'by'>, RegExp][] = [
      [{ kind: 'staff', exo: 'NOBODY', numerik: f.users.ann }, /^no Exo staff member "NOBODY"/],
      [{ kind: 'staff', exo: 'ANN', numerik: 'usr_missing' }, /^no Numerik user "usr_missing"/],
      [{ kind: 'staff', exo: 'ANN' }, /^staff ANN has no manual mapping to clear$/],
      [{ kind: 'customer', exo: 'Acme', numerik: f.customers.acme }, /^"Acme" is not an Exo account/],
      [{ kind: 'customer', exo: 'D999', numerik: f.customers.acme }, /^no Exo account D999$/],
      [{ kind: 'customer', exo: 'D101', numerik: 'cus_missing' }, /^no Numerik customer "cus_missing"/],
      [{ kind: 'type', exo: 'Lunch', numerik: 'Visit' }, /^no Exo activity type "Lunch"/],
      [{ kind: 'type', exo: 'Meeting', numerik: 'No such tag' }, /^no Numerik tag "No such tag"$/],
      [{ kind: 'type', exo: 'Meeting' }, /^activity type Meeting has no manual mapping to clear$/],
    ];
    for (const [change, message] of cases) {
      const error = await map(change).catch((e: unknown) => e);
      expect(error, JSON.stringify(change)).toBeInstanceOf(MappingError);
      expect((error as Error).message).toMatch(message);
    }
    const inactive = f.sandbox.store.addUser({ name: 'Gone Away', email: 'gone@example.com', active: false });
    await expect(map({ kind: 'staff', exo: 'ANN', numerik: inactive.id })).rejects.toThrow(/is not active/);
    expect(await links()).toEqual(before);
    expect(await f.queueDepth()).toBe(depth);
  });
});
