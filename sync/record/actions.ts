import type { Db } from '../../db/connect.js';
import { readActivities, type Activity } from '../../db/exo/activities.js';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { updatePostLink, type PostLink } from '../../db/plugin/links/posts.js';
import { writeLog } from '../../db/plugin/log.js';
import { enqueueActivities } from '../../db/plugin/queue/enqueue.js';
import { recordChoices } from '../../db/plugin/conflict-cards.js';
import { resolveEntries, SYNC_ITSELF } from '../../db/plugin/resolve-entries.js';
import { logEntry, recordLog } from '../../db/plugin/status/record-log.js';
import { recordWork } from '../../db/plugin/status/record-work.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import { converge } from '../converge/converge.js';
import { textPut } from '../lens/activity-text.js';
import { outboundContext, type Lookups } from '../lookups.js';
import { contentOfPost, type Content, type ContentField } from '../mapping/content.js';
import { textToHtml } from '../mapping/text.js';
import type { NumerikClient } from '../numerik/client.js';
import type { Post, PostPatch } from '../numerik/types.js';
import { actorOf } from '../mapping/inbound.js';
import { choiceSentence, FIELD_WORDS, openFields, type CardChoice } from '../mapping/conflict-card.js';
import { restoreLink } from '../outbound/restore.js';
import { withLandedSend } from '../pending-send.js';
import { CONTENT_FIELDS, type RecordAction } from './names.js';
import { rebasedLink, type ChosenSide } from './rebase.js';
import { resolveRecord, UnknownRecordError, type RecordKey } from './record-view.js';
import { refreshRecordFields, SUPERSEDED } from './refresh-fields.js';
import type { RecordEvent } from './state-text.js';


/** Numerik (or the database) could not be reached: nothing is lost, try again. */
export class RecordUnavailableError extends Error {
  override name = 'RecordUnavailableError';
}

/** The action cannot be done on this record as it is (not linked, already unlinked, superseded…). Nothing was changed. */
export class ActionRefusedError extends Error {
  override name = 'ActionRefusedError';
}

export interface ActionDeps {
  db: Db;
  client: NumerikClient;
  lookups: Lookups;
  logger?: Logger;
}

const SIDE_NAME: Record<ChosenSide, string> = { exo: "Exo's", numerik: "Numerik's" };

