/** Tags that stand on lines of their own (an empty one is an empty line). */
const LINE_TAGS = new Set(['p', 'div', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'tr', 'dt', 'dd']);
/** Tags that hold lines but are none themselves: the line before them ends. */
const BLOCK_TAGS = new Set(['ul', 'ol', 'dl', 'table', 'thead', 'tbody', 'tfoot']);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', amp: '&' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The text of HTML as Numerik's body_text holds it: each paragraph, list item, heading or `<br>`
 * ends a line (an empty paragraph is an empty line), other tags go, entities are decoded. Line
 * breaks in the source between block tags are layout; inside a line they are the Exo user's own.
 */
export function htmlToText(html: string): string {
  const lines = [''];
  // fresh: the current line has nothing yet; open: it is being written; closed: the next content starts a new one.
  let state: 'fresh' | 'open' | 'closed' = 'fresh';
  const parts = html.split(/(<[^>]*>)/);
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      if (!part || (state !== 'open' && i > 0 && !part.trim())) return;
      // After a block, the source's line break before the next text is layout.
      const text = state === 'open' ? part : part.replace(/^[^\S\n]*\r?\n/, '');
      if (state === 'closed') lines.push('');
      const [first = '', ...rest] = decodeEntities(text).split('\n');
      lines.push(lines.pop()! + first, ...rest);
      state = 'open';
      return;
    }
    const name = /^<\/?\s*([a-z0-9]+)/i.exec(part)?.[1]?.toLowerCase();
    if (!name) return;
    const closing = part[1] === '/';
    if (name === 'br') {
      if (state === 'closed') lines.push('');
      state = 'closed';
    } else if (LINE_TAGS.has(name)) {
      if (closing) state = 'closed';
      else {
        if (state !== 'fresh') lines.push('');
        state = 'open';
      }
    } else if (BLOCK_TAGS.has(name) && state === 'open') state = 'closed';
  });
  return lines.join('\n');
}

/** Plain text as simple HTML: one paragraph per line, everything escaped. */
export function textToHtml(text: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return text
    .split(/\r?\n/)
    .map((line) => `<p>${escape(line)}</p>`)
    .join('');
}
