import type { Db } from '../../db/connect.js';
import { parseExternalRef } from '../../db/exo/company.js';
import { readStaff, readTaskTypes } from '../../db/exo/lookups.js';
import { mergeCustomerLinks, readCustomerLinks, replaceCustomerLinks, type CustomerLink } from '../../db/plugin/links/customers.js';
import { mergeStaffLinks, readStaffLinks, replaceEmailStaffLinks, type StaffLink } from '../../db/plugin/links/staff.js';
import { mergeTypeTags, readTypeTags, replaceTypeTags, type TypeTag } from '../../db/plugin/links/type-tags.js';
import type { LookupLinks } from '../lookups.js';
import { requeueEntries } from '../../db/plugin/requeue.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import { CUSTOMER_NOT_LINKED } from '../lens/fields/customer.js';
import type { NumerikClient } from '../numerik/client.js';
import type { SyncOptions } from '../options.js';

export interface ReferenceSummary {
  customers: number;
  newlyLinked: number;
  requeued: number;
  staff: number;
  typeTags: number;
}

/** What the reference refresh would make of Numerik's customers, users and tags (it reads, writes nothing). */
export interface ReferencePlan {
  customers: CustomerLink[];
  staff: Omit<StaffLink, 'source'>[];
  typeTags: TypeTag[];
}

/**
 * Links Exo's reference data to Numerik's, in dependency order: customers (from Numerik's
 * external_ref, DR:123 / CR:45 / NA:7), staff (by email, manual overrides kept), activity types ⇄
 * tags (typeTagMap, else the same name ignoring case). Reads only: `refreshReferenceData` writes it.
 */
export async function planReferenceData(db: Db, client: NumerikClient, options: SyncOptions): Promise<ReferencePlan> {
  const customers: CustomerLink[] = [];
  for await (const c of client.listCustomers()) {
    const account = parseExternalRef(c.external_ref);
    if (account) customers.push({ ...account, customerId: c.id, customerName: c.name });
  }
  const users = (await client.listUsers()).filter((u) => u.active && u.email);
  const byEmail = new Map(users.map((u) => [u.email!.toLowerCase(), u]));
  const staff = (await readStaff(db))
    .filter((s) => s.active && s.email && byEmail.has(s.email.toLowerCase()))
    .map((s) => ({ staffno: s.staffno, userId: byEmail.get(s.email!.toLowerCase())!.id, email: s.email }));
  const tags = await client.listTags();
  const tagByName = new Map(tags.map((t) => [t.name.toLowerCase(), t]));
  const mapped = new Map(Object.entries(options.typeTagMap).map(([type, tag]) => [type.toLowerCase(), tag]));
  const typeTags: TypeTag[] = (await readTaskTypes(db))
    .filter((t) => t.description)
    .map((t) => {
      const fromMap = mapped.get(t.description!.toLowerCase());
      const name = fromMap ?? t.description!;
      const tag = tagByName.get(name.toLowerCase());
      return { typeSeqno: t.seqno, tagName: tag?.name ?? name, tagId: tag?.id ?? null, source: fromMap ? 'map' : 'name' };
    });
  return { customers, staff, typeTags };
}

/** The links the tables would hold after a refresh with `plan` (an operator's overrides kept): for a preview. */
export async function plannedLinks(db: Db, plan: ReferencePlan): Promise<LookupLinks> {
  const [customers, staffLinks, typeTags] = await Promise.all([readCustomerLinks(db), readStaffLinks(db), readTypeTags(db)]);
  return {
    customers: mergeCustomerLinks([...customers.values()].filter((c) => c.source === 'manual'), plan.customers),
    staffLinks: mergeStaffLinks(staffLinks.filter((l) => l.source === 'manual'), plan.staff),
    typeTags: mergeTypeTags(typeTags.filter((t) => t.source === 'manual'), plan.typeTags),
  };
}

/**
 * Writes the plan: customers first (activities parked because their customer was not linked are
 * queued again once a new link appears), then staff, then types ⇄ tags.
 */
export async function refreshReferenceData(db: Db, client: NumerikClient, options: SyncOptions, logger: Logger = silentLogger): Promise<ReferenceSummary> {
  const plan = await planReferenceData(db, client, options);
  const added = await replaceCustomerLinks(db, plan.customers);
  const requeued = added.length ? (await requeueEntries(db, { kind: 'parked', reason: CUSTOMER_NOT_LINKED })).length : 0;
  await replaceEmailStaffLinks(db, plan.staff);
  await replaceTypeTags(db, plan.typeTags);
  const summary = { customers: plan.customers.length, newlyLinked: added.length, requeued, staff: (await readStaffLinks(db)).length, typeTags: plan.typeTags.length };
  logger.info('reference data refreshed', summary);
  return summary;
}