/** An operator's action on one record; what it did, in a sentence. Logged with who did it. */
export async function recordAction(deps: ActionDeps, key: RecordKey, action: RecordAction, by: string): Promise<{ message: string }> {
  const { db } = deps;
  const record = await resolveRecord(db, key);
  const name = [record.activitySeqno !== null ? `activity ${record.activitySeqno}` : '', record.postId ? `post ${record.postId}` : ''].filter(Boolean).join(' and ');
  if (record.link?.state === 'unlinked') throw new ActionRefusedError(`${name} were unlinked; nothing is synced between them any more`);
  switch (action) {
    case 'retry': {
      const exists = record.activitySeqno !== null && (await readActivities(db, [record.activitySeqno])).has(record.activitySeqno);
      const open = (await recordLog(db, record)).filter((e) => (e.kind === 'dead' || e.kind === 'parked') && !e.resolvedAt).map((e) => e.id);
      await db.knex.transaction(async (trx) => {
        if (exists) await enqueueActivities(db, [record.activitySeqno!], trx);
        if (record.postId) await storeEvent(db, { eventId: `retry:${record.postId}:${Date.now()}`, type: 'post.updated', postId: record.postId, version: null, source: 'requeue' }, trx);
        if (open.length) await resolveEntries(db, 'dead', { ids: open }, { by, resolution: `retried by ${by}` }, trx);
        if (open.length) await resolveEntries(db, 'parked', { ids: open }, { by, resolution: `retried by ${by}` }, trx);
        await writeLog(db, [{ direction: 'system', kind: 'note', activitySeqno: record.activitySeqno, postId: record.postId, reason: `retry now, by ${by}` }], trx);
      });
      return { message: `${name}: queued again${open.length ? ` (${open.length} open entr${open.length === 1 ? 'y' : 'ies'} closed)` : ''}` };
    }
    case 'unlink': {
      if (!record.link) throw new ActionRefusedError(`${name} is not linked`);
      await updatePostLink(db, record.link.activitySeqno, { state: 'unlinked' });
      await writeLog(db, [{ direction: 'system', kind: 'note', activitySeqno: record.activitySeqno, postId: record.postId, reason: `unlinked by ${by}: neither side is synced to the other from now on` }]);
      await fieldsAfter(deps, record.link.activitySeqno, { kind: 'not-synced', reason: `unlinked by ${by}` });
      return { message: `${name}: unlinked; neither is changed, and neither is synced to the other from now on` };
    }
    case 'send-exo':
    case 'take-numerik': {
      const side: ChosenSide = action === 'send-exo' ? 'exo' : 'numerik';
      const { link, activity, post } = await linkedPair(deps, record, name);
      await convergeChoice(deps, link, activity, post, side, CONTENT_FIELDS);
      await writeLog(db, [{ direction: 'system', kind: 'note', activitySeqno: activity.seqno, postId: post.id, reason: `${SIDE_NAME[side]} version made both sides' by ${by}` }]);
      await resolveEntries(db, 'conflict', { activitySeqnos: [activity.seqno] }, { by, resolution: `${SIDE_NAME[side]} version made both sides' by ${by}` });
      await fieldsAfter(deps, activity.seqno, SYNCED);
      return { message: `${name}: ${side === 'exo' ? "Exo's version sent to Numerik" : "Numerik's version written to Exo"}` };
    }
  }
}

interface ConflictDetail {
  winner: ChosenSide;
  fields: ContentField[];
  exo: Record<string, unknown>;
  numerik: Record<string, unknown>;
  losing?: { side: ChosenSide; content: Content };
  choices?: Partial<Record<ContentField, CardChoice>>;
}

/**
 * A person's "use this version" on one field of a conflict card (or on every field still open:
 * `field` 'all'): the chosen side's value is applied on both sides through the normal converge
 * path, and the choice kept on the card with who made it and what it did. The card stays open
 * until each of its fields has a choice. A card already closed (by choices, or a later change
 * superseded it), a field already chosen, or a newer change still on its way is refused.
 */
