/**
 * What a torture run records and what its checker reads: plain data, no database, no sandbox, so
 * the checker is a pure function a test can feed by hand (an injected lost update, say).
 */

export type Side = 'exo' | 'numerik';

/** Which record an edit was made on, as its side names it. */
export type Target = { side: 'exo'; seqno: number } | { side: 'numerik'; postId: string };

/**
 * One actor's edit. Text edits (`create`, `line`, `insert`, `comment`) put their token in the text
 * and never remove another's: every such token must survive somewhere. A `subject` edit of Exo's
 * SUBJECT is undone by design (the subject follows the post), so its token need not survive. A
 * `field` edit writes a value (in Numerik's terms) instead of a token.
 */
export interface Edit {
  /** Unique in the run: `e17` (Exo edit 17), `n42` (Numerik edit 42), … */
  token: string;
  side: Side;
  kind: 'create' | 'line' | 'insert' | 'comment' | 'subject' | 'field';
  target: Target;
  field?: FieldName;
  /** The value a field edit wrote, as Numerik would hold it. */
  value?: string | null;
  /** The value the field held on its side just before the edit, where the actor read it. */
  before?: string | null;
  /** The post's version a Numerik field edit made. */
  version?: number;
  /**
   * When the edit started, when its commit was asked for, and when that returned (ms since the
   * epoch): the commit took effect somewhere in [commitAt, doneAt]. A Numerik edit is one instant.
   */
  startedAt: number;
  commitAt?: number;
  doneAt: number;
  /** Exo saved the details with CRLF line breaks. */
  crlf?: boolean;
  /** How long the Exo transaction was held open around its write. */
  heldMs?: number;
  /**
   * How long the Exo user waited for the database (the save, less its own hold): the sync's locks
   * show here, and so do other Exo users' transactions held open on the same row (an upper bound).
   */
  waitMs?: number;
  /** The edit did not commit (its transaction failed): it must not be visible anywhere. */
  failed?: string;
}

/** Fields the torture run edits on both sides, named as Numerik names them. */
export type FieldName = 'due_at' | 'assignee_id';
export const FIELDS: readonly FieldName[] = ['due_at', 'assignee_id'];

export interface FinalActivity {
  seqno: number;
  subject: string;
  details: string;
  /** The activity's fields as the sync maps them into Numerik's terms (its outbound lens). */
  fields: Record<string, unknown>;
}

export interface FinalPost {
  id: string;
  bodyText: string;
  comments: string[];
  /** What the sync's lens says the linked activity should show of this post (SUBJECT, DETAILS). */
  view: { subject: string; details: string } | null;
  fields: Record<string, unknown>;
  /** The activity an `exo-task:` external_ref names (the sync's own posts), if any. */
  refSeqno: number | null;
}

export interface FinalLink {
  seqno: number;
  postId: string;
  state: string;
}

/** A conflict card of X_NUMERIK_LOG (kind 'conflict'), as its DETAIL records it. */
export interface ConflictCard {
  id: number;
  seqno: number | null;
  postId: string | null;
  winner: Side;
  fields: string[];
  /** Each side's version of each field in conflict; of body_text, the lines both changed. */
  exo: Record<string, unknown>;
  numerik: Record<string, unknown>;
  /** Closed by the sync as superseded: a later change decided its lines again. */
  superseded?: boolean;
}

/** An open dead letter or parked item of X_NUMERIK_LOG: at rest there should be none. */
export interface OpenProblem {
  kind: 'dead' | 'parked';
  seqno: number | null;
  postId: string | null;
  reason: string;
}

/** A line of X_NUMERIK_LOG without its detail: what the sync did to a record, and when (ms since the epoch). */
export interface LogLine {
  at: number;
  direction: string;
  kind: string;
  seqno: number | null;
  postId: string | null;
  reason: string;
}

/**
 * An agreement the sync recorded on a link: what each side was agreed to hold, in Numerik's terms,
 * the post's version it was agreed at, and when its statement ran (ms since the epoch). A send
 * recorded ahead of its PATCH is one too: the version its PATCH makes, and what its landing agrees.
 */
export interface Agreement {
  at: number;
  version: number | null;
  seqno: number;
  postId: string;
  exo: Record<string, unknown> | null;
  numerik: Record<string, unknown> | null;
}

export interface FinalState {
  activities: FinalActivity[];
  posts: FinalPost[];
  links: FinalLink[];
  conflicts: ConflictCard[];
  problems: OpenProblem[];
}

export type ViolationKind =
  | 'lost-update'
  | 'conflict-recorded-twice'
  | 'half-synced'
  | 'duplicated-line'
  | 'misplaced'
  | 'aborted-edit-visible'
  | 'sides-differ'
  | 'carriage-return'
  | 'unlinked'
  | 'duplicate-post'
  | 'duplicate-activity'
  | 'phantom-conflict'
  | 'lost-field-update'
  | 'open-problem';

export interface Violation {
  kind: ViolationKind;
  message: string;
  token?: string;
  seqno?: number;
  postId?: string;
}
