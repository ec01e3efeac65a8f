import type { Db } from '../../connect.js';
import type { AccountRef, AccountType } from '../../exo/company.js';
import { OBJECTS } from '../objects.js';

export interface CustomerLink extends AccountRef {
  customerId: string;
  customerName: string | null;
  /** 'manual': an operator's override, which the Sales Sync's external_ref never replaces. */
  source?: 'sales-sync' | 'manual';
}

const key = (ref: AccountRef) => `${ref.type}${ref.accno}`;

interface Row {
  ACCOUNT_TYPE: AccountType;
  ACCNO: number;
  CUSTOMER_ID: string;
  CUSTOMER_NAME: string | null;
  SOURCE: 'manual' | null;
}

const linkOf = (r: Row): CustomerLink => ({ type: r.ACCOUNT_TYPE, accno: r.ACCNO, customerId: r.CUSTOMER_ID, customerName: r.CUSTOMER_NAME, source: r.SOURCE === 'manual' ? 'manual' : 'sales-sync' });

/**
 * The links the table holds once Numerik's are merged in: an operator's (manual) links first, then
 * Numerik's, a customer naming one account only (the first one, as Numerik lists them) and an
 * account one customer. Pure: the refresh writes it, a preview only uses it.
 */
export function mergeCustomerLinks(manual: readonly CustomerLink[], links: readonly CustomerLink[]): Map<string, CustomerLink> {
  const wanted = new Map<string, CustomerLink>(manual.map((l) => [key(l), l]));
  const seenCustomers = new Set<string>(manual.map((l) => l.customerId));
  for (const l of links) {
    if (seenCustomers.has(l.customerId) || wanted.has(key(l))) continue;
    seenCustomers.add(l.customerId);
    wanted.set(key(l), { ...l, source: 'sales-sync' });
  }
  return wanted;
}

/** Every Exo account linked to a Numerik customer, by `D123`-style key. */
export async function readCustomerLinks(db: Db): Promise<Map<string, CustomerLink>> {
  const rows: Row[] = await db.table(OBJECTS.customerLink).select('ACCOUNT_TYPE', 'ACCNO', 'CUSTOMER_ID', 'CUSTOMER_NAME', 'SOURCE');
  return new Map(rows.map((r) => [key({ type: r.ACCOUNT_TYPE, accno: r.ACCNO }), linkOf(r)]));
}

export const customerKey = key;

/**
 * Makes X_NUMERIK_CUSTOMER_LINK what Numerik says: new links added, changed ones updated, links
 * whose customer no longer names the account removed. Manual links stay, and the account and the
 * customer of each are left out of what Numerik says. Returns the accounts that became linked.
 */
export async function replaceCustomerLinks(db: Db, links: readonly CustomerLink[]): Promise<string[]> {
  return db.knex.transaction(async (trx) => {
    const t = () => trx(`${db.target.schema}.${OBJECTS.customerLink}`);
    const all: Row[] = await t().select();
    const manual = all.filter((r) => r.SOURCE === 'manual').map(linkOf);
    const current = new Map<string, Row>(all.filter((r) => r.SOURCE !== 'manual').map((r) => [key({ type: r.ACCOUNT_TYPE, accno: r.ACCNO }), r]));
    const wanted = mergeCustomerLinks(manual, links);
    const removed = [...current.keys()].filter((k) => wanted.get(k)?.customerId !== current.get(k)!.CUSTOMER_ID);
    for (const k of removed) {
      const r = current.get(k)!;
      await t().where({ ACCOUNT_TYPE: r.ACCOUNT_TYPE, ACCNO: r.ACCNO }).del();
    }
    const added: string[] = [];
    const manualKeys = new Set(manual.map(key));
    for (const [k, l] of wanted) {
      if (manualKeys.has(k)) continue;
      const row = current.get(k);
      if (row && row.CUSTOMER_ID === l.customerId) {
        if (row.CUSTOMER_NAME !== l.customerName) await t().where({ ACCOUNT_TYPE: l.type, ACCNO: l.accno }).update({ CUSTOMER_NAME: l.customerName, UPDATED_AT: new Date() });
        continue;
      }
      await t().insert({ ACCOUNT_TYPE: l.type, ACCNO: l.accno, CUSTOMER_ID: l.customerId, CUSTOMER_NAME: l.customerName, UPDATED_AT: new Date() });
      added.push(k);
    }
    return added;
  });
}

/**
 * An operator's override: this Exo account is this Numerik customer, whatever the Sales Sync's
 * external_ref says. Replaces any link of the account or of the customer.
 */
export async function setManualCustomerLink(db: Db, link: CustomerLink): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const t = () => trx(`${db.target.schema}.${OBJECTS.customerLink}`);
    await t().where({ ACCOUNT_TYPE: link.type, ACCNO: link.accno }).orWhere({ CUSTOMER_ID: link.customerId }).del();
    await t().insert({ ACCOUNT_TYPE: link.type, ACCNO: link.accno, CUSTOMER_ID: link.customerId, CUSTOMER_NAME: link.customerName, SOURCE: 'manual', UPDATED_AT: new Date() });
  });
}

/** Removes an override; the next reference refresh links the account from the Sales Sync again. */
export async function clearManualCustomerLink(db: Db, ref: AccountRef): Promise<boolean> {
  return (await db.table(OBJECTS.customerLink).where({ ACCOUNT_TYPE: ref.type, ACCNO: ref.accno, SOURCE: 'manual' }).del()) > 0;
}