export async function chooseConflict(deps: ActionDeps, conflictId: number, field: ContentField | 'all', side: ChosenSide, by: string): Promise<{ message: string }> {
  const { db } = deps;
  const entry = await logEntry(db, conflictId);
  if (!entry || entry.kind !== 'conflict') throw new UnknownRecordError(`no conflict #${conflictId}`);
  if (entry.resolvedAt) {
    const how = entry.resolution ?? 'resolved';
    throw new ActionRefusedError(`conflict #${conflictId} is closed already: ${how}${entry.resolvedBy && !how.includes(entry.resolvedBy) ? ` (${entry.resolvedBy})` : ''}; nothing changed`);
  }
  const detail = entry.detail as ConflictDetail;
  if (field !== 'all' && !detail.fields.includes(field)) throw new ActionRefusedError(`conflict #${conflictId} is about ${detail.fields.join(', ')}, not ${field}`);
  const made = field === 'all' ? undefined : detail.choices?.[field];
  if (made) throw new ActionRefusedError(`conflict #${conflictId}: its ${FIELD_WORDS[field as ContentField]} was chosen already (${made.did}); nothing changed`);
  const fields = field === 'all' ? openFields(detail.fields, detail.choices) : [field];
  if (entry.activitySeqno === null) throw new ActionRefusedError(`conflict #${conflictId} names no activity`);
  const record = await resolveRecord(db, { activity: entry.activitySeqno });
  const name = `activity ${entry.activitySeqno}`;
  const work = await recordWork(db, record);
  if (work.queue.length || work.inbox.filter((w) => w.what !== 'attachments').length) {
    throw new ActionRefusedError(`a later change of ${name} is still being synced; it may supersede conflict #${conflictId}: look again once it is done`);
  }
  const { link, activity, post } = await linkedPair(deps, record, name);
  if (side !== detail.winner) {
    const lost = detail.losing?.side === side ? detail.losing.content : undefined;
    if (!lost) throw new ActionRefusedError(`conflict #${conflictId} did not keep ${SIDE_NAME[side]} version`);
    const superseded = fields.filter((f) => f !== 'body_text' && JSON.stringify(contentOfPost(post)[f] ?? null) !== JSON.stringify(detail[detail.winner][f] ?? null));
    if (superseded.length) {
      await resolveEntries(db, 'conflict', { ids: [conflictId] }, { by: SYNC_ITSELF, resolution: SUPERSEDED });
      throw new ActionRefusedError(`conflict #${conflictId} was superseded: ${superseded.join(', ')} changed since; nothing changed`);
    }
    const patch = choicePatch(deps, link, activity, post, fields, side, lost);
    const chosen = Object.keys(patch).length ? await deps.client.updatePost(post.id, patch, post.version) : post;
    await convergeChoice({ ...deps, lookups: chooserLookups(deps.lookups, chosen, post, activity, by) }, link, activity, chosen, 'numerik', fields);
  }
  const at = new Date().toISOString();
  const choices = Object.fromEntries(fields.map((f): [ContentField, CardChoice] => [f, { side, by, at, did: choiceSentence(side, f, detail.winner, by) }]));
  const did = Object.values(choices).map((c) => c.did).join('; ');
  const recorded = await recordChoices(db, conflictId, choices, (all) => ({ by, resolution: Object.values(all).map((c) => (c as CardChoice).did).join('; ') }));
  if ('closed' in recorded) throw new ActionRefusedError(`conflict #${conflictId} was closed meanwhile by someone else`);
  if ('taken' in recorded) throw new ActionRefusedError(`conflict #${conflictId}: its ${FIELD_WORDS[recorded.taken as ContentField] ?? recorded.taken} was chosen meanwhile by someone else`);
  await writeLog(db, [{ direction: 'system', kind: 'note', activitySeqno: activity.seqno, postId: post.id, reason: `conflict #${conflictId}: ${did}`, detail: { conflict: conflictId, fields, side } }]);
  // A card still open says so on the activity; only the last choice lets its state say "synced".
  await fieldsAfter(deps, activity.seqno, recorded.open.length ? { kind: 'synced', transferred: true, conflict: true } : SYNCED);
  const left = recorded.open.map((f) => FIELD_WORDS[f as ContentField] ?? f);
  return { message: `conflict #${conflictId} on ${name}: ${did}${left.length ? `; still to choose: ${left.join(', ')}` : ''}` };
}

/**
 * The lookups a choice writes Exo with. The post's latest change is then the sync's own PATCH,
 * made for the person who chose: the activity's MODIFIEDBY is their staff member (`by` a login ID
 * or e-mail address), else the system staff member, else left as it was; never the default staff
 * member, and the sync's own Numerik user is never logged as a user without a staff member.
 */
function chooserLookups(lookups: Lookups, chosen: Post, before: Post, activity: Activity, by: string): Lookups {
  if (chosen === before) return lookups;
  const named = by.trim().toLowerCase();
  const chooser = [...lookups.staff.values()].find((s) => s.active && (s.loginId.toLowerCase() === named || s.email?.toLowerCase() === named));
  const staff = chooser?.staffno ?? lookups.systemStaff ?? activity.modifiedBy;
  if (staff === null) return lookups;
  return { ...lookups, staffOfUser: new Map([...lookups.staffOfUser, [actorOf(chosen), staff]]) };
}

