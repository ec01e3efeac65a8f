import path from 'node:path';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const MAX_NAME = 120;

/**
 * A file name that is safe on Windows and Linux alike: no directories, no `..`, no drive letters, no
 * NUL or control characters, none of <>:"/\|?*, no reserved device name (CON, PRN, AUX, NUL, COM1…,
 * LPT1…, with or without an extension), no trailing dot or space, at most 120 characters.
 */
export function safeFileName(original: string): string {
  // Only the last path segment, whichever separator the sender used.
  const base = original.split(/[/\\]/).pop() ?? '';
  let name = Array.from(base)
    .map((ch) => (ch.codePointAt(0)! < 0x20 || ch.codePointAt(0) === 0x7f || '<>:"|?*'.includes(ch) ? '_' : ch))
    .join('')
    .replace(/[. ]+$/, '')
    .replace(/^[. ]+/, '');
  if (!name || /^_+$/.test(name)) name = 'attachment';
  const ext = path.extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  if (WINDOWS_RESERVED.test(stem) || WINDOWS_RESERVED.test(name)) name = `_${name}`;
  if (Array.from(name).length > MAX_NAME) {
    const keepExt = Array.from(ext).length <= 20 ? ext : '';
    name = Array.from(name.slice(0, name.length - keepExt.length)).slice(0, MAX_NAME - Array.from(keepExt).length).join('').replace(/[. ]+$/, '') + keepExt;
  }
  return name;
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
