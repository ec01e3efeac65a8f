import type { Db } from '../db/connect.js';
import type { Activity } from '../db/exo/activities.js';
import { parseCompanyId, type AccountRef } from '../db/exo/company.js';
import { readStaff, readTaskStatuses, readTaskTypes, type Lookup, type Staff } from '../db/exo/lookups.js';
import { customerKey, readCustomerLinks, type CustomerLink } from '../db/plugin/links/customers.js';
import { AS_CREATED_VERSION, type PostLink } from '../db/plugin/links/posts.js';
import { OBJECTS } from '../db/plugin/objects.js';
import { readStaffLinks, type StaffLink } from '../db/plugin/links/staff.js';
import { readTypeTags, type TypeTag } from '../db/plugin/links/type-tags.js';
import type { Content } from './mapping/content.js';
import type { InboundContext } from './mapping/inbound.js';
import type { LinkState, OutboundContext } from './mapping/outbound.js';
import { instantToWallClock } from './mapping/time.js';
import type { SyncOptions } from './options.js';

/** The small tables a batch is mapped with (both directions), read once per batch. */
export interface Lookups {
  options: SyncOptions;
  codePage: string;
  customers: Map<string, CustomerLink>;
  accountOfCustomer: Map<string, AccountRef>;
  userOfStaff: Map<number, string>;
  staffOfUser: Map<string, number>;
  staff: Map<number, Staff>;
  tagOfType: Map<number, string>;
  typeOfTag: Map<string, number>;
  /**
   * Tags the activity owns (lower case): the tag of each type, and each type's own name, so that a
   * type mapped to another tag takes its old tag off the posts it sends again.
   */
  ownedTags: Set<string>;
  excluded: OutboundContext['excluded'];
  defaultStaff: number | null;
  /** Who the sync's own changes are attributed to (systemStaff); null: MODIFIEDBY is left as it was. */
  systemStaff: number | null;
  defaultType: number | null;
  /** Numerik users' names, for comment blocks. */
  userNames: ReadonlyMap<string, string>;
}

function resolve(refs: readonly (number | string)[], lookup: Lookup[]): Set<number> {
  const names = new Set(refs.filter((r): r is string => typeof r === 'string').map((r) => r.toLowerCase()));
  return new Set([
    ...refs.filter((r): r is number => typeof r === 'number'),
    ...lookup.filter((l) => l.description && names.has(l.description.toLowerCase())).map((l) => l.seqno),
  ]);
}

function staffRef(ref: number | string | null, staff: Staff[]): number | null {
  if (ref === null) return null;
  if (typeof ref === 'number') return ref;
  const wanted = ref.toLowerCase();
  return staff.find((s) => s.loginId.toLowerCase() === wanted || s.email?.toLowerCase() === wanted)?.staffno ?? null;
}

/** The link tables a batch is mapped with (a preview passes the ones a refresh would make). */
export interface LookupLinks {
  customers: Map<string, CustomerLink>;
  staffLinks: StaffLink[];
  typeTags: TypeTag[];
}

export async function loadLookups(db: Db, options: SyncOptions, userNames: ReadonlyMap<string, string> = new Map(), links?: LookupLinks): Promise<Lookups> {
  const [customers, staffLinks, typeTags, staff, types, statuses, codePage] = await Promise.all([
    links?.customers ?? readCustomerLinks(db),
    links?.staffLinks ?? readStaffLinks(db),
    links?.typeTags ?? readTypeTags(db),
    readStaff(db),
    readTaskTypes(db),
    readTaskStatuses(db),
    db.dialect.codePage(db.knex),
  ]);
  const logins = new Set(options.excludedStaff.filter((s): s is string => typeof s === 'string').map((s) => s.toLowerCase()));
  const defaultType = options.defaultActivityType === null ? null : ([...resolve([options.defaultActivityType], types)][0] ?? null);
  return {
    options,
    codePage,
    customers,
    accountOfCustomer: new Map([...customers.values()].map((c) => [c.customerId, { type: c.type, accno: c.accno }])),
    userOfStaff: new Map(staffLinks.map((l) => [l.staffno, l.userId])),
    staffOfUser: new Map(staffLinks.map((l) => [l.userId, l.staffno])),
    staff: new Map(staff.map((s) => [s.staffno, s])),
    tagOfType: new Map(typeTags.map((t) => [t.typeSeqno, t.tagName])),
    typeOfTag: new Map(typeTags.map((t) => [t.tagName.toLowerCase(), t.typeSeqno])),
    ownedTags: new Set([...typeTags.map((t) => t.tagName.toLowerCase()), ...types.flatMap((t) => (t.description ? [t.description.toLowerCase()] : []))]),
    excluded: {
      staff: new Set([
        ...options.excludedStaff.filter((s): s is number => typeof s === 'number'),
        ...staff.filter((s) => logins.has(s.loginId.toLowerCase()) || (s.email && logins.has(s.email.toLowerCase()))).map((s) => s.staffno),
      ]),
      types: resolve(options.excludedActivityTypes, types),
      statuses: resolve(options.excludedActivityStatuses, statuses),
    },
    defaultStaff: staffRef(options.defaultStaff, staff),
    systemStaff: staffRef(options.systemStaff, staff),
    defaultType,
    userNames,
  };
}

