import type { Db } from '../../db/connect.js';
import type { Activity } from '../../db/exo/activities.js';
import type { PostLink } from '../../db/plugin/links/posts.js';
import type { LogEntry } from '../../db/plugin/log.js';
import { converge, type ConvergeOutcome, type ConvergePreview } from '../converge/converge.js';
import { causeOf } from '../error-cause.js';
import { adoptionOf } from '../inbound/adoption.js';
import { outboundContext, type Lookups } from '../lookups.js';
import { planOutbound } from '../mapping/outbound.js';
import type { NumerikClient, PostLookup } from '../numerik/client.js';
import { NumerikError } from '../numerik/errors.js';
import type { Post } from '../numerik/types.js';
import { sample, type PreviewItem } from './item.js';

export interface DecideDeps {
  db: Db;
  client: NumerikClient;
  lookups: Lookups;
}

type Found = Pick<PreviewItem, 'source' | 'activitySeqno' | 'postId'>;

const item = (direction: PreviewItem['direction'], found: Found, rest: Pick<PreviewItem, 'decision' | 'reason'> & Partial<PreviewItem>): PreviewItem => ({
  direction,
  exoText: null,
  numerikText: null,
  ...found,
  ...rest,
});

/** Why Numerik could not be asked: an outage is "unknown", Numerik's refusal would be a dead letter. */
function unreadable(direction: PreviewItem['direction'], found: Found, error: unknown): PreviewItem {
  const refused = error instanceof NumerikError && !error.transient;
  return item(direction, found, { decision: refused ? 'refuse' : 'unknown', reason: refused ? causeOf(error) : `Numerik could not be read: ${causeOf(error)}` });
}

/** A converge run as a preview: what it would do, in the preview's words. */
async function convergePreview(deps: DecideDeps, direction: PreviewItem['direction'], found: Found, input: Omit<Parameters<typeof converge>[1], 'finish' | 'direction' | 'lookups'>): Promise<PreviewItem> {
  const preview: ConvergePreview = { log: [] };
  const outcome = await converge({ db: deps.db, client: deps.client, preview }, { ...input, lookups: deps.lookups, finish: async () => true, direction });
  const current = input.lookup.kind === 'post' ? input.lookup.post : undefined;
  const numerikText = preview.sent?.body_text ?? current?.body_text ?? null;
  const exoText = (preview.written?.DETAILS as string | undefined) ?? input.activity?.details ?? null;
  const writes = preview.written && preview.sent ? 'both' : preview.written ? 'exo' : preview.sent ? 'numerik' : undefined;
  return item(direction, found, {
    ...decisionOf(outcome, preview.log, current),
    exoText: sample(exoText),
    numerikText: sample(numerikText),
    writes,
    now: { exo: sample(input.activity?.details), numerik: sample(current?.body_text) },
  });
}

function decisionOf(outcome: ConvergeOutcome, log: readonly LogEntry[], post: Post | undefined): Pick<PreviewItem, 'decision' | 'reason'> {
  const said = log.map((e) => e.reason).join('; ');
  switch (outcome.kind) {
    case 'done': {
      const conflicts = outcome.conflicts.length ? ` (a conflict on ${outcome.conflicts.join(', ')}, decided by conflictPolicy)` : '';
      if (outcome.action === 'inserted') {
        const notes = log.filter((e) => e.kind !== 'synced').map((e) => e.reason);
        return { decision: 'create', reason: [`a new activity from the ${post?.type ?? 'post'}`, ...notes].join('; ') };
      }
      if (outcome.action === 'in-sync') return { decision: 'nothing', reason: 'both sides already agree' };
      if (outcome.action === 'skipped') return { decision: 'skip', reason: said || 'skipped' };
      return { decision: 'update', reason: `${said || outcome.action}${conflicts}` };
    }
    case 'park':
      return { decision: 'park', reason: outcome.reason };
    case 'dead':
      return { decision: 'refuse', reason: outcome.error };
    case 'retry':
      return { decision: 'unknown', reason: outcome.error };
    case 'lost':
      return { decision: 'unknown', reason: 'another worker has it' };
    case 'busy':
      return { decision: 'unknown', reason: outcome.reason };
  }
}

