import { splitExoDetails } from './edits.js';
import type { Agreement, ConflictCard, Edit, FinalActivity, FinalPost, FinalState, Side, Target, Violation } from './history.js';
import { tokenCounts, tokensIn } from './tokens.js';

/**
 * The history checker (Jepsen/Elle style): a pure function of what the actors did and what both
 * sides hold at rest. The promises it checks are DESIGN.md's "Concurrency" ones:
 * - every edit is in the final text on both sides, once, or is the losing side of exactly one
 *   conflict card (else: a lost update, a duplicated line, a conflict recorded twice);
 * - both sides are equal at rest (the activity shows what the sync's lens makes of its post);
 * - one post per activity and one activity per post, all linked;
 * - no conflict card without a real conflict (one that kept something a side really lost);
 * - a field's last write survives unless a conflict card kept it;
 * - no dead letter or parked item is left.
 * `agreements` are the agreements the sync recorded: a field set back where the sync never agreed
 * on another value is excused only by what they show, so without them nothing is.
 */
export function checkHistory(history: readonly Edit[], final: FinalState, agreements?: readonly Agreement[]): Violation[] {
  const violations: Violation[] = [];
  const pairs = pairUp(final, violations);
  sidesEqual(pairs.all, violations);
  checkCarriageReturns(final, violations);
  const located = locateTokens(final);
  const lostBy = tokensLostByCards(final.conflicts);
  for (const edit of history) checkEdit(edit, pairs, located, lostBy, violations);
  checkCards(final.conflicts, history, pairs, located, violations);
  checkFields(history, pairs, final.conflicts, agreements, violations);
  for (const p of final.problems) {
    violations.push({ kind: 'open-problem', message: `an open ${p.kind} item at rest: ${p.reason}`, ...ids(p.seqno, p.postId) });
  }
  return violations;
}

interface Pair {
  seqno: number;
  postId: string;
  activity: FinalActivity | undefined;
  post: FinalPost | undefined;
}

interface Pairs {
  all: Pair[];
  bySeqno: Map<number, Pair>;
  byPost: Map<string, Pair>;
}

const ids = (seqno: number | null | undefined, postId: string | null | undefined) => ({
  ...(seqno == null ? {} : { seqno }),
  ...(postId == null ? {} : { postId }),
});

/** Links to pairs; every activity and post linked once, every link to things that exist. */
function pairUp(final: FinalState, violations: Violation[]): Pairs {
  const activities = new Map(final.activities.map((a) => [a.seqno, a]));
  const posts = new Map(final.posts.map((p) => [p.id, p]));
  const bySeqno = new Map<number, Pair>();
  const byPost = new Map<string, Pair>();
  const all: Pair[] = [];
  for (const link of final.links) {
    if (link.state !== 'active') violations.push({ kind: 'unlinked', message: `link ${link.seqno} ⇄ ${link.postId} is ${link.state} at rest`, ...ids(link.seqno, link.postId) });
    const pair: Pair = { seqno: link.seqno, postId: link.postId, activity: activities.get(link.seqno), post: posts.get(link.postId) };
    if (bySeqno.has(link.seqno)) violations.push({ kind: 'duplicate-post', message: `activity ${link.seqno} is linked to two posts`, ...ids(link.seqno, link.postId) });
    if (byPost.has(link.postId)) violations.push({ kind: 'duplicate-activity', message: `post ${link.postId} is linked to two activities`, ...ids(link.seqno, link.postId) });
    if (!pair.activity) violations.push({ kind: 'unlinked', message: `link to activity ${link.seqno}, which does not exist`, ...ids(link.seqno, link.postId) });
    if (!pair.post) violations.push({ kind: 'unlinked', message: `link to post ${link.postId}, which does not exist`, ...ids(link.seqno, link.postId) });
    if (!bySeqno.has(link.seqno)) bySeqno.set(link.seqno, pair);
    if (!byPost.has(link.postId)) byPost.set(link.postId, pair);
    all.push(pair);
  }
  for (const a of final.activities) {
    if (!bySeqno.has(a.seqno)) violations.push({ kind: 'unlinked', message: `activity ${a.seqno} has no post at rest`, seqno: a.seqno });
  }
  for (const p of final.posts) {
    if (!byPost.has(p.id)) violations.push({ kind: 'unlinked', message: `post ${p.id} has no activity at rest`, postId: p.id });
  }
  // Two posts made for one activity (a create that ran twice), whether or not both are linked.
  const made = new Map<number, string[]>();
  for (const p of final.posts) if (p.refSeqno !== null) made.set(p.refSeqno, [...(made.get(p.refSeqno) ?? []), p.id]);
  for (const [seqno, postIds] of made) {
    if (postIds.length > 1) violations.push({ kind: 'duplicate-post', message: `activity ${seqno} has ${postIds.length} posts made for it: ${postIds.join(', ')}`, seqno });
  }
  return { all, bySeqno, byPost };
}

