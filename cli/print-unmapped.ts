import type { MappingKind } from '../sync/record/names.js';
import type { Unmapped } from '../sync/unmapped.js';

const NOTHING: Record<MappingKind, string> = {
  staff: 'every active staff member has a Numerik user',
  customer: 'no activity or post waits for a customer or an account',
  type: 'every activity type has its tag, and every tag a type',
};

const records = (w: Unmapped['items'][number]['waiting']) => [...w.activities.map((a) => `activity ${a}`), ...w.posts.map((p) => `post ${p}`)];

/** `map <kind> --unmapped`: each item, why, the command that fixes it, and what waits for it. */
export function formatUnmapped(kind: MappingKind, u: Unmapped): string {
  const lines: string[] = [];
  if (u.numerikError) lines.push(`(${u.numerikError}: what only Numerik can say is not listed)`);
  if (!u.items.length) lines.push(`nothing unmapped: ${NOTHING[kind]}`);
  for (const item of u.items) {
    const what = item.exo ? `${item.exo}${item.exoName ? ` (${item.exoName})` : ''}` : item.numerik ? `Numerik ${item.numerik}${item.numerikName ? ` (${item.numerikName})` : ''}` : '(no account)';
    lines.push(`${what}: ${item.why}`, `    fix: ${item.fix}`);
    const waiting = records(item.waiting);
    if (waiting.length) lines.push(`    waiting for it: ${waiting.join(', ')}`);
  }
  return lines.join('\n');
}
