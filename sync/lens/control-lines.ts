/**
 * The two lines the sync writes into an activity's details and reads back as structure: the line
 * below which Numerik's comments live, and the line that stands for text that did not fit. A line
 * of the post that looks like either is shown with one more backslash in front (`\##Comments##`),
 * so the split is never ambiguous, and loses it again on the way back: escaping is its own inverse
 * for every line, a line with backslashes already simply gets one more.
 */
export const COMMENTS_MARKER = '##Comments##';
export const CUT_MARKER = '[cut by exo-numerik: the rest is in Numerik]';
/** What versions before 0.2 wrote; still read as a cut marker. */
const LEGACY_CUT_MARKER = '[cut by exo-numerik: the full text is in X_NUMERIK_LOG]';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CONTROL = new RegExp(`^(\\s*)(\\\\*)(${[COMMENTS_MARKER, CUT_MARKER, LEGACY_CUT_MARKER].map(escapeRegExp).join('|')})(\\s*)$`, 'i');

function control(line: string): { lead: string; slashes: string; marker: string; trail: string } | undefined {
  if (!line.includes('#') && !line.includes('[')) return undefined;
  const m = CONTROL.exec(line);
  return m ? { lead: m[1]!, slashes: m[2]!, marker: m[3]!, trail: m[4]! } : undefined;
}

/** A line the sync wrote (or an Exo user typed) as structure, not an escaped line of the post. */
function marker(line: string): 'comments' | 'cut' | undefined {
  const c = control(line);
  if (!c || c.slashes) return undefined;
  return c.marker.toLowerCase() === COMMENTS_MARKER.toLowerCase() ? 'comments' : 'cut';
}

export const isCommentsMarker = (line: string) => marker(line) === 'comments';
export const isCutMarker = (line: string) => marker(line) === 'cut';

export function escapeLine(line: string): string {
  const c = control(line);
  return c ? `${c.lead}\\${c.slashes}${c.marker}${c.trail}` : line;
}

export function unescapeLine(line: string): string {
  const c = control(line);
  return c && c.slashes ? `${c.lead}${c.slashes.slice(1)}${c.marker}${c.trail}` : line;
}
