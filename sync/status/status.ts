import type { Db } from '../../db/connect.js';
import { lastSynced, openEntries, parkedByReason, type LogItem } from '../../db/plugin/status/log-summary.js';
import { workDepth, workErrors, type WorkDepth } from '../../db/plugin/status/work-depth.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { setsWaiting } from '../../db/plugin/status/sets-waiting.js';
import type { SyncOptions } from '../options.js';
import { readPostLinks, type PostLink } from '../../db/plugin/links/posts.js';
import type { CardChoice, CardEdit } from '../mapping/conflict-card.js';
import type { Content, ContentField } from '../mapping/content.js';

export interface DirectionStatus extends WorkDepth {
  enabled: boolean;
  lastSuccessAt: string | null;
  /** Why the items waiting for a retry failed (a missing attachments root, Numerik's 503…). */
  errors: { error: string; count: number }[];
  /** Exo → Numerik: statements that changed many activities, not yet split into waiting items. */
  bulkStatements: number;
}

export interface Conflict {
  id: number;
  at: string;
  activitySeqno: number | null;
  postId: string | null;
  policy: string;
  winner: 'exo' | 'numerik';
  /** The activity's subject when the conflict was decided (cards older than this have none). */
  subject: string | null;
  /** Who made each side's edit, and when. */
  edits: Record<'exo' | 'numerik', CardEdit> | null;
  /**
   * Each field in conflict: Exo's value and Numerik's when the conflict was decided, the choice a
   * person made of it, and what each side holds now (as last synced), where known.
   */
  fields: { field: string; exo: unknown; numerik: unknown; chosen: CardChoice | null; now: { exo: unknown; numerik: unknown } | null }[];
}

export interface DeadLetter {
  id: number;
  at: string;
  direction: string;
  activitySeqno: number | null;
  postId: string | null;
  reason: string;
}

/** Everything an operator looks at: the same facts for `status`, GET /status and the status page. */
export interface SyncStatus {
  generatedAt: string;
  /** The Exo site's zone, in which a person reads these times (they are UTC here). */
  timeZone: string;
  outbound: DirectionStatus;
  inbound: DirectionStatus;
  parked: { direction: string; reason: string; count: number; since: string }[];
  dead: { total: number; items: DeadLetter[] };
  conflicts: { total: number; items: Conflict[] };
  /** Shadow mode: what the sync would have done, newest first (open until shadow mode ends). */
  shadow: { enabled: boolean; total: number; items: DeadLetter[] };
}

const iso = (d: Date | undefined | null) => (d ? d.toISOString() : null);

const oldestOf = (...ages: (number | null)[]) => {
  const known = ages.filter((a): a is number => a !== null);
  return known.length ? Math.max(...known) : null;
};

/** A conflict entry of X_NUMERIK_LOG as the status and a record's page show it. */
export function conflictOf(e: Pick<LogItem, 'id' | 'loggedAt' | 'activitySeqno' | 'postId' | 'detail'>, now?: { exo: Partial<Content>; numerik: Partial<Content> }): Conflict {
  const detail = (e.detail ?? {}) as {
    policy?: string;
    winner?: 'exo' | 'numerik';
    fields?: string[];
    exo?: Record<string, unknown>;
    numerik?: Record<string, unknown>;
    subject?: string | null;
    edits?: Record<'exo' | 'numerik', CardEdit>;
    choices?: Record<string, CardChoice>;
  };
  return {
    id: e.id,
    at: e.loggedAt.toISOString(),
    activitySeqno: e.activitySeqno,
    postId: e.postId,
    policy: detail.policy ?? '',
    winner: detail.winner ?? 'exo',
    subject: detail.subject ?? null,
    edits: detail.edits ?? null,
    fields: (detail.fields ?? []).map((field) => ({
      field,
      exo: detail.exo?.[field] ?? null,
      numerik: detail.numerik?.[field] ?? null,
      chosen: detail.choices?.[field] ?? null,
      now: now ? { exo: now.exo[field as ContentField] ?? null, numerik: now.numerik[field as ContentField] ?? null } : null,
    })),
  };
}

/** What each side of the carded activities held when they last agreed: a card's "now" without asking Numerik. */
async function agreedSides(db: Db, cards: readonly LogItem[]): Promise<Map<number, { exo: Partial<Content>; numerik: Partial<Content> }>> {
  const seqnos = [...new Set(cards.flatMap((c) => (c.activitySeqno === null ? [] : [c.activitySeqno])))];
  const links = seqnos.length ? await readPostLinks(db, seqnos) : new Map<number, PostLink>();
  const parse = (json: string | null) => (json ? (JSON.parse(json) as Partial<Content>) : {});
  return new Map([...links].map(([seqno, l]) => [seqno, { exo: parse(l.exoContent), numerik: parse(l.numerikContent) }]));
}

export async function readStatus(db: Db, options: SyncOptions, limit = 50): Promise<SyncStatus> {
  const [queue, sets, inbox, queueErrors, inboxErrors, last, parked, dead, conflicts, shadow] = await Promise.all([
    workDepth(db, OBJECTS.queue),
    setsWaiting(db),
    workDepth(db, OBJECTS.inbox),
    workErrors(db, OBJECTS.queue),
    workErrors(db, OBJECTS.inbox),
    lastSynced(db),
    parkedByReason(db),
    openEntries(db, 'dead', limit),
    openEntries(db, 'conflict', limit),
    openEntries(db, 'shadow', limit),
  ]);
  const agreed = await agreedSides(db, conflicts.items);
  const line = (e: LogItem): DeadLetter => ({ id: e.id, at: e.loggedAt.toISOString(), direction: e.direction, activitySeqno: e.activitySeqno, postId: e.postId, reason: e.reason });
  return {
    generatedAt: new Date().toISOString(),
    timeZone: options.timeZone,
    outbound: {
      enabled: options.syncExoToNumerik,
      lastSuccessAt: iso(last.outbound),
      ...queue,
      oldestSeconds: oldestOf(queue.oldestSeconds, sets.oldestSeconds),
      errors: queueErrors,
      bulkStatements: sets.statements,
    },
    inbound: { enabled: options.syncNumerikToExo, lastSuccessAt: iso(last.inbound), ...inbox, errors: inboxErrors, bulkStatements: 0 },
    parked: parked.map((p) => ({ ...p, since: p.since.toISOString() })),
    dead: { total: dead.total, items: dead.items.map(line) },
    conflicts: { total: conflicts.total, items: conflicts.items.map((c) => conflictOf(c, c.activitySeqno === null ? undefined : agreed.get(c.activitySeqno))) },
    shadow: { enabled: options.shadow, total: shadow.total, items: shadow.items.map(line) },
  };
}
