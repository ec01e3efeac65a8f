import iconv from 'iconv-lite';

/**
 * Characters an Exo VARCHAR column cannot hold are shown as `[U+XXXX]` placeholders: SQL Server
 * would turn them into a silent "?" (or a "best fit" letter), PostgreSQL refuses NUL and a lone
 * surrogate cannot be encoded at all. The placeholders decode back on the way to Numerik, so an
 * Exo edit never replaces Numerik's emoji, Hebrew or CJK text with the placeholders' letters.
 *
 * The escape is its own inverse, for every text: a placeholder decodes only when it names a
 * character the column cannot hold (so `[U+00E9]` typed by hand stays as typed), and a literal
 * `[` that would start such a placeholder is itself written `[U+005B]`.
 */
const PLACEHOLDER = /\[U\+([0-9A-F]{4,6})\]/g;
const PLACEHOLDER_AT = /^\[U\+([0-9A-F]{4,6})\]/;
const BRACKET = 0x5b;

const fitsCache = new Map<string, Map<number, boolean>>();

const isUtf8 = (codePage: string) => /^utf-?8$/i.test(codePage);

/** Can a VARCHAR column of this code page hold the character, unchanged? */
export function storable(point: number, codePage: string): boolean {
  if (point === 0 || (point >= 0xd800 && point <= 0xdfff)) return false;
  if (point < 0x80 || isUtf8(codePage)) return true;
  let cache = fitsCache.get(codePage);
  if (!cache) fitsCache.set(codePage, (cache = new Map()));
  let fits = cache.get(point);
  if (fits === undefined) {
    const ch = String.fromCodePoint(point);
    fits = iconv.decode(iconv.encode(ch, codePage), codePage) === ch;
    cache.set(point, fits);
  }
  return fits;
}

const placeholder = (point: number) => `[U+${point.toString(16).toUpperCase().padStart(4, '0')}]`;

/** The character a placeholder stands for, or undefined when it is plain text. */
function placeheld(hex: string, codePage: string): number | undefined {
  const point = parseInt(hex, 16);
  if (point > 0x10ffff) return undefined;
  return point === BRACKET || !storable(point, codePage) ? point : undefined;
}

/**
 * The text as a column of `codePage` shows it, one piece per code point of `text` (a lone surrogate
 * is one code point): cutting between pieces never cuts a placeholder in half.
 */
export function encodedPieces(text: string, codePage: string): string[] {
  const points = Array.from(text);
  let at = 0;
  return points.map((ch) => {
    const start = at;
    at += ch.length;
    const point = ch.codePointAt(0)!;
    if (!storable(point, codePage)) return placeholder(point);
    if (point === BRACKET) {
      const m = PLACEHOLDER_AT.exec(text.slice(start, start + 10));
      if (m && placeheld(m[1]!, codePage) !== undefined) return placeholder(BRACKET);
    }
    return ch;
  });
}

/** Printable ASCII and common whitespace, without `[`, needs no work: the common case costs one scan. */
const SIMPLE = /^[\t\n\r\x20-\x5a\x5c-\x7e]*$/;

export function encodeChars(text: string, codePage: string): { text: string; replaced: number } {
  if (SIMPLE.test(text)) return { text, replaced: 0 };
  let replaced = 0;
  for (const ch of text) if (!storable(ch.codePointAt(0)!, codePage)) replaced += 1;
  return { text: encodedPieces(text, codePage).join(''), replaced };
}

export function decodeChars(text: string, codePage: string): string {
  if (!text.includes('[U+')) return text;
  return text.replace(PLACEHOLDER, (match, hex: string) => {
    const point = placeheld(hex, codePage);
    return point === undefined ? match : String.fromCodePoint(point);
  });
}
