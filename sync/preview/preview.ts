import type { Db } from '../../db/connect.js';
import { readActivities } from '../../db/exo/activities.js';
import { historyPage, type ChangeRange } from '../../db/exo/history.js';
import { inboxAmong, inboxPosts } from '../../db/plugin/inbox/inbox-posts.js';
import { readPostLinks, readPostLinksByPost } from '../../db/plugin/links/posts.js';
import { keysInSets } from '../../db/plugin/queue/keys-in-sets.js';
import { queuedActivities, queuedAmong } from '../../db/plugin/queue/queued-activities.js';
import { readSettings } from '../../db/plugin/settings.js';
import { causeOf } from '../error-cause.js';
import { WATERMARK_KEY } from '../inbound/reconcile.js';
import { loadLookups, type Lookups } from '../lookups.js';
import { planReferenceData, plannedLinks } from '../reference/refresh.js';
import type { NumerikClient, PostLookup } from '../numerik/client.js';
import type { SyncOptions } from '../options.js';
import { decideActivity, decidePost, unknownPost, type DecideDeps } from './decide.js';
import { PREVIEW_DECISIONS, type PreviewDecision, type PreviewItem } from './item.js';
import { SortedKeys, unionPage } from './sorted-keys.js';

export interface PreviewOptions {
  /** Also the activities a backfill of this range would send. */
  history?: ChangeRange;
  /** Numerik's posts changed since this instant (default: where the reconcile poll stands). */
  numerikSince?: string;
  /** Stop after this many items (the summary says so). */
  limit?: number;
}

export interface PreviewSummary {
  /** Per direction, how many items would get each decision. */
  counts: Record<PreviewItem['direction'], Record<PreviewDecision, number>>;
  items: number;
  /** What could not be read (and so is missing from the preview), each with its cause. */
  unreadable: string[];
  /** What the preview did not look at, and why (no error). */
  notes: string[];
  truncated: boolean;
}

const PAGE = 200;
const emptyCounts = () => Object.fromEntries(PREVIEW_DECISIONS.map((d) => [d, 0])) as Record<PreviewDecision, number>;

class Enough extends Error {}

/**
 * What the sync would do now, item by item, by its own decisions (exclusions, customer and staff
 * matching, parking, mapping, the three-way merge), over the queue (with the activities of bulk
 * statements the worker has yet to split into it), the inbox, Numerik's recent posts and, when
 * asked, the history a backfill would send. It writes nothing to Exo or Numerik.
 * Items are streamed to `emit` a page at a time: memory stays flat however much there is. A
 * source that cannot be read is named in `unreadable`, and the rest is still reported.
 */
export async function runPreview(db: Db, client: NumerikClient, options: SyncOptions, o: PreviewOptions, emit: (item: PreviewItem) => void | Promise<void>): Promise<PreviewSummary> {
  const summary: PreviewSummary = { counts: { outbound: emptyCounts(), inbound: emptyCounts() }, items: 0, unreadable: [], notes: [], truncated: false };
  const out = async (item: PreviewItem) => {
    if (o.limit !== undefined && summary.items >= o.limit) {
      summary.truncated = true;
      throw new Enough();
    }
    summary.items += 1;
    summary.counts[item.direction][item.decision] += 1;
    await emit(item);
  };
  let lookups: Lookups;
  try {
    const users = await client.listUsers().catch((error: unknown) => {
      summary.unreadable.push(`Numerik's users (comment authors are shown by id): ${causeOf(error)}`);
      return [];
    });
    const names = new Map(users.map((u) => [u.id, u.name]));
    lookups = await loadLookups(db, options, names);
    // The service refreshes reference data before its workers start: decide with the links it would make.
    const links = await planReferenceData(db, client, options).then(
      (plan) => plannedLinks(db, plan),
      (error: unknown) => void summary.unreadable.push(`Numerik's customers, users and tags (the links as they are now are used): ${causeOf(error)}`),
    );
    if (links) lookups = await loadLookups(db, options, names, links);
  } catch (error) {
    summary.unreadable.push(`the Exo database: ${causeOf(error)}`);
    return summary;
  }
  const inSets = await setKeysWaiting(db, summary);
  const deps: Deps = { db, client, lookups, inSets, queued: async (seqnos) => new Set([...(await queuedAmong(db, seqnos)), ...seqnos.filter((s) => inSets.has(s))]) };
  const sources: [string, () => Promise<void>][] = [
    ['the outbound queue', () => previewQueue(deps, out)],
    ...(o.history ? [['the history a backfill would send', () => previewHistory(deps, o.history!, out)] as [string, () => Promise<void>]] : []),
    ['the inbox', () => previewInbox(db, deps, out)],
    ["Numerik's recent posts", () => previewNumerik(db, deps, o.numerikSince, out, summary.notes)],
  ];
  for (const [name, run] of sources) {
    try {
      await run();
    } catch (error) {
      if (error instanceof Enough) break;
      summary.unreadable.push(`${name}: ${causeOf(error)}`);
    }
  }
  return summary;
}

type Out = (item: PreviewItem) => Promise<void>;

