import type { Db } from '../../db/connect.js';
import { parseExternalRef } from '../../db/exo/company.js';
import { readStaff, readTaskTypes } from '../../db/exo/lookups.js';
import { replaceCustomerLinks, type CustomerLink } from '../../db/plugin/links/customers.js';
import { readStaffLinks, replaceEmailStaffLinks } from '../../db/plugin/links/staff.js';
import { replaceTypeTags, type TypeTag } from '../../db/plugin/links/type-tags.js';
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

/**
 * Links Exo's reference data to Numerik's, in dependency order: customers (from Numerik's
 * external_ref, DR:123 / CR:45 / NA:7), staff (by email, manual overrides kept), activity types ⇄
 * tags (typeTagMap, else the same name ignoring case). Activities parked because their customer was
 * not linked are queued again once a new link appears.
 */
export async function refreshReferenceData(db: Db, client: NumerikClient, options: SyncOptions, logger: Logger = silentLogger): Promise<ReferenceSummary> {
  const customers: CustomerLink[] = [];
  for await (const c of client.listCustomers()) {
    const account = parseExternalRef(c.external_ref);
    if (account) customers.push({ ...account, customerId: c.id, customerName: c.name });
  }
  const added = await replaceCustomerLinks(db, customers);
  const requeued = added.length ? (await requeueEntries(db, { kind: 'parked', reason: CUSTOMER_NOT_LINKED })).length : 0;

  const users = (await client.listUsers()).filter((u) => u.active && u.email);
  const byEmail = new Map(users.map((u) => [u.email!.toLowerCase(), u]));
  const staffLinks = (await readStaff(db))
    .filter((s) => s.active && s.email && byEmail.has(s.email.toLowerCase()))
    .map((s) => ({ staffno: s.staffno, userId: byEmail.get(s.email!.toLowerCase())!.id, email: s.email }));
  await replaceEmailStaffLinks(db, staffLinks);

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
  await replaceTypeTags(db, typeTags);

  const summary = { customers: customers.length, newlyLinked: added.length, requeued, staff: (await readStaffLinks(db)).length, typeTags: typeTags.length };
  logger.info('reference data refreshed', summary);
  return summary;
}
