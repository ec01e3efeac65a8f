import type { Db } from '../db/connect.js';
import { accountName } from '../db/exo/accounts.js';
import { formatCompanyId, parseCompanyId, parseExternalRef, type AccountRef } from '../db/exo/company.js';
import { readStaff, readTaskTypes, type Staff } from '../db/exo/lookups.js';
import { clearManualCustomerLink, readCustomerLinks, setManualCustomerLink } from '../db/plugin/links/customers.js';
import { linkedActivitiesWhere, type AffectedBy } from '../db/plugin/links/linked-activities.js';
import { clearManualStaffLink, readStaffLinks, setManualStaffLink } from '../db/plugin/links/staff.js';
import { clearManualTypeTag, readTypeTags, setManualTypeTag } from '../db/plugin/links/type-tags.js';
import { writeLog } from '../db/plugin/log.js';
import { enqueueActivities } from '../db/plugin/queue/enqueue.js';
import { requeueEntries } from '../db/plugin/requeue.js';
import { CUSTOMER_NOT_LINKED } from './lens/fields/customer.js';
import type { NumerikClient } from './numerik/client.js';
import type { MappingKind } from './record/names.js';

export type { MappingKind };


/** A mapping that cannot be made (no such staff member, user, account, customer, type, tag). Nothing was changed. */
export class MappingError extends Error {
  override name = 'MappingError';
}

export interface MappingView {
  kind: MappingKind;
  /** The Exo side: a login ID, an account (D101), an activity type's name. */
  exo: string;
  exoName: string | null;
  /** The Numerik side: a user id, a customer id, a tag name. */
  numerik: string;
  numerikName: string | null;
  /** manual: an operator's override; otherwise how it was matched (email, sales-sync, name, map). */
  source: string;
}

export interface MappingChange {
  kind: MappingKind;
  exo: string;
  /** Absent: clear the override. */
  numerik?: string;
  by: string;
}

export interface MappingResult {
  mapping: MappingView | null;
  /** Activities sent again because the change affects what they look like in Numerik. */
  requeued: number;
  message: string;
}

export async function listMappings(db: Db, kind?: MappingKind): Promise<MappingView[]> {
  const views: MappingView[] = [];
  if (!kind || kind === 'staff') {
    const staff = new Map((await readStaff(db)).map((s) => [s.staffno, s]));
    for (const l of await readStaffLinks(db)) {
      const s = staff.get(l.staffno);
      views.push({ kind: 'staff', exo: s?.loginId ?? String(l.staffno), exoName: s?.name ?? null, numerik: l.userId, numerikName: l.email, source: l.source });
    }
  }
  if (!kind || kind === 'customer') {
    for (const c of (await readCustomerLinks(db)).values()) {
      views.push({ kind: 'customer', exo: formatCompanyId(c), exoName: null, numerik: c.customerId, numerikName: c.customerName, source: c.source ?? 'sales-sync' });
    }
  }
  if (!kind || kind === 'type') {
    const types = new Map((await readTaskTypes(db)).map((t) => [t.seqno, t.description]));
    for (const t of await readTypeTags(db)) views.push({ kind: 'type', exo: types.get(t.typeSeqno) ?? String(t.typeSeqno), exoName: null, numerik: t.tagName, numerikName: t.tagId, source: t.source });
  }
  return views;
}

function staffOf(staff: Staff[], ref: string): Staff {
  const wanted = ref.trim().toLowerCase();
  const found = /^\d+$/.test(wanted) ? staff.find((s) => s.staffno === Number(wanted)) : staff.find((s) => s.loginId.toLowerCase() === wanted || s.email?.toLowerCase() === wanted);
  if (!found) throw new MappingError(`no Exo staff member "${ref}" (give a staff number, login ID or e-mail address)`);
  return found;
}

function accountOf(ref: string): AccountRef {
  const account = parseCompanyId(ref) ?? parseExternalRef(ref);
  if (!account) throw new MappingError(`"${ref}" is not an Exo account (D101 for a debtor, C7 a creditor, P3 a prospect; or DR:101, CR:7, NA:3)`);
  return account;
}

/** Records the change in X_NUMERIK_LOG, sends the affected activities again, and says what it did. */
async function finish(db: Db, change: MappingChange, mapping: MappingView | null, affected: AffectedBy | undefined, alsoParked: boolean, what: string): Promise<MappingResult> {
  const seqnos = affected ? await linkedActivitiesWhere(db, affected) : [];
  if (seqnos.length) await enqueueActivities(db, seqnos);
  const parked = alsoParked ? (await requeueEntries(db, { kind: 'parked', reason: CUSTOMER_NOT_LINKED })).length : 0;
  const requeued = seqnos.length + parked;
  const message = `${what}${requeued ? `; ${requeued} activit${requeued === 1 ? 'y' : 'ies'} queued again` : ''}`;
  await writeLog(db, [{ direction: 'system', kind: 'note', reason: `${message} (by ${change.by})`, detail: { mapping: change, requeued: seqnos, parked } }]);
  return { mapping, requeued, message };
}

