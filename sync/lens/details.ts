import { LIMITS } from '../../db/exo/tasks.js';
import { COMMENTS_MARKER, CUT_MARKER, isCommentsMarker } from './control-lines.js';
import { fitView, savedCount, type FittedView } from './view-text.js';

/**
 * TASKS.DETAILS as the sync writes it: the view of the post's text, then (when the post has
 * comments) the comments marker line and the view of the comments block. The post's text has the
 * room first; the comments get what is left, or are left out when the text itself is cut. Every
 * line break is counted as two characters (`savedCount`): Exo may save DETAILS back with CRLF line
 * breaks, and what it saves must still fit the column.
 */
export interface DetailsView {
  details: string;
  /** The view of the post's text alone (what an Exo user edits). */
  body: string;
  bodyCut: boolean;
  commentsCut: boolean;
  replaced: number;
}

export function detailsView(text: string, comments: string | null, codePage: string, max: number = LIMITS.DETAILS): DetailsView {
  const body = fitView(text, Number.MAX_SAFE_INTEGER, codePage);
  const bodyLength = savedCount(body.text);
  // The comments marker line and the two line breaks around it.
  const blockRoom = max - bodyLength - savedCount(`\n${COMMENTS_MARKER}\n`);
  if (comments) {
    const full = fitView(comments, Number.MAX_SAFE_INTEGER, codePage);
    if (savedCount(full.text) <= blockRoom) return withComments(body, full, false);
    if (blockRoom > CUT_MARKER.length) return withComments(body, fitView(comments, blockRoom, codePage), true);
  } else if (bodyLength <= max) return { details: body.text, body: body.text, bodyCut: false, commentsCut: false, replaced: body.replaced };
  const cut = fitView(text, max, codePage);
  return { details: cut.text, body: cut.text, bodyCut: cut.cut, commentsCut: !!comments, replaced: cut.replaced };
}

function withComments(body: FittedView, comments: FittedView, commentsCut: boolean): DetailsView {
  return {
    details: `${body.text}\n${COMMENTS_MARKER}\n${comments.text}`,
    body: body.text,
    bodyCut: false,
    commentsCut,
    replaced: body.replaced + comments.replaced,
  };
}

/** Splits details at the first comments marker line: the view an Exo user edits, and the comments. */
export function splitDetails(details: string | null | undefined): { body: string; comments: string | null } {
  const text = details ?? '';
  if (!text.includes('#')) return { body: text, comments: null };
  const lines = text.split('\n');
  const at = lines.findIndex(isCommentsMarker);
  if (at === -1) return { body: text, comments: null };
  return { body: lines.slice(0, at).join('\n'), comments: lines.slice(at + 1).join('\n') };
}
