import { COMMENTS_MARKER } from '../../../sync/lens/control-lines.js';

/**
 * The text edits actors make, as pure functions of the text they read: a token appended to an
 * existing line, or a new line inserted. Nothing is ever deleted, so every token must survive
 * somewhere (DESIGN "Concurrency": in the final text, or as a conflict's losing side).
 */
export type TextOp = { kind: 'line'; at: number; token: string } | { kind: 'insert'; at: number; line: string };

export function applyOp(text: string, op: TextOp): string {
  const lines = text.split('\n');
  if (op.kind === 'insert') {
    lines.splice(Math.min(op.at, lines.length), 0, op.line);
    return lines.join('\n');
  }
  const at = Math.min(op.at, lines.length - 1);
  const line = lines[at]!;
  lines[at] = line.trim() ? `${line} ${op.token}` : op.token;
  return lines.join('\n');
}

/** An Exo details value split as an Exo user sees it: the text they edit, and the comments below the marker line. */
export function splitExoDetails(details: string): { body: string; comments: string | null } {
  const lines = details.replace(/\r\n/g, '\n').split('\n');
  const at = lines.indexOf(COMMENTS_MARKER);
  if (at === -1) return { body: lines.join('\n'), comments: null };
  return { body: lines.slice(0, at).join('\n'), comments: lines.slice(at + 1).join('\n') };
}

/**
 * An Exo user's save of DETAILS after `op` on the text above the comments marker; the rest as it
 * was. With `crlf` every line break is saved as CRLF, as Exo's memo control may.
 */
export function exoDetailsAfter(details: string, op: TextOp, crlf: boolean): string {
  const { body, comments } = splitExoDetails(details);
  const edited = applyOp(body, op);
  const saved = comments === null ? edited : `${edited}\n${COMMENTS_MARKER}\n${comments}`;
  return crlf ? saved.replace(/\n/g, '\r\n') : saved;
}
