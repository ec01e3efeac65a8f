import type { RecordView } from '../sync/record/record-view.js';

const shown = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v));
const cell = (v: unknown, width: number) => {
  const text = shown(v);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
};

/** `exo-numerik show`: one record's page, as lines for a terminal. */
export function formatRecord(r: RecordView): string {
  const lines: string[] = [];
  const names = [r.activitySeqno !== null ? `activity ${r.activitySeqno}` : 'no activity', r.postId ? `post ${r.postId}` : 'no post'].join(' ⇄ ');
  lines.push(names);
  lines.push(r.link ? `link: ${r.link.state} (${r.link.postType}, from ${r.link.origin}; linked ${r.link.linkedAt}, last agreed ${r.link.syncedAt})` : 'link: none');
  if (r.fields) lines.push(`on the activity: ${r.fields.state ?? '(no state yet)'}${r.fields.post ? ` · ${r.fields.post}` : ''}`);
  if (r.activity?.deleted) lines.push('the activity is deleted in Exo (DELETED_FLAG)');
  if (r.numerikError) lines.push(`Numerik: ${r.numerikError}`);
  lines.push('', `${'field'.padEnd(15)} ${'Exo now'.padEnd(28)} ${'Numerik now'.padEnd(28)} agreed (Exo | Numerik)`);
  for (const s of r.sides) {
    lines.push(`${(s.differs ? '* ' : '  ') + s.field.padEnd(13)} ${cell(s.exo, 28)} ${cell(s.numerik, 28)} ${cell(s.agreedExo, 20)} | ${cell(s.agreedNumerik, 20)}`);
  }
  const pending = [...r.pending.queue.map((w) => ({ ...w, side: 'queue' })), ...r.pending.inbox.map((w) => ({ ...w, side: 'inbox' }))];
  lines.push('', pending.length ? 'pending:' : 'pending: nothing');
  for (const w of pending) lines.push(`  ${w.side} #${w.id} ${w.what} · ${w.state} · attempt ${w.attempts}${w.lastError ? ` · last error: ${w.lastError}` : ''}`);
  const open = [...r.open.dead.map((e) => ({ ...e, what: 'dead letter' })), ...r.open.parked.map((e) => ({ ...e, what: 'parked' }))];
  for (const e of open) lines.push(`open ${e.what} #${e.id}: ${e.reason}`);
  for (const c of r.open.conflicts) {
    lines.push(`conflict #${c.id} (${c.at}, ${c.policy}: ${c.winner} won) ${c.resolved ? `closed: ${c.resolved.resolution ?? ''}${c.resolved.by && !c.resolved.resolution?.includes(c.resolved.by) ? ` (${c.resolved.by})` : ''}` : 'OPEN: `exo-numerik conflict choose ' + c.id + ' exo|numerik`'}`);
    for (const f of c.fields) lines.push(`    ${f.field}: Exo ${shown(f.exo)} · Numerik ${shown(f.numerik)}`);
  }
  lines.push('', 'history (newest first):');
  for (const h of r.history.slice(0, 30)) lines.push(`  ${h.at}  ${h.direction.padEnd(8)} ${h.kind.padEnd(9)} ${h.reason}${h.resolved ? `  [closed: ${h.resolved.resolution ?? ''}]` : ''}`);
  if (r.history.length > 30) lines.push(`  … ${r.history.length - 30} more (--json shows all)`);
  return lines.join('\n');
}