const withoutCr = (text: string) => text.replace(/\r\n/g, '\n');

/** At rest the activity is the lens's view of its post, and each synced field is equal on both sides. */
function sidesEqual(pairs: Pair[], violations: Violation[]): void {
  for (const { seqno, postId, activity, post } of pairs) {
    if (!activity || !post) continue;
    const at = { seqno, postId };
    if (post.view) {
      // Exo may save CRLF line breaks: a presentation, not a difference (README, "Line breaks"). A
      // CR that reached the post is reported on its own (checkCarriageReturns).
      if (withoutCr(activity.details) !== withoutCr(post.view.details)) {
        violations.push({ kind: 'sides-differ', message: `DETAILS of ${seqno} is not the view of ${postId}:\n${diffLines(withoutCr(activity.details), withoutCr(post.view.details))}`, ...at });
      }
      if (activity.subject !== post.view.subject) {
        violations.push({ kind: 'sides-differ', message: `SUBJECT of ${seqno} is ${JSON.stringify(activity.subject)}, the post's first line gives ${JSON.stringify(post.view.subject)}`, ...at });
      }
    }
    for (const field of new Set([...Object.keys(activity.fields), ...Object.keys(post.fields)])) {
      const exo = JSON.stringify(activity.fields[field] ?? null);
      const numerik = JSON.stringify(post.fields[field] ?? null);
      if (exo !== numerik) violations.push({ kind: 'sides-differ', message: `${field} of ${seqno} is ${exo} in Exo, ${numerik} in Numerik`, ...at });
    }
  }
}

/**
 * No Numerik user types a CR in a torture run, so a CR in a post's text is one an Exo CRLF save
 * added, which the sync must drop (README, "Line breaks": that is not an edit).
 */
function checkCarriageReturns(final: FinalState, violations: Violation[]): void {
  for (const p of final.posts) {
    const lines = p.bodyText.split('\n').filter((l) => l.includes('\r')).length;
    if (lines) violations.push({ kind: 'carriage-return', message: `post ${p.id} holds ${lines} line(s) with a CR that an Exo CRLF save added`, postId: p.id });
  }
}

/** The first lines where two texts part, for a readable report. */
function diffLines(exo: string, numerik: string): string {
  const a = exo.split('\n');
  const b = numerik.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return `  from line ${i + 1}: Exo ${JSON.stringify(a.slice(i, i + 3))}, the post's view ${JSON.stringify(b.slice(i, i + 3))}`;
}

type Place = 'exo-body' | 'exo-comments' | 'numerik-body' | 'numerik-comments';

interface Location {
  place: Place;
  seqno?: number;
  postId?: string;
  count: number;
}