interface Deps extends DecideDeps {
  /** Activities of bulk statements' sets not yet split into queue rows. */
  inSets: SortedKeys;
  /** Which of these activities wait to be sent: queue rows, or keys of a set. */
  queued(seqnos: number[]): Promise<Set<number>>;
}

/**
 * The keys bulk Exo statements left in sets the worker has not split yet, read only: the preview
 * shows their activities with the queue's, as the worker will once it has split them.
 */
async function setKeysWaiting(db: Db, summary: PreviewSummary): Promise<SortedKeys> {
  const keys: number[] = [];
  try {
    const { statements, unreadable } = await keysInSets(db, (key) => keys.push(key));
    for (const set of unreadable) summary.unreadable.push(`a bulk Exo statement's changes: ${set}; the worker leaves it there too`);
    if (statements) summary.notes.push(`${statements} bulk Exo statement(s) not yet split into the queue: their activities are previewed with it`);
  } catch (error) {
    summary.unreadable.push(`bulk Exo statements not yet split into the queue: ${causeOf(error)}`);
  }
  return new SortedKeys(keys);
}

async function activities(deps: DecideDeps, source: PreviewItem['source'], seqnos: number[], out: Out): Promise<void> {
  const [found, links] = await Promise.all([readActivities(deps.db, seqnos), readPostLinks(deps.db, seqnos)]);
  for (const seqno of seqnos) await out(await decideActivity(deps, source, seqno, found.get(seqno), links.get(seqno)));
}

async function previewQueue(deps: Deps, out: Out): Promise<void> {
  for (let after = 0; ; ) {
    // Key order across both: an activity both queued and in a set is one item.
    const page = unionPage(await queuedActivities(deps.db, after, PAGE), deps.inSets.after(after, PAGE), PAGE);
    if (!page.length) return;
    await activities(deps, 'queue', page, out);
    after = page[page.length - 1]!;
  }
}

async function previewHistory(deps: Deps, range: ChangeRange, out: Out): Promise<void> {
  for (let after = 0; ; ) {
    const page = await historyPage(deps.db, range, after, PAGE);
    if (!page.length) return;
    // An activity queued already was reported with the queue.
    const queued = await deps.queued(page);
    await activities(deps, 'history', page.filter((s) => !queued.has(s)), out);
    after = page[page.length - 1]!;
  }
}

async function posts(deps: Deps, source: PreviewItem['source'], lookups: { postId: string; lookup: PostLookup | Error }[], out: Out): Promise<void> {
  const links = await readPostLinksByPost(deps.db, lookups.map((l) => l.postId));
  const seqnos = [...links.values()].map((l) => l.activitySeqno);
  const [linked, queued] = await Promise.all([readActivities(deps.db, seqnos), deps.queued(seqnos)]);
  for (const { postId, lookup } of lookups) {
    const link = links.get(postId);
    if (link && queued.has(link.activitySeqno)) {
      // Its activity's queued change is merged with the post (reported with Exo → Numerik): one effect, shown once.
      await out({ direction: 'inbound', source, activitySeqno: link.activitySeqno, postId, decision: 'nothing', reason: "merged with its activity's queued change (see Exo → Numerik)", exoText: null, numerikText: null });
      continue;
    }
    if (lookup instanceof Error) {
      await out(unknownPost(source, postId, link, lookup));
      continue;
    }
    await out(await decidePost(deps, source, lookup, postId, link, link ? linked.get(link.activitySeqno) : undefined));
  }
}

async function previewInbox(db: Db, deps: Deps, out: Out): Promise<void> {
  for (let after = ''; ; ) {
    const page = await inboxPosts(db, after, PAGE);
    if (!page.length) return;
    // Each post as Numerik has it now, as the worker would fetch it.
    const lookups = await Promise.all(page.map(async (postId) => ({ postId, lookup: await deps.client.getPost(postId).catch((error: unknown) => error as Error) })));
    await posts(deps, 'inbox', lookups, out);
    after = page[page.length - 1]!;
  }
}

async function previewNumerik(db: Db, deps: Deps, since: string | undefined, out: Out, notes: string[]): Promise<void> {
  const from = since ?? ((await readSettings(db))[WATERMARK_KEY] as string | undefined) ?? deps.lookups.options.syncFrom ?? undefined;
  if (!from) {
    notes.push("Numerik's posts: not looked at, the poll has never run and syncFrom is not set: switched on, the sync brings only what changes from then (--numerik-since to look anyway)");
    return;
  }
  let page: { postId: string; lookup: PostLookup }[] = [];
  const flush = async () => {
    const waiting = await inboxAmong(db, page.map((p) => p.postId));
    await posts(deps, 'numerik', page.filter((p) => !waiting.has(p.postId)), out);
    page = [];
  };
  for await (const post of deps.client.listPosts(from)) {
    page.push({ postId: post.id, lookup: 'deleted' in post ? { kind: 'gone', deletedAt: post.updated_at, deletedBy: null } : { kind: 'post', post } });
    if (page.length >= PAGE) await flush();
  }
  await flush();
}
