import type { Db } from '../db/connect.js';
import { readActivities } from '../db/exo/activities.js';
import { accountName } from '../db/exo/accounts.js';
import { formatCompanyId, parseCompanyId } from '../db/exo/company.js';
import { readStaff, readTaskTypes } from '../db/exo/lookups.js';
import { readCustomerLinks } from '../db/plugin/links/customers.js';
import { readStaffLinks } from '../db/plugin/links/staff.js';
import { readTypeTags } from '../db/plugin/links/type-tags.js';
import { openParked } from '../db/plugin/parked.js';
import { causeOf } from './error-cause.js';
import { CUSTOMER_NOT_LINKED } from './lens/fields/customer.js';
import type { NumerikClient } from './numerik/client.js';
import type { MappingKind } from './record/names.js';

/** Something the sync cannot map, why, and what fixes it. */
export interface UnmappedItem {
  kind: MappingKind;
  /** The Exo side without a Numerik one (a login ID, an account, an activity type); '' when only Numerik has it (a tag, a customer). */
  exo: string;
  exoName: string | null;
  /** The Numerik side without an Exo one (a tag, a customer), else null. */
  numerik: string | null;
  numerikName: string | null;
  why: string;
  /** The command that fixes it (the status page's mapping form takes the same two sides). */
  fix: string;
  /** Parked items waiting for this mapping. */
  waiting: { activities: number[]; posts: string[] };
}

/** One parked item: its record, and the mapping it waits for (null: it waits for something else, said by its reason). */
export interface ParkedView {
  id: number;
  direction: 'outbound' | 'inbound';
  activitySeqno: number | null;
  postId: string | null;
  reason: string;
  since: string;
  waitsFor: string | null;
}

export interface Unmapped {
  items: UnmappedItem[];
  parked: ParkedView[];
  /** Numerik could not be asked (tags, the customers of waiting posts): why; the rest is still listed. */
  numerikError: string | null;
}

/** A post waiting for its customer's account, when Numerik was not asked which customer that is. */
const waitsWithoutDetail = (p: { direction: string; reason: string }) => (p.direction === 'inbound' && p.reason === CUSTOMER_NOT_LINKED ? "an Exo account for the post's Numerik customer" : null);

/** Parked items read, and posts asked about, at most: a page and a terminal stay readable. */
const PARKED_LIMIT = 200;
const POSTS_ASKED = 20;

const none = () => ({ activities: [] as number[], posts: [] as string[] });

/**
 * What is NOT mapped, which is what a consultant setting up a site needs most: active staff without
 * a Numerik user (no e-mail in Exo, or no Numerik user with it), accounts whose activities wait
 * for a customer, Numerik customers of waiting posts without an account, activity types without
 * their Numerik tag and Numerik tags no type is sent as; each with the command that fixes it, and
 * each parked item with the mapping it waits for. Numerik is asked only where it must be.
 */