/**
 * A new activity's post opens with its subject unless its details already begin with it, or hold
 * its line (rule 2). An Exo user who inserts a line above the create's first line and edits that
 * line before the create is sent leaves details that do neither: the post then opens with the
 * subject line ("Torture i cN") and has the create's line further down. That line is the subject,
 * not the create's line twice; it stays a line of the post once either side inserts a line above
 * it (seed 85012) or edits it (seed 84083). It counts once when it is the first line and unedited,
 * or when the create's line below it is edited; two unedited copies elsewhere are a duplicate.
 */
const SUBJECT_LINE = /^Torture \d+ (c\d+)$/;

function withoutSubjectLine(text: string): string {
  const lines = text.split('\n');
  for (const [at, line] of lines.entries()) {
    const token = /^Torture \d+ (c\d+)\b/.exec(line.trim())?.[1];
    if (!token) continue;
    const below = lines.slice(at + 1).filter((l) => tokensIn(l).has(token));
    const edited = (l: string) => SUBJECT_LINE.exec(l.trim())?.[1] !== token;
    const rule2 = (at === 0 && !edited(line) && below.length > 0) || below.some(edited);
    if (!rule2) return text;
    // The subject's token is not counted; edits made on the line since are.
    return [...lines.slice(0, at), line.replace(token, ''), ...lines.slice(at + 1)].join('\n');
  }
  return text;
}

/** Where each token occurs in the final state (the subject is the first line again: not counted). */
function locateTokens(final: FinalState): Map<string, Location[]> {
  const located = new Map<string, Location[]>();
  const add = (text: string, where: Omit<Location, 'count'>) => {
    const counted = where.place === 'exo-body' || where.place === 'numerik-body' ? withoutSubjectLine(text) : text;
    for (const [token, count] of tokenCounts(counted)) located.set(token, [...(located.get(token) ?? []), { ...where, count }]);
  };
  for (const a of final.activities) {
    const { body, comments } = splitExoDetails(a.details);
    add(body, { place: 'exo-body', seqno: a.seqno });
    add(comments ?? '', { place: 'exo-comments', seqno: a.seqno });
  }
  for (const p of final.posts) {
    add(p.bodyText, { place: 'numerik-body', postId: p.id });
    add(p.comments.join('\n'), { place: 'numerik-comments', postId: p.id });
  }
  return located;
}

const loser = (card: ConflictCard): Side => (card.winner === 'exo' ? 'numerik' : 'exo');
const textOf = (value: unknown) => (typeof value === 'string' ? value : '');

/** The tokens a card kept as lost: in the losing side's lines and not in the winner's. */
function cardLost(card: ConflictCard): Set<string> {
  if (!card.fields.includes('body_text')) return new Set();
  const winning = tokensIn(textOf(card[card.winner].body_text));
  return new Set([...tokensIn(textOf(card[loser(card)].body_text))].filter((t) => !winning.has(t)));
}

function tokensLostByCards(cards: readonly ConflictCard[]): Map<string, ConflictCard[]> {
  const lostBy = new Map<string, ConflictCard[]>();
  for (const card of cards) for (const t of cardLost(card)) lostBy.set(t, [...(lostBy.get(t) ?? []), card]);
  return lostBy;
}

function pairOf(target: Target, pairs: Pairs): Pair | undefined {
  return target.side === 'exo' ? pairs.bySeqno.get(target.seqno) : pairs.byPost.get(target.postId);
}

const describeTarget = (t: Target) => (t.side === 'exo' ? `activity ${t.seqno}` : `post ${t.postId}`);