/** The Numerik change that makes the chosen (losing) side's value of `fields` the post's. */
function choicePatch(deps: ActionDeps, link: PostLink, activity: Activity, post: Post, fields: readonly ContentField[], side: ChosenSide, lost: Content): PostPatch {
  const patch: PostPatch = Object.fromEntries(fields.filter((f) => f !== 'body_text').map((f) => [f, lost[f]]));
  if (fields.includes('body_text')) {
    // Numerik's own text comes back whole; Exo's is its view, put over the post as an edit would be.
    const text =
      side === 'numerik'
        ? lost.body_text
        : textPut(lost.body_text, JSON.parse(rebasedLink(link, activity, post, deps.lookups, 'exo', ['body_text']).exoContent!).body_text as string, post.body_text, post.body_text, 'exo', outboundContext(activity, link, deps.lookups)).text;
    if (text !== post.body_text) Object.assign(patch, { body_text: text, body_html: textToHtml(text) });
  }
  return patch;
}

async function linkedPair(deps: ActionDeps, record: Awaited<ReturnType<typeof resolveRecord>>, name: string): Promise<{ link: PostLink; activity: Activity; post: Post }> {
  // A link stopped by a deletion in Exo takes part once the activity is restored there.
  const stopped = record.link?.state === 'exo-deleted';
  if (!record.link || (record.link.state !== 'active' && !stopped)) throw new ActionRefusedError(`${name} ${record.link ? `is ${record.link.state}` : 'is not linked'}: there is no other side to bring into step`);
  const activity = (await readActivities(deps.db, [record.link.activitySeqno])).get(record.link.activitySeqno);
  if (!activity || activity.deleted) throw new ActionRefusedError(`${name}: the activity is deleted in Exo`);
  let link = record.link;
  if (stopped) {
    const restored = await restoreLink(deps, activity, link);
    if ('skipped' in restored) throw new ActionRefusedError(`${name}: ${restored.skipped}`);
    await writeLog(deps.db, restored.log);
    link = restored.link;
  }
  const lookup = await deps.client.getPost(link.postId);
  if (lookup.kind !== 'post') throw new ActionRefusedError(`${name}: the post is ${lookup.kind === 'gone' ? 'deleted in Numerik' : 'unknown to Numerik'}`);
  return { link, activity, post: lookup.post };
}

/** Brings the chosen side's values of `fields` to the other side: a converge against moved bases. */
async function convergeChoice(deps: ActionDeps, link: PostLink, activity: Activity, post: Post, side: ChosenSide, fields: readonly ContentField[]): Promise<void> {
  const outcome = await converge(
    { db: deps.db, client: deps.client },
    {
      postId: post.id,
      lookup: { kind: 'post', post },
      // In memory only: what the merge compares with; the link records the outcome as always. A send
      // recorded on it is read as the merge would (landed or not) and then left out: no send's
      // agreement may overlay the person's choice.
      link: { ...rebasedLink({ ...withLandedSend(link, post), sending: null }, activity, post, deps.lookups, side, fields), numerikVersion: null },
      storedLink: link,
      activity,
      lookups: deps.lookups,
      finish: async () => true,
      direction: side === 'exo' ? 'outbound' : 'inbound',
    },
  );
  if (outcome.kind === 'park') throw new ActionRefusedError(`waiting: ${outcome.reason}; nothing changed`);
  if (outcome.kind === 'dead') throw new ActionRefusedError(outcome.error);
  if (outcome.kind === 'retry') throw new RecordUnavailableError(outcome.error);
  if (outcome.kind === 'busy') throw new RecordUnavailableError(`${outcome.reason}: nothing changed; try again`);
}

const SYNCED: RecordEvent = { kind: 'synced', transferred: true, conflict: false };

async function fieldsAfter(deps: ActionDeps, seqno: number, event: RecordEvent): Promise<void> {
  await refreshRecordFields(deps.db, [{ seqno, event }], deps.lookups.options, deps.logger ?? silentLogger);
}