/**
 * An operator's mapping change, checked against both sides first: the staff member, account or
 * type must exist in Exo, the user, customer or tag in Numerik. Overrides survive the reference
 * refresh; clearing one lets the automatic match (e-mail, Sales Sync, same name) take over again.
 */
export async function changeMapping(db: Db, client: NumerikClient | undefined, change: MappingChange): Promise<MappingResult> {
  const numerik = () => {
    if (!client) throw new MappingError('Numerik is not configured (numerik.apiUrl): a mapping is checked against it first');
    return client;
  };
  switch (change.kind) {
    case 'staff': {
      const staff = staffOf(await readStaff(db), change.exo);
      const affected: AffectedBy = { column: 'ASSIGNED_TO', value: staff.staffno };
      if (change.numerik === undefined) {
        if (!(await clearManualStaffLink(db, staff.staffno))) throw new MappingError(`staff ${staff.loginId} has no manual mapping to clear`);
        return finish(db, change, null, affected, false, `staff ${staff.loginId}: manual mapping cleared (the e-mail match applies from the next refresh)`);
      }
      const wanted = change.numerik.trim().toLowerCase();
      const user = (await numerik().listUsers()).find((u) => u.id.toLowerCase() === wanted || u.email?.toLowerCase() === wanted);
      if (!user) throw new MappingError(`no Numerik user "${change.numerik}" (give a user id or e-mail address)`);
      if (!user.active) throw new MappingError(`Numerik user ${user.id} (${user.name}) is not active`);
      await setManualStaffLink(db, staff.staffno, user.id);
      const view: MappingView = { kind: 'staff', exo: staff.loginId, exoName: staff.name, numerik: user.id, numerikName: user.name, source: 'manual' };
      return finish(db, change, view, affected, false, `staff ${staff.loginId} is now Numerik user ${user.id} (${user.name})`);
    }
    case 'customer': {
      const account = accountOf(change.exo);
      const key = formatCompanyId(account);
      const name = await accountName(db, account);
      if (name === undefined) throw new MappingError(`no Exo account ${key}`);
      const affected: AffectedBy = { column: 'COMPANYID', value: key };
      if (change.numerik === undefined) {
        if (!(await clearManualCustomerLink(db, account))) throw new MappingError(`account ${key} has no manual mapping to clear`);
        return finish(db, change, null, affected, false, `account ${key}: manual mapping cleared (the Sales Sync's link applies from the next refresh)`);
      }
      let customer;
      for await (const c of numerik().listCustomers()) if (c.id === change.numerik.trim()) customer = c;
      if (!customer) throw new MappingError(`no Numerik customer "${change.numerik}" (give its id, cus_…)`);
      await setManualCustomerLink(db, { ...account, customerId: customer.id, customerName: customer.name, source: 'manual' });
      const view: MappingView = { kind: 'customer', exo: key, exoName: name, numerik: customer.id, numerikName: customer.name, source: 'manual' };
      return finish(db, change, view, affected, true, `account ${key} (${name}) is now Numerik customer ${customer.id} (${customer.name})`);
    }
    case 'type': {
      const wanted = change.exo.trim().toLowerCase();
      const type = (await readTaskTypes(db)).find((t) => (/^\d+$/.test(wanted) ? t.seqno === Number(wanted) : t.description?.toLowerCase() === wanted));
      if (!type?.description) throw new MappingError(`no Exo activity type "${change.exo}" (give its number or name)`);
      const affected: AffectedBy = { column: 'TYPE', value: type.seqno };
      if (change.numerik === undefined) {
        if (!(await clearManualTypeTag(db, type.seqno))) throw new MappingError(`activity type ${type.description} has no manual mapping to clear`);
        return finish(db, change, null, affected, false, `activity type ${type.description}: manual mapping cleared (typeTagMap or the same name applies from the next refresh)`);
      }
      const tag = (await numerik().listTags()).find((t) => t.name.toLowerCase() === change.numerik!.trim().toLowerCase());
      if (!tag) throw new MappingError(`no Numerik tag "${change.numerik}"`);
      await setManualTypeTag(db, { typeSeqno: type.seqno, tagName: tag.name, tagId: tag.id });
      const view: MappingView = { kind: 'type', exo: type.description, exoName: null, numerik: tag.name, numerikName: tag.id, source: 'manual' };
      return finish(db, change, view, affected, false, `activity type ${type.description} is now sent as tag ${tag.name}`);
    }
  }
}