function checkEdit(edit: Edit, pairs: Pairs, located: Map<string, Location[]>, lostBy: Map<string, ConflictCard[]>, violations: Violation[]): void {
  if (edit.kind === 'field') return;
  const where = located.get(edit.token) ?? [];
  const pair = pairOf(edit.target, pairs);
  const at = { token: edit.token, ...ids(pair?.seqno ?? (edit.target.side === 'exo' ? edit.target.seqno : undefined), pair?.postId ?? (edit.target.side === 'numerik' ? edit.target.postId : undefined)) };
  const what = `${edit.side} ${edit.kind} ${edit.token} on ${describeTarget(edit.target)}`;
  if (edit.failed) {
    if (where.length) violations.push({ kind: 'aborted-edit-visible', message: `${what} did not commit (${edit.failed}) yet is in ${where.map((w) => w.place).join(', ')}`, ...at });
    return;
  }
  const comments = edit.kind === 'comment';
  const exoPlace: Place = comments ? 'exo-comments' : 'exo-body';
  const numerikPlace: Place = comments ? 'numerik-comments' : 'numerik-body';
  const own = (w: Location) => (w.place === exoPlace && w.seqno === pair?.seqno) || (w.place === numerikPlace && w.postId === pair?.postId);
  for (const w of where.filter((x) => !own(x))) {
    violations.push({ kind: 'misplaced', message: `${what} is also in ${w.place} of ${w.seqno ?? w.postId}`, ...at });
  }
  const exoCount = where.find((w) => w.place === exoPlace && w.seqno === pair?.seqno)?.count ?? 0;
  const numerikCount = where.find((w) => w.place === numerikPlace && w.postId === pair?.postId)?.count ?? 0;
  if (exoCount > 1 || numerikCount > 1) {
    violations.push({ kind: 'duplicated-line', message: `${what} is ${exoCount}× in Exo's ${exoPlace}, ${numerikCount}× in Numerik's ${numerikPlace}`, ...at });
  }
  // A subject edit is undone by design; only a duplicate of it is wrong.
  if (edit.kind === 'subject') return;
  if (exoCount >= 1 && numerikCount >= 1) return;
  if (exoCount + numerikCount > 0) {
    violations.push({ kind: 'half-synced', message: `${what} is only in ${exoCount ? 'Exo' : 'Numerik'} at rest`, ...at });
    return;
  }
  const cards = lostBy.get(edit.token) ?? [];
  if (cards.length === 0) violations.push({ kind: 'lost-update', message: `${what} is in neither side's final text nor kept by a conflict card`, ...at });
  if (cards.length > 1) violations.push({ kind: 'conflict-recorded-twice', message: `${what} is kept as the losing side of ${cards.length} conflict cards (${cards.map((c) => c.id).join(', ')})`, ...at });
}

/**
 * A card is real when both sides changed the lines it names: the losing lines hold an edit of the
 * losing side that the winning lines lack (and that is gone from the final text: the card is where
 * it survives), and the winning lines hold an edit of the winning side that the losing ones lack.
 * A "change" made of the other side's tokens only is the sync's own echo taken for an edit. For a
 * field: both sides edited it, to different values.
 */
