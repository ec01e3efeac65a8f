import { readActivities } from '../../../db/exo/activities.js';
import { TASKS } from '../../../db/exo/tasks.js';
import { readPostLinks } from '../../../db/plugin/links/posts.js';
import { OBJECTS } from '../../../db/plugin/objects.js';
import { SUPERSEDED } from '../../../sync/record/refresh-fields.js';
import { textGet } from '../../../sync/lens/activity-text.js';
import { inboundContext, loadLookups, outboundContext } from '../../../sync/lookups.js';
import { contentOfPost, type Content } from '../../../sync/mapping/content.js';
import { activityContent } from '../../../sync/mapping/outbound.js';
import { optionsSource } from '../../../sync/options-source.js';
import type { SyncFixture } from '../sync.js';
import type { ConflictCard, FinalState, LogLine, OpenProblem, Side } from './history.js';

/** The synced fields but the text, which the checker compares as the lens's view. */
function fieldsOf(content: Content): Record<string, unknown> {
  const { type: _type, body_text: _text, ...fields } = content;
  return fields;
}

/**
 * Both sides at rest, as plain data for the checker. What the activity should show of its post
 * and its fields in Numerik's terms are computed with the sync's own mapping (the text lens,
 * activityContent), so the checker compares like with like without knowing the lens.
 */
export async function readFinalState(f: SyncFixture): Promise<FinalState> {
  const { db, sandbox } = f;
  const seqnos = ((await db.table(TASKS).select('SEQNO')) as { SEQNO: number }[]).map((r) => r.SEQNO);
  const activities = await readActivities(db, seqnos);
  const linkRows = (await db.table(OBJECTS.postLink).select('ACTIVITY_SEQNO', 'POST_ID', 'STATE')) as { ACTIVITY_SEQNO: number; POST_ID: string; STATE: string }[];
  const links = await readPostLinks(db, linkRows.map((l) => l.ACTIVITY_SEQNO));
  const userNames = new Map([...sandbox.store.users.values()].map((u) => [u.id, u.name]));
  const lookups = await loadLookups(db, await optionsSource(db, f.options)(), userNames);
  const linkOfPost = new Map([...links.values()].map((l) => [l.postId, l]));
  const posts = [...sandbox.store.posts.values()].filter((p) => !p.deleted_at);
  return {
    activities: [...activities.values()].map((a) => {
      const link = links.get(a.seqno);
      const ctx = outboundContext(a, link, lookups);
      const base = link?.numerikContent ? (JSON.parse(link.numerikContent) as Content) : undefined;
      return { seqno: a.seqno, subject: a.subject ?? '', details: a.details ?? '', fields: fieldsOf(activityContent(a, ctx, ctx.customerId ?? base?.customer_id ?? '')) };
    }),
    posts: posts.map((p) => {
      const view = textGet(p, inboundContext(lookups));
      const ref = /^exo-task:(\d+):/.exec(p.external_ref ?? '');
      return {
        id: p.id,
        bodyText: p.body_text,
        comments: p.comments.map((c) => c.body_text),
        view: linkOfPost.has(p.id) ? { subject: view.subject, details: view.details } : null,
        fields: fieldsOf(contentOfPost(p)),
        refSeqno: ref ? Number(ref[1]) : null,
      };
    }),
    links: linkRows.map((l) => ({ seqno: l.ACTIVITY_SEQNO, postId: l.POST_ID, state: l.STATE })),
    conflicts: await conflictCards(f),
    problems: await openProblems(f),
  };
}

interface LogRow {
  ID: number;
  KIND: string;
  ACTIVITY_SEQNO: number | null;
  POST_ID: string | null;
  REASON: string;
  DETAIL: string | null;
  RESOLVED_AT: Date | null;
}

/** The conflict cards (X_NUMERIK_LOG kind 'conflict', closed or not), as converge records them. */
async function conflictCards(f: SyncFixture): Promise<ConflictCard[]> {
  const rows = (await f.db.table(OBJECTS.log).where({ KIND: 'conflict' }).select('ID', 'ACTIVITY_SEQNO', 'POST_ID', 'DETAIL', 'RESOLUTION').orderBy('ID')) as (LogRow & { RESOLUTION: string | null })[];
  return rows.map((r) => {
    const detail = (r.DETAIL ? JSON.parse(r.DETAIL) : {}) as { winner?: Side; fields?: string[]; exo?: Record<string, unknown>; numerik?: Record<string, unknown> };
    return { id: Number(r.ID), seqno: r.ACTIVITY_SEQNO, postId: r.POST_ID, winner: detail.winner ?? 'exo', fields: detail.fields ?? [], exo: detail.exo ?? {}, numerik: detail.numerik ?? {}, superseded: r.RESOLUTION === SUPERSEDED };
  });
}

async function openProblems(f: SyncFixture): Promise<OpenProblem[]> {
  const rows = (await f.db.table(OBJECTS.log).whereIn('KIND', ['dead', 'parked']).whereNull('RESOLVED_AT').select('KIND', 'ACTIVITY_SEQNO', 'POST_ID', 'REASON')) as LogRow[];
  return rows.map((r) => ({ kind: r.KIND as OpenProblem['kind'], seqno: r.ACTIVITY_SEQNO, postId: r.POST_ID, reason: r.REASON }));
}

/** Every line of X_NUMERIK_LOG in order, without its detail: what the sync did, to read beside the history. */
export async function readTrail(db: SyncFixture['db']): Promise<LogLine[]> {
  const rows = (await db.table(OBJECTS.log).select('LOGGED_AT', 'DIRECTION', 'KIND', 'ACTIVITY_SEQNO', 'POST_ID', 'REASON').orderBy('ID')) as (LogRow & { LOGGED_AT: Date; DIRECTION: string })[];
  return rows.map((r) => ({ at: new Date(r.LOGGED_AT).getTime(), direction: r.DIRECTION, kind: r.KIND, seqno: r.ACTIVITY_SEQNO, postId: r.POST_ID, reason: r.REASON }));
}