/** One cheap query that changes whenever a customer, staff or type link is added, changed or removed. */
async function linksStamp(db: Db): Promise<string> {
  const parts = [OBJECTS.customerLink, OBJECTS.staffLink, OBJECTS.typeTag].map((t, i) => {
    const table = db.dialect.qualified(t);
    return `(SELECT COUNT(*) FROM ${table}) AS c${i}, (SELECT MAX(${db.dialect.quote('UPDATED_AT')}) FROM ${table}) AS m${i}`;
  });
  return JSON.stringify(await db.query(`SELECT ${parts.join(', ')}`));
}

/**
 * Lookups read again only when a link changed (or the options, or after `maxAgeMs`): a worker woken
 * by every webhook would otherwise read the same small tables hundreds of times a second. A new
 * customer link is seen by the next batch, so activities queued again for it are not parked again.
 */
export function cachedLookups(db: Db, maxAgeMs = 60_000): (options: SyncOptions, userNames?: ReadonlyMap<string, string>) => Promise<Lookups> {
  let cached: { at: number; stamp: string; options: SyncOptions; userNames?: ReadonlyMap<string, string>; lookups: Lookups } | undefined;
  return async (options, userNames) => {
    const stamp = await linksStamp(db);
    if (!cached || cached.stamp !== stamp || cached.options !== options || cached.userNames !== userNames || Date.now() - cached.at > maxAgeMs) {
      cached = { at: Date.now(), stamp, options, userNames, lookups: await loadLookups(db, options, userNames) };
    }
    return cached.lookups;
  };
}

const parse = (json: string | null): Content | null => (json ? (JSON.parse(json) as Content) : null);

export function linkState(link: PostLink | undefined): LinkState | undefined {
  if (!link) return undefined;
  return {
    postId: link.postId,
    postType: link.postType,
    state: link.state,
    exoHash: link.exoHash,
    exoAssignedTo: link.exoAssignedTo,
    exoBase: parse(link.exoContent),
    numerikBase: parse(link.numerikContent),
    asCreated: link.numerikVersion === AS_CREATED_VERSION,
  };
}

export function outboundContext(activity: Activity | undefined, link: PostLink | undefined, lookups: Lookups): OutboundContext {
  const account = parseCompanyId(activity?.companyId);
  return {
    timeZone: lookups.options.timeZone,
    notesFormat: lookups.options.notesFormat,
    codePage: lookups.codePage,
    link: linkState(link),
    customerId: account ? lookups.customers.get(customerKey(account))?.customerId : undefined,
    userOf: (staffno) => (staffno === null ? undefined : lookups.userOfStaff.get(staffno)),
    tagOf: (type) => (type === null ? undefined : lookups.tagOfType.get(type)),
    typeTags: lookups.ownedTags,
    excluded: lookups.excluded,
    fieldOwnership: lookups.options.fieldOwnership,
  };
}

export function inboundContext(lookups: Lookups): InboundContext {
  return {
    timeZone: lookups.options.timeZone,
    notesFormat: lookups.options.notesFormat,
    codePage: lookups.codePage,
    accountOf: (customerId) => lookups.accountOfCustomer.get(customerId),
    staffOf: (userId) => (userId === null ? undefined : lookups.staffOfUser.get(userId)),
    userName: (userId) => lookups.userNames.get(userId) ?? lookups.staff.get(lookups.staffOfUser.get(userId) ?? -1)?.name ?? userId,
    typeOfTags: (tags) => tags.map((t) => lookups.typeOfTag.get(t.toLowerCase())).find((t) => t !== undefined),
    defaultStaff: lookups.defaultStaff,
    defaultType: lookups.defaultType,
    now: instantToWallClock(new Date(), lookups.options.timeZone),
    fieldOwnership: lookups.options.fieldOwnership,
  };
}
