import { ownershipOf, type Ownership } from '../mapping/ownership.js';
import type { Db } from '../../db/connect.js';
import { readActivities } from '../../db/exo/activities.js';
import { accountName } from '../../db/exo/accounts.js';
import { formatCompanyId, parseCompanyId } from '../../db/exo/company.js';
import { findActivities } from '../../db/exo/find-activities.js';
import { readRecordFields, type RecordFields } from '../../db/exo/record-fields.js';
import { readPostLinks, readPostLinksByPost, type PostLink } from '../../db/plugin/links/posts.js';
import { recordLog, type RecordLogEntry } from '../../db/plugin/status/record-log.js';
import { recordWork, type PendingWork } from '../../db/plugin/status/record-work.js';
import { causeOf } from '../error-cause.js';
import { outboundContext, type Lookups } from '../lookups.js';
import { contentOfPost, type Content, type ContentField } from '../mapping/content.js';
import { activityContent } from '../mapping/outbound.js';
import type { NumerikClient } from '../numerik/client.js';
import type { Post } from '../numerik/types.js';
import { conflictOf, type Conflict } from '../status/status.js';
import { CONTENT_FIELDS } from './names.js';

/** What names one record: an activity's key or a post's id. */
export type RecordKey = { activity: number } | { post: string };

/** A record not known on either side: nothing to show, nothing to act on. */
export class UnknownRecordError extends Error {
  override name = 'UnknownRecordError';
}

export interface HistoryLine {
  id: number;
  at: string;
  direction: string;
  kind: string;
  reason: string;
  resolved: { at: string; by: string | null; resolution: string | null } | null;
}

