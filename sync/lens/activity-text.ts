import type { Post } from '../numerik/types.js';
import { mergeText, putText, type Side, type TextConflict } from './body.js';
import { commentsText } from './comments.js';
import { detailsView } from './details.js';
import { withViewLineEndings } from './line-endings.js';
import { subjectOf } from './subject.js';

/**
 * The activity's text as a view of its post (a lens): `textGet` is what Exo shows of the post
 * (SUBJECT, DETAILS), `textPut` what an Exo edit of DETAILS does to the post's text. The laws
 * (tested as properties): an unchanged view changes nothing; a view that fits reads back as the
 * Exo user wrote it; whatever the view could not show, or the user did not touch, survives.
 */
export interface TextContext {
  codePage: string;
  notesFormat: 'html' | 'text';
  timeZone: string;
  userName(userId: string): string;
}

export interface TextView {
  subject: string;
  details: string;
  /** DETAILS above the comments marker: the part an Exo user edits. */
  body: string;
  /** The post's text did not all fit (the cut marker line stands for the rest). */
  cut: boolean;
  notes: string[];
}

export function textGet(post: Pick<Post, 'body_text' | 'body_html' | 'comments'>, ctx: TextContext): TextView {
  const text = ctx.notesFormat === 'html' ? post.body_html : post.body_text;
  const view = detailsView(text, commentsText(post.comments, ctx.timeZone, ctx.userName), ctx.codePage);
  const notes: string[] = [];
  if (view.replaced) notes.push(`${view.replaced} character(s) the database code page (${ctx.codePage}) cannot hold are shown as [U+XXXX]; an Exo edit keeps them`);
  if (view.bodyCut) notes.push("the post's text does not fit in DETAILS: the cut marker line stands for the rest, which stays in Numerik");
  if (view.commentsCut) notes.push('not all comments fit in DETAILS; they are in Numerik');
  return { subject: subjectOf(post.body_text, ctx.codePage), details: view.details, body: view.body, cut: view.bodyCut, notes };
}

export interface TextPut {
  /** The post's new text. */
  text: string;
  conflicts: TextConflict[];
  notes: string[];
}

/**
 * An Exo edit of the view (`edited`, from `baseView`, written of the post's text `basePost`)
 * applied to the post's text as Numerik has it now (`current`). Where Exo and Numerik changed
 * the same lines, `winner`'s lines are taken and the conflicts returned.
 */
export function textPut(edited: string, baseView: string, basePost: string, current: string, winner: Side, ctx: Pick<TextContext, 'codePage' | 'notesFormat'>): TextPut {
  if (ctx.notesFormat === 'html') {
    // Exo holds the post's HTML: the text of the edit is merged as it is, its lines' CRs the view's.
    const merged = mergeText(withViewLineEndings(edited, baseView), baseView, current === basePost ? baseView : current, winner);
    return { ...merged, notes: [] };
  }
  const put = putText(edited, baseView, basePost, ctx.codePage);
  const merged = mergeText(put.text, put.base, current, winner);
  return { text: merged.text, conflicts: merged.conflicts, notes: put.notes };
}