/**
 * What sending one queued (or historical) activity would do, by the same decisions as the worker:
 * the plan (exclusions, customer link, mapping), and for an update the post as Numerik has it now
 * (a post that moved on is merged, three-way, as the worker would). Nothing is sent or written.
 */
export async function decideActivity(deps: DecideDeps, source: PreviewItem['source'], seqno: number, activity: Activity | undefined, link: PostLink | undefined): Promise<PreviewItem> {
  const found: Found = { source, activitySeqno: seqno, postId: link?.postId ?? null };
  const plan = planOutbound(activity, outboundContext(activity, link, deps.lookups));
  switch (plan.kind) {
    case 'park':
      return item('outbound', found, { decision: 'park', reason: plan.reason, exoText: sample(activity?.details) });
    case 'skip': {
      if (!plan.stopLink || link?.state !== 'active') return item('outbound', found, { decision: 'skip', reason: plan.reason, exoText: sample(activity?.details) });
      const mark = deps.lookups.options.exoDeleteMark;
      return item('outbound', found, { decision: mark === 'none' ? 'skip' : 'update', reason: `${plan.reason}${mark === 'none' ? '' : ` (marked: exoDeleteMark ${mark})`}; the link stops` });
    }
    case 'create':
      return item('outbound', found, { decision: 'create', reason: `a new ${plan.input.type}${plan.notes.length ? `; ${plan.notes.join('; ')}` : ''}`, exoText: sample(activity?.details), numerikText: sample(plan.input.body_text) });
    case 'restore':
      return item('outbound', found, { decision: 'update', reason: 'restored in Exo: the "Deleted in Exo" mark would be taken off the post, and the activity synced again', exoText: sample(activity?.details) });
    case 'unchanged':
      return item('outbound', found, { decision: 'nothing', reason: plan.subject === undefined ? 'nothing Numerik does not have' : "nothing to send; the subject is put back to the post's first line", exoText: sample(activity?.details) });
    case 'update': {
      let lookup: PostLookup;
      try {
        lookup = await deps.client.getPost(plan.postId);
      } catch (error) {
        return unreadable('outbound', found, error);
      }
      if (lookup.kind === 'post' && lookup.post.version === link!.numerikVersion) {
        const fields = Object.keys(plan.patch).filter((k) => k !== 'body_html');
        return item('outbound', found, {
          decision: 'update',
          reason: `sends ${fields.join(', ')}`,
          exoText: sample(activity?.details),
          numerikText: sample(plan.patch.body_text ?? lookup.post.body_text),
          now: { exo: sample(activity?.details), numerik: sample(lookup.post.body_text) },
        });
      }
      // Numerik changed the post since the two last agreed (or it is gone): the worker's 412 path.
      return convergePreview(deps, 'outbound', found, { postId: plan.postId, lookup, link, activity });
    }
  }
}

/** What applying one post (from the inbox or Numerik's recent changes) would do to Exo. Nothing is written. */
export async function decidePost(deps: DecideDeps, source: PreviewItem['source'], lookup: PostLookup, postId: string, link: PostLink | undefined, linked: Activity | undefined): Promise<PreviewItem> {
  const found: Found = { source, activitySeqno: link?.activitySeqno ?? null, postId };
  let activity = linked;
  let refusedRef: string | undefined;
  let adoptionParked: string | undefined;
  if (!link && lookup.kind === 'post') {
    const adoption = await adoptionOf(deps.db, lookup.post, deps.client);
    activity = adoption.activity;
    refusedRef = adoption.refused;
    adoptionParked = adoption.park;
    if (activity) found.activitySeqno = activity.seqno;
  }
  return convergePreview(deps, 'inbound', found, { postId, lookup, link, activity, refusedRef, adoptionParked, deleted: lookup.kind === 'gone' ? { at: lookup.deletedAt ?? new Date().toISOString(), by: lookup.deletedBy ?? null } : undefined });
}

/** A post Numerik could not be asked about: what the sync would do with it is not known yet. */
export function unknownPost(source: PreviewItem['source'], postId: string, link: PostLink | undefined, error: unknown): PreviewItem {
  return { direction: 'inbound', source, activitySeqno: link?.activitySeqno ?? null, postId, decision: 'unknown', reason: `Numerik could not be read: ${causeOf(error)}`, exoText: null, numerikText: null };
}