function checkCards(cards: readonly ConflictCard[], history: readonly Edit[], pairs: Pairs, located: Map<string, Location[]>, violations: Violation[]): void {
  const sideOf = new Map(history.map((e) => [e.token, e.side]));
  // A card closed as superseded may keep lines a later conflict on its record decided the other way: they are back.
  const reDecided = (card: ConflictCard, token: string) =>
    cards.some((other) => other !== card && other.seqno === card.seqno && other.postId === card.postId && tokensIn(textOf(other[other.winner].body_text)).has(token));
  for (const card of cards) {
    const at = ids(card.seqno, card.postId);
    const pair = (card.seqno !== null ? pairs.bySeqno.get(card.seqno) : undefined) ?? (card.postId !== null ? pairs.byPost.get(card.postId) : undefined);
    if (card.fields.includes('body_text')) {
      const only = (side: Side, other: Side) => {
        const others = tokensIn(textOf(card[other].body_text));
        return [...tokensIn(textOf(card[side].body_text))].filter((t) => !others.has(t) && sideOf.get(t) === side);
      };
      const lost = only(loser(card), card.winner);
      const won = only(card.winner, loser(card));
      const survives = (t: string) => (located.get(t) ?? []).some((w) => (w.place === 'exo-body' && w.seqno === pair?.seqno) || (w.place === 'numerik-body' && w.postId === pair?.postId));
      const why = !lost.length
        ? `its losing (${loser(card)}) lines hold no ${loser(card)} edit that the winning lines lack`
        : !won.length
          ? `its winning (${card.winner}) lines hold no ${card.winner} edit: the ${card.winner} "change" is the sync's own echo (the ${loser(card)} edits ${lost.join(', ')} were dropped for it)`
          : lost.every(survives) && !lost.every((t) => card.superseded && reDecided(card, t))
            ? `every edit it keeps (${lost.join(', ')}) is still in the final text`
            : undefined;
      if (why) violations.push({ kind: 'phantom-conflict', message: `conflict card ${card.id} on the text: ${why}`, ...at });
    }
    for (const field of card.fields.filter((f) => f !== 'body_text')) {
      const edited = (side: Side) => history.some((e) => e.kind === 'field' && e.field === field && e.side === side && !e.failed && pair !== undefined && pairOf(e.target, pairs) === pair);
      if (!edited('exo') || !edited('numerik')) {
        violations.push({ kind: 'phantom-conflict', message: `conflict card ${card.id} on ${field}, which ${edited('exo') ? 'Numerik' : 'Exo'} never edited`, ...at });
      }
      if (JSON.stringify(card.exo[field] ?? null) === JSON.stringify(card.numerik[field] ?? null)) {
        violations.push({ kind: 'phantom-conflict', message: `conflict card ${card.id} on ${field}: both sides hold ${JSON.stringify(card.exo[field])}`, ...at });
      }
    }
  }
}

/**
 * The sync compares states, not writes: a side that wrote A→B→A between two of its reads did not
 * change the field, and the other side's value stands. So a final value is also right when it is
 * the last write W of one side, and the other side ended at the value it held before an edit of its
 * own that began after W's side last wrote before W, and before W's value reached it (its actor
 * read something else). An edit made on top of W's value once the sync carried it over began from
 * W's value, so losing it is still found.
 */
function nettedOut(edits: readonly Edit[], final: string): boolean {
  const same = (a: unknown, b: unknown) => json(a) === json(b);
  const bySide = (side: Side) => edits.filter((e) => e.side === side).sort((a, b) => a.doneAt - b.doneAt);
  return (['exo', 'numerik'] as const).some((side) => {
    const mine = bySide(side);
    const theirs = bySide(side === 'exo' ? 'numerik' : 'exo');
    const [w, previous, other] = [mine.at(-1), mine.at(-2), theirs.at(-1)];
    if (!w || !other || json(w.value) !== final) return false;
    return theirs.some((e) => e.before !== undefined && same(e.before, other.value) && !same(e.before, w.value) && e.startedAt > (previous?.doneAt ?? -Infinity));
  });
}

/**
 * The same rule (README, "Compared as states"), seen through what the sync itself recorded: a side
 * that set a field back to the value the sync last agreed it held, with no agreement on another
 * value between, made no change the sync could see, and the other side's value stands though the
 * setting back was the last write. That is so on both sides alike. Excused when every write that
 * may have been last is one side's, to one value (W's), the final value is the other side's last,
 * and the sync never agreed on another value for W's side since it last agreed on W's:
 * - Numerik's side by the post's versions, whenever the agreement was written: the newest version
 *   agreed on before W's holds W's value (a converge that read the value between and recorded it
 *   late is seen too);
 * - Exo's side by time: the record's last agreement before W began holds W's value, and none
 *   written from then until W returned holds another. A converge that read the value between and
 *   recorded it after W returned is not seen; its commit re-reads the activity under a lock, so
 *   that would be the commit check failing, which the far more frequent text edits catch.
 * Agreements are the link's, each as written, a send recorded ahead of its PATCH among them
 * (agreements.ts); one on both sides changed alike, which leaves no log line, is one too.
 */
