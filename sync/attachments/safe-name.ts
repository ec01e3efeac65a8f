import path from 'node:path';

/** Windows device names, which a file may not be called with any extension (`nul.tar.gz` too). */
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
/** The sync's own names in an activity folder: a user's file never takes one. */
export const OUR_NAMES = ['attachments.json', 'removed'] as const;
/** Shown whole in Explorer and Exo's link; a name is also kept within both systems' limits below. */
const MAX_CHARACTERS = 120;
/** NTFS and SMB count 255 UTF-16 units a name, Linux 255 bytes; room is kept for " (99)". */
const MAX_UNITS = 255 - 8;
const MAX_BYTES = 255 - 8;

/**
 * Characters no file name should carry: controls, `<>:"|?*`, and the invisible ones that make a
 * name read as another (bidi overrides like U+202E, zero-width and other format characters, line
 * separators, lone surrogates): each is shown as `_`.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}<>:"|?*]/u;

const units = (s: string) => s.length;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * A file name that is safe on Windows and Linux alike: the last path segment only (no `..`, no
 * drive), no unsafe character, no device name with any extension, none of the sync's own names, no
 * leading or trailing dot or space (so no hidden name, and nothing that starts like the sync's own
 * `.…partial` and `.exo-numerik.lock`), at most 120 characters and within the 255 UTF-16 units of
 * Windows and the 255 bytes of Linux, its extension kept.
 */
export function safeFileName(original: string): string {
  const base = original.split(/[/\\]/).pop() ?? '';
  let name = Array.from(base)
    .map((ch) => (UNSAFE.test(ch) ? '_' : ch))
    .join('')
    .replace(/[. ]+$/, '')
    .replace(/^[. ]+/, '');
  if (!name || /^_+$/.test(name)) name = 'attachment';
  if (DEVICE.test(name.split('.')[0]!.trimEnd()) || (OUR_NAMES as readonly string[]).includes(name.toLowerCase())) name = `_${name}`;
  return withinLimits(name);
}

function withinLimits(name: string): string {
  const fits = (s: string) => Array.from(s).length <= MAX_CHARACTERS && units(s) <= MAX_UNITS && bytes(s) <= MAX_BYTES;
  if (fits(name)) return name;
  const ext = path.extname(name);
  const keepExt = ext && Array.from(ext).length <= 20 ? ext : '';
  const stem = Array.from(keepExt ? name.slice(0, -keepExt.length) : name);
  let n = Math.min(stem.length, MAX_CHARACTERS - Array.from(keepExt).length);
  while (n > 1 && !fits(stem.slice(0, n).join('') + keepExt)) n -= 1;
  return stem.slice(0, n).join('').replace(/[. ]+$/, '') + keepExt;
}

/**
 * The name for a new file: its safe name, or "name (2).ext", "(3)"… when another file already has it
 * (Windows compares names ignoring case).
 */
export function uniqueName(wanted: string, taken: ReadonlySet<string>): string {
  const lower = new Set([...taken].map((t) => t.toLowerCase()));
  if (!lower.has(wanted.toLowerCase())) return wanted;
  const ext = path.extname(wanted);
  const stem = ext ? wanted.slice(0, -ext.length) : wanted;
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}

/** Resolves `name` inside `folder`, refusing anything that would land outside it. */
export function inside(folder: string, name: string): string {
  const full = path.resolve(folder, name);
  const root = path.resolve(folder);
  if (path.dirname(full) !== root) throw new Error(`refusing to write outside ${root}: ${name}`);
  return full;
}
