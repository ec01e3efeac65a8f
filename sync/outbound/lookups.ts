import type { Db } from '../../db/connect.js';
import type { Activity } from '../../db/exo/activities.js';
import { parseCompanyId } from '../../db/exo/company.js';
import { readStaff, readTaskStatuses, readTaskTypes, type Lookup } from '../../db/exo/lookups.js';
import { customerKey, readCustomerLinks, type CustomerLink } from '../../db/plugin/links/customers.js';
import type { PostLink } from '../../db/plugin/links/posts.js';
import { readStaffLinks } from '../../db/plugin/links/staff.js';
import { readTypeTags } from '../../db/plugin/links/type-tags.js';
import type { OutboundContext } from '../mapping/outbound.js';
import type { SyncOptions } from '../options.js';

/** The small tables a batch of activities is mapped with, read once per batch. */
export interface Lookups {
  options: SyncOptions;
  customers: Map<string, CustomerLink>;
  userOfStaff: Map<number, string>;
  tagOfType: Map<number, string>;
  excluded: OutboundContext['excluded'];
}

function resolve(refs: readonly (number | string)[], lookup: Lookup[]): Set<number> {
  const names = new Set(refs.filter((r): r is string => typeof r === 'string').map((r) => r.toLowerCase()));
  return new Set([
    ...refs.filter((r): r is number => typeof r === 'number'),
    ...lookup.filter((l) => l.description && names.has(l.description.toLowerCase())).map((l) => l.seqno),
  ]);
}

export async function loadLookups(db: Db, options: SyncOptions): Promise<Lookups> {
  const [customers, staffLinks, typeTags, staff, types, statuses] = await Promise.all([
    readCustomerLinks(db),
    readStaffLinks(db),
    readTypeTags(db),
    readStaff(db),
    readTaskTypes(db),
    readTaskStatuses(db),
  ]);
  const logins = new Set(options.excludedStaff.filter((s): s is string => typeof s === 'string').map((s) => s.toLowerCase()));
  return {
    options,
    customers,
    userOfStaff: new Map(staffLinks.map((l) => [l.staffno, l.userId])),
    tagOfType: new Map(typeTags.map((t) => [t.typeSeqno, t.tagName])),
    excluded: {
      staff: new Set([
        ...options.excludedStaff.filter((s): s is number => typeof s === 'number'),
        ...staff.filter((s) => logins.has(s.loginId.toLowerCase()) || (s.email && logins.has(s.email.toLowerCase()))).map((s) => s.staffno),
      ]),
      types: resolve(options.excludedActivityTypes, types),
      statuses: resolve(options.excludedActivityStatuses, statuses),
    },
  };
}

export function outboundContext(activity: Activity | undefined, link: PostLink | undefined, lookups: Lookups): OutboundContext {
  const account = parseCompanyId(activity?.companyId);
  return {
    timeZone: lookups.options.timeZone,
    link,
    customerId: account ? lookups.customers.get(customerKey(account))?.customerId : undefined,
    userOf: (staffno) => (staffno === null ? undefined : lookups.userOfStaff.get(staffno)),
    tagOf: (type) => (type === null ? undefined : lookups.tagOfType.get(type)),
    excluded: lookups.excluded,
  };
}
