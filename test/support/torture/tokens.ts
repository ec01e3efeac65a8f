/**
 * Edit tokens: a letter for the kind of actor and a number unique in the run (`e17`, `n42`). Every
 * text edit carries its own, so the checker can tell which edits survived where. The filler words
 * around them hold no digits, so nothing else in a text reads as a token.
 */
export const TOKEN_PREFIX = {
  /** A record's first text, made on either side. */
  create: 'c',
  /** An Exo user's edit of DETAILS. */
  exoText: 'e',
  /** An Exo user's edit of SUBJECT (undone by design: the subject follows the post). */
  exoSubject: 's',
  /** A Numerik user's edit of the post's text. */
  numerikText: 'n',
  /** A Numerik user's comment. */
  comment: 'k',
  /** A field edit on either side (the token names the edit; the value is what is checked). */
  field: 'f',
} as const;

const TOKEN = /\b[cesnkf]\d+\b/g;

/** How often each token occurs in `text`. */
export function tokenCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(TOKEN)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  return counts;
}

export function tokensIn(text: string): Set<string> {
  return new Set(tokenCounts(text).keys());
}

const FILLER = ['call', 'quote', 'chairs', 'samples', 'friday', 'invoice', 'delivery', 'meeting', 'follow', 'agenda', 'price', 'order'];

/** A line of text carrying `token`, its filler words chosen by `r` (drawn before any await, so the schedule stays the seed's). */
export function lineWith(token: string, r: number): string {
  return `${FILLER[r % FILLER.length]} ${token} ${FILLER[Math.floor(r / FILLER.length) % FILLER.length]}`;
}
