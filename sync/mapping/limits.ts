import { cutAtWord } from './text.js';

/** Ends text that did not fit an Exo column; the full text is kept in X_NUMERIK_LOG. */
export const CUT_MARKER = '[cut by exo-numerik: the full text is in X_NUMERIK_LOG]';

/**
 * Fits text into `max` characters, cutting at a line boundary and ending with a visible marker line;
 * when the whole lines that fit would leave more than half the room empty, the overflowing line is
 * cut at a word instead. Nothing is cut silently: `cut` tells the caller to keep the full text.
 */
export function fitText(text: string, max: number): { text: string; cut: boolean } {
  if (Array.from(text).length <= max) return { text, cut: false };
  const room = max - CUT_MARKER.length - 1;
  const kept: string[] = [];
  let used = 0;
  for (const line of text.split('\n')) {
    const length = Array.from(line).length + (kept.length ? 1 : 0);
    if (used + length > room) {
      if (used < room / 2) kept.push(cutAtWord(line, room - used - (kept.length ? 1 : 0)));
      break;
    }
    kept.push(line);
    used += length;
  }
  return { text: `${kept.join('\n')}\n${CUT_MARKER}`, cut: true };
}
