/** Lexical helpers for the guard: quote-aware scanning of SQL text, nothing more. */

/** One identifier part: `[a b]`, `"a b"` or a plain word. */
export const IDENT = String.raw`(?:\[[^\]]+\]|"[^"]+"|[A-Za-z_][A-Za-z0-9_]*)`;
/** A possibly schema-qualified name. */
export const QNAME = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`;

export interface QualifiedName {
  schema?: string;
  name: string;
}

export function unquote(part: string): string {
  const p = part.trim();
  if ((p.startsWith('[') && p.endsWith(']')) || (p.startsWith('"') && p.endsWith('"'))) return p.slice(1, -1);
  return p;
}

export function parseQualified(text: string): QualifiedName {
  const parts = text.match(new RegExp(IDENT, 'g')) ?? [];
  if (parts.length === 2) return { schema: unquote(parts[0]!), name: unquote(parts[1]!) };
  return { name: unquote(parts[0] ?? '') };
}

/** Walks the text, calling `visit` for each character outside string literals and quoted names. */
function scan(sql: string, visit: (index: number) => boolean | void): void {
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) {
        if (sql[i + 1] === quote) i++;
        else quote = null;
      }
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '[') quote = ']';
    else if (visit(i) === false) return;
  }
}

/** Comments can hide SQL from a reviewer (and split statements differently than a reader sees). */
export function hasComment(sql: string): boolean {
  let found = false;
  scan(sql, (i) => {
    const two = sql.slice(i, i + 2);
    if (two === '--' || two === '/*') {
      found = true;
      return false;
    }
  });
  return found;
}

/** Splits a trigger or function body into statements at semicolons outside quotes. */
export function splitStatements(body: string): string[] {
  const cuts: number[] = [];
  scan(body, (i) => {
    if (body[i] === ';') cuts.push(i);
  });
  const parts: string[] = [];
  let start = 0;
  for (const cut of [...cuts, body.length]) {
    const part = body.slice(start, cut).trim();
    if (part) parts.push(part);
    start = cut + 1;
  }
  return parts;
}

export function normalise(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