/** Everything an operator needs about one activity and its post, on one page (`show`). */
export interface RecordView {
  activitySeqno: number | null;
  postId: string | null;
  /** The Exo site's zone, in which a person reads the times (they are UTC here). */
  timeZone: string;
  link: { state: PostLink['state']; postType: string; origin: string; linkedAt: string; syncedAt: string; postUrl: string | null } | null;
  /** What the Exo user sees on the activity (X_NUMERIK_POST, X_NUMERIK_STATE). */
  fields: RecordFields | null;
  activity: { subject: string | null; details: string | null; companyId: string | null; deleted: boolean; modifiedAt: string | null } | null;
  /** Customer, user and account ids the page shows, to the names people know them by. */
  names: Record<string, string>;
  /** Numerik could not be read: why (the rest of the page is still shown). */
  numerikError: string | null;
  /**
   * Per field of the post's type: both sides now, and what each looked like when they last agreed.
   * `differs` only when the two disagree in a way they did not when they last agreed: a field the
   * mapping always shows differently (a completed Exo activity is a note, never completed) is none.
   */
  /** `ownership`: who owns the field (the fieldOwnership setting); two-way unless set. */
  sides: { field: ContentField; exo: unknown; numerik: unknown; agreedExo: unknown; agreedNumerik: unknown; differs: boolean; ownership: Ownership }[];
  pending: { queue: PendingWork[]; inbox: PendingWork[] };
  open: { parked: HistoryLine[]; dead: HistoryLine[]; conflicts: (Conflict & { resolved: HistoryLine['resolved'] })[] };
  history: HistoryLine[];
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const parse = (json: string | null): Content | null => (json ? (JSON.parse(json) as Content) : null);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function line(e: RecordLogEntry): HistoryLine {
  return {
    id: e.id,
    at: e.at.toISOString(),
    direction: e.direction,
    kind: e.kind,
    reason: e.reason,
    resolved: e.resolvedAt ? { at: e.resolvedAt.toISOString(), by: e.resolvedBy, resolution: e.resolution } : null,
  };
}

/** The key's activity and post, as far as either side knows them; unknown on both: an error. */
export async function resolveRecord(db: Db, key: RecordKey): Promise<{ activitySeqno: number | null; postId: string | null; link: PostLink | undefined }> {
  if ('activity' in key) {
    const link = (await readPostLinks(db, [key.activity])).get(key.activity);
    const exists = (await readActivities(db, [key.activity])).has(key.activity);
    if (!link && !exists) throw new UnknownRecordError(`no activity ${key.activity} in Exo, and none linked to a post`);
    return { activitySeqno: key.activity, postId: link?.postId ?? null, link };
  }
  const link = (await readPostLinksByPost(db, [key.post])).get(key.post);
  return { activitySeqno: link?.activitySeqno ?? null, postId: key.post, link };
}

/**
 * One record's page: link state, both sides side by side with what they last agreed on, pending
 * work and its last error, and its history. Numerik is asked for the post's current state; when it
 * cannot answer, the page says so and shows the rest.
 */
export async function readRecord(db: Db, client: NumerikClient | undefined, lookups: Lookups, key: RecordKey): Promise<RecordView> {
  const { activitySeqno, postId, link } = await resolveRecord(db, key);
  let post: Post | undefined;
  let numerikError: string | null = null;
  let unreachable: unknown;
  if (postId && client) {
    try {
      const lookup = await client.getPost(postId);
      if (lookup.kind === 'post') post = lookup.post;
      else numerikError = lookup.kind === 'gone' ? `the post was deleted in Numerik${lookup.deletedAt ? ` (${lookup.deletedAt})` : ''}` : 'Numerik says this post never existed (404)';
    } catch (error) {
      unreachable = error;
      numerikError = `Numerik could not be read: ${causeOf(error)}`;
    }
  } else if (postId) numerikError = 'Numerik is not configured here (numerik.apiUrl)';
  // Nothing here but what Numerik could not tell: that is an outage, not an unknown post.
  if (activitySeqno === null && !post && unreachable) throw unreachable;
  if (activitySeqno === null && !post) throw new UnknownRecordError(`no activity is linked to post ${postId}, and Numerik has none to show (${numerikError ?? 'not found'})`);

  const activity = activitySeqno === null ? undefined : (await readActivities(db, [activitySeqno])).get(activitySeqno);
  const fields = activitySeqno === null ? undefined : (await readRecordFields(db, [activitySeqno])).get(activitySeqno);
  const ctx = activity && outboundContext(activity, link, lookups);
  const exoNow = activity && ctx ? activityContent(activity, ctx, ctx.customerId ?? post?.customer_id ?? '') : null;
  const numerikNow = post ? contentOfPost(post) : null;
  const agreedExo = parse(link?.exoContent ?? null);
  const agreedNumerik = parse(link?.numerikContent ?? null);
  const [work, log] = await Promise.all([recordWork(db, { activitySeqno, postId }), recordLog(db, { activitySeqno, postId })]);
  const open = (kind: string) => log.filter((e) => e.kind === kind && !e.resolvedAt);
  const conflicts = log
    .filter((e) => e.kind === 'conflict')
    .slice(0, 20)
    .map((e) => ({ ...conflictOf({ ...e, loggedAt: e.at }), resolved: line(e).resolved }));
  return {
    activitySeqno,
    postId,
    timeZone: lookups.options.timeZone,
    link: link ? { state: link.state, postType: link.postType, origin: link.origin, linkedAt: link.createdAt.toISOString(), syncedAt: link.syncedAt.toISOString(), postUrl: link.postUrl } : null,
    fields: fields ?? null,
    activity: activity ? { subject: activity.subject, details: activity.details, companyId: activity.companyId, deleted: activity.deleted, modifiedAt: iso(activity.modifiedAt) } : null,
    numerikError,
    names: await namesOf(
      db,
      client,
      lookups,
      [...[exoNow, numerikNow, agreedExo, agreedNumerik].flatMap((c) => (c ? Object.entries(c) : [])), ...conflicts.flatMap((c) => c.fields.flatMap((f): [string, unknown][] => [[f.field, f.exo], [f.field, f.numerik]]))],
      [...log.map((e) => e.reason), ...[...work.queue, ...work.inbox].flatMap((w) => (w.lastError ? [w.lastError] : []))],
      activity?.companyId ?? null,
    ),
    sides: fieldsOf(numerikNow?.type ?? exoNow?.type ?? link?.postType).map((field) => {
      const exo = exoNow?.[field] ?? null;
      const numerik = numerikNow?.[field] ?? null;
      const asAgreed = !!agreedExo && !!agreedNumerik && same(exo, agreedExo[field]) && same(numerik, agreedNumerik[field]);
      const ownership = ownershipOf(lookups.options.fieldOwnership, field);
      return { field, exo, numerik, agreedExo: agreedExo?.[field] ?? null, agreedNumerik: agreedNumerik?.[field] ?? null, differs: !!exoNow && !!numerikNow && !same(exo, numerik) && !asAgreed, ownership };
    }),
    pending: work,
    open: {
      parked: open('parked').map(line),
      dead: open('dead').map(line),
      conflicts,
    },
    history: log.map(line),
  };
}

/** The fields a post of the type has (a task has no follow-up, a note no assignee or due time). */
const fieldsOf = (type: string | undefined): readonly ContentField[] =>
  CONTENT_FIELDS.filter((f) => (type === 'note' ? f !== 'assignee_id' && f !== 'due_at' : type === 'task' ? f !== 'follow_up_date' : true));

/**
 * The names of the customers and users the fields name, and of the activity's account: from the
 * links this database keeps, then Numerik's users for a user still unnamed (when it answers).
 */
async function namesOf(db: Db, client: NumerikClient | undefined, lookups: Lookups, values: [string, unknown][], reasons: string[], companyId: string | null): Promise<Record<string, string>> {
  const ids = (field: ContentField) => new Set(values.filter(([f, v]) => f === field && typeof v === 'string' && v).map(([, v]) => v as string));
  const customerNames = new Map([...lookups.customers.values()].map((c) => [c.customerId, c.customerName]));
  const names: Record<string, string> = {};
  for (const id of ids('customer_id')) {
    const name = customerNames.get(id);
    if (name) names[id] = name;
  }
  // Users and customers the log's reasons name, by the ids' documented prefixes.
  const inReasons = reasons.flatMap((r) => r.match(/\b(?:cus|usr)_[A-Za-z0-9]+\b/g) ?? []);
  for (const id of inReasons.filter((i) => i.startsWith('cus_') && customerNames.get(i))) names[id] = customerNames.get(id)!;
  const users = [...new Set([...ids('assignee_id'), ...inReasons.filter((i) => i.startsWith('usr_'))])];
  for (const id of users) {
    const name = lookups.userNames.get(id) ?? lookups.staff.get(lookups.staffOfUser.get(id) ?? -1)?.name;
    if (name) names[id] = name;
  }
  if (client && users.some((id) => !names[id])) for (const u of await client.listUsers().catch(() => [])) if (users.includes(u.id) && !names[u.id]) names[u.id] = u.name;
  const account = parseCompanyId(companyId);
  const accountsName = account && (await accountName(db, account));
  if (account && accountsName) names[formatCompanyId(account)] = accountsName;
  return names;
}

/** Records matching what a person typed: an activity key, a post id, or words of a subject. */
export async function searchRecords(db: Db, text: string): Promise<{ key: RecordKey; label: string }[]> {
  const q = text.trim();
  if (!q) return [];
  const found: { key: RecordKey; label: string }[] = [];
  if (/^\d{1,9}$/.test(q)) found.push({ key: { activity: Number(q) }, label: `activity ${q}` });
  if (/^[\x21-\x7e]{1,64}$/.test(q) && (await readPostLinksByPost(db, [q])).has(q)) found.push({ key: { post: q }, label: `post ${q}` });
  for (const a of await findActivities(db, q)) if (!found.some((f) => 'activity' in f.key && f.key.activity === a.seqno)) found.push({ key: { activity: a.seqno }, label: `activity ${a.seqno} · ${a.subject ?? ''}` });
  return found;
}