function unseenRoundTrip(edits: readonly Edit[], field: string, final: string, pair: Pair, agreements: readonly Agreement[] | undefined): boolean {
  const possiblyLast = mayBeLast(edits);
  const w = latest(possiblyLast);
  const others = edits.filter((e) => e.side !== w.side);
  const value = json(w.value);
  if (!agreements || !others.length || possiblyLast.some((e) => e.side !== w.side || json(e.value) !== value) || !mayBeLast(others).some((e) => json(e.value) === final)) return false;
  const holds = (a: Agreement) => json(a[w.side]?.[field]) === value;
  const ofRecord = agreements.filter((a) => a.seqno === pair.seqno || a.postId === pair.postId);
  if (w.side === 'numerik') {
    const earlier = ofRecord.filter((a) => a.version !== null && w.version !== undefined && a.version < w.version);
    const newest = Math.max(...earlier.map((a) => a.version!));
    return earlier.length > 0 && earlier.filter((a) => a.version === newest).every(holds);
  }
  const before = ofRecord.filter((a) => a.at <= w.startedAt).reduce<Agreement | undefined>((a, b) => (a && a.at > b.at ? a : b), undefined);
  return before !== undefined && holds(before) && ofRecord.every((a) => a.at <= before.at || a.at > w.doneAt || holds(a));
}

const json = (value: unknown) => JSON.stringify(value ?? null);
const latest = (edits: readonly Edit[]) => edits.reduce((a, b) => (b.doneAt > a.doneAt ? b : a));

/** The writes that may have committed last (checkFields: the last by commit, known only as an interval). */
function mayBeLast(edits: readonly Edit[]): Edit[] {
  const last = latest(edits);
  const lastCommit = last.commitAt ?? last.doneAt;
  return edits.filter((e) => e.doneAt >= lastCommit);
}

/** A card's versions of a field: the same race decided again goes onto the open card, each losing value after the last ("\n…\n"). */
function versionsOf(value: unknown): string[] {
  return typeof value === 'string' ? value.split('\n…\n').map((v) => JSON.stringify(v)) : [JSON.stringify(value ?? null)];
}

/**
 * A field is a register: the last write wins, unless a conflict card kept it as the losing side.
 * "Last" is by commit; writes whose commits may have overlapped the last one's are all taken as
 * possibly last (the harness knows a commit only as the interval it was in flight).
 */
function checkFields(history: readonly Edit[], pairs: Pairs, cards: readonly ConflictCard[], agreements: readonly Agreement[] | undefined, violations: Violation[]): void {
  const writes = new Map<string, Edit[]>();
  for (const e of history) {
    if (e.kind !== 'field' || e.failed || !e.field) continue;
    const pair = pairOf(e.target, pairs);
    if (!pair?.post) continue;
    const key = `${pair.seqno}\u0000${e.field}`;
    writes.set(key, [...(writes.get(key) ?? []), e]);
  }
  for (const [key, edits] of writes) {
    const [seqnoText, field] = key.split('\u0000') as [string, string];
    const pair = pairs.bySeqno.get(Number(seqnoText))!;
    const candidates = mayBeLast(edits);
    const final = json(pair.post!.fields[field]);
    if (candidates.some((e) => json(e.value) === final)) continue;
    const kept = cards.some(
      (c) => (c.seqno === pair.seqno || c.postId === pair.postId) && c.fields.includes(field) && candidates.some((e) => versionsOf(c[loser(c)][field]).includes(json(e.value))),
    );
    if (kept || nettedOut(edits, final) || unseenRoundTrip(edits, field, final, pair, agreements)) continue;
    const wrote = candidates.map((e) => `${e.side} ${e.token} ${JSON.stringify(e.value)}`).join(', ');
    violations.push({ kind: 'lost-field-update', message: `${field} of ${pair.seqno} is ${final} at rest; the last write was ${wrote}, and no conflict card kept it`, seqno: pair.seqno, postId: pair.postId });
  }
}
