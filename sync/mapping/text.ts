/** The line below which Numerik's comments live in an activity's details. */
export const COMMENTS_MARKER = '##Comments##';

const isMarker = (line: string) => line.trim().toLowerCase() === COMMENTS_MARKER.toLowerCase();

/** Splits details at the comments marker line: what Exo users wrote, and the comments block. */
export function splitComments(details: string | null | undefined): { above: string; below: string | null } {
  const lines = (details ?? '').split(/\r?\n/);
  const at = lines.findIndex(isMarker);
  if (at === -1) return { above: trimBlankLines(lines.join('\n')), below: null };
  return { above: trimBlankLines(lines.slice(0, at).join('\n')), below: lines.slice(at + 1).join('\n') };
}

function trimBlankLines(text: string): string {
  return text.replace(/^(\s*\n)+/, '').replace(/(\n\s*)+$/, '');
}

/** Cuts to at most `max` characters (code points: never half a surrogate pair), at a word boundary when there is one. */
export function cutAtWord(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max).join('');
  const boundary = head.search(/\s\S*$/);
  const cut = boundary > max / 2 ? head.slice(0, boundary) : head;
  return cut.trimEnd();
}

/** The first non-blank line, at most `max` characters: what an activity's subject is made of. */
export function firstLine(text: string | null | undefined, max = 60): string {
  const line = (text ?? '').split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return cutAtWord(line.trim(), max);
}

/** The text of simple HTML: paragraphs and breaks become lines, tags go, entities are decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** Plain text as simple HTML: one paragraph per line, everything escaped. */
export function textToHtml(text: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return text
    .split(/\r?\n/)
    .map((line) => `<p>${escape(line)}</p>`)
    .join('');
}