export async function listUnmapped(
  db: Db,
  client: NumerikClient | undefined,
  kind?: MappingKind,
  o: { notAsked?: string; systemStaff?: number | string | null } = {},
): Promise<Unmapped> {
  const items: UnmappedItem[] = [];
  let numerikError: string | null = client ? null : (o.notAsked ?? 'Numerik is not configured here (numerik.apiUrl)');
  // The sync's own staff member (its changes' MODIFIEDBY) is no person: it needs no Numerik user.
  const isSystem = (s: { staffno: number; loginId: string }) => (typeof o.systemStaff === 'number' ? s.staffno === o.systemStaff : !!o.systemStaff && s.loginId.toLowerCase() === o.systemStaff.toLowerCase());
  const ask = async <T>(what: () => Promise<T>): Promise<T | undefined> => {
    if (!client) return undefined;
    try {
      return await what();
    } catch (error) {
      numerikError = `Numerik could not be asked: ${causeOf(error)}`;
      return undefined;
    }
  };

  if (!kind || kind === 'staff') {
    const linked = new Set((await readStaffLinks(db)).map((l) => l.staffno));
    for (const s of (await readStaff(db)).filter((s) => s.active && !linked.has(s.staffno) && !isSystem(s))) {
      items.push({
        kind: 'staff',
        exo: s.loginId,
        exoName: s.name,
        numerik: null,
        numerikName: null,
        why: s.email ? `no active Numerik user has the e-mail ${s.email}` : 'no e-mail address in Exo, so no Numerik user can be matched',
        fix: `exo-numerik map staff ${s.loginId} <Numerik user id or e-mail>${s.email ? '' : ", or give the staff member their e-mail in Exo (matched at the next refresh)"}`,
        waiting: none(),
      });
    }
  }

  const parked = await openParked(db, PARKED_LIMIT);
  const waitingCustomer = parked.filter((p) => p.reason === CUSTOMER_NOT_LINKED);
  const waitsFor = new Map<number, string>();
  if (!kind || kind === 'customer') {
    const links = await readCustomerLinks(db);
    const linkedAccount = new Set([...links.values()].map((c) => formatCompanyId(c)));
    const activities = await readActivities(db, waitingCustomer.flatMap((p) => (p.direction === 'outbound' && p.activitySeqno !== null ? [p.activitySeqno] : [])));
    const byAccount = new Map<string, UnmappedItem>();
    for (const p of waitingCustomer) {
      if (p.direction !== 'outbound' || p.activitySeqno === null) continue;
      const account = parseCompanyId(activities.get(p.activitySeqno)?.companyId);
      const key = account ? formatCompanyId(account) : '';
      if (account && linkedAccount.has(key)) continue;
      let item = byAccount.get(key);
      if (!item) {
        item = account
          ? { kind: 'customer', exo: key, exoName: (await accountName(db, account)) ?? null, numerik: null, numerikName: null, why: 'no Numerik customer is linked to this account', fix: `exo-numerik map customer ${key} <Numerik customer id, cus_…>`, waiting: none() }
          : { kind: 'customer', exo: '', exoName: null, numerik: null, numerikName: null, why: 'the activity has no Exo account', fix: 'give the activity an account in Exo', waiting: none() };
        byAccount.set(key, item);
        items.push(item);
      }
      item.waiting.activities.push(p.activitySeqno);
      waitsFor.set(p.id, account ? `a Numerik customer for account ${key}${item.exoName ? ` (${item.exoName})` : ''}` : 'an Exo account on the activity');
    }
    // A waiting post says only its id: Numerik says its customer, for the first few.
    const byCustomer = new Map<string, UnmappedItem>();
    for (const p of waitingCustomer.filter((w) => w.direction === 'inbound' && w.postId).slice(0, POSTS_ASKED)) {
      const lookup = await ask(() => client!.getPost(p.postId!));
      if (lookup?.kind !== 'post') continue;
      const id = lookup.post.customer_id;
      let item = byCustomer.get(id);
      if (!item) {
        item = { kind: 'customer', exo: '', exoName: null, numerik: id, numerikName: null, why: 'this Numerik customer is linked to no Exo account', fix: `exo-numerik map customer <Exo account, D101> ${id}`, waiting: none() };
        byCustomer.set(id, item);
        items.push(item);
      }
      item.waiting.posts.push(p.postId!);
      waitsFor.set(p.id, `an Exo account for Numerik customer ${id}`);
    }
  }

  if (!kind || kind === 'type') {
    const typeTags = await readTypeTags(db);
    const names = new Map((await readTaskTypes(db)).map((t) => [t.seqno, t.description]));
    for (const t of typeTags.filter((t) => t.tagId === null)) {
      const type = names.get(t.typeSeqno) ?? String(t.typeSeqno);
      items.push({ kind: 'type', exo: type, exoName: null, numerik: null, numerikName: null, why: `Numerik has no tag "${t.tagName}"`, fix: `exo-numerik map type "${type}" <Numerik tag>, or add the tag "${t.tagName}" in Numerik`, waiting: none() });
    }
    const sent = new Set(typeTags.map((t) => t.tagName.toLowerCase()));
    for (const tag of (await ask(() => client!.listTags())) ?? []) {
      if (sent.has(tag.name.toLowerCase())) continue;
      items.push({ kind: 'type', exo: '', exoName: null, numerik: tag.name, numerikName: tag.id, why: 'no Exo activity type is sent as this tag: a post tagged only with it gets the default type', fix: `exo-numerik map type <Exo activity type> "${tag.name}"`, waiting: none() });
    }
  }

  return {
    items,
    parked: parked.map((p) => ({ id: p.id, direction: p.direction, activitySeqno: p.activitySeqno, postId: p.postId, reason: p.reason, since: p.since.toISOString(), waitsFor: waitsFor.get(p.id) ?? waitsWithoutDetail(p) })),
    numerikError,
  };
}
