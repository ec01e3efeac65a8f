import { formatCompanyId, parseCompanyId } from '../db/exo/company.js';
import { DIRECTION_WORDS, fieldLabel, named, siteTime, valueWords, wallTime, wordsIn, type Reading } from '../sync/record/field-words.js';
import type { RecordView } from '../sync/record/record-view.js';

const cut = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
/** `exo-numerik show`: one record's page, as lines for a terminal, in the words the page uses. */
export function formatRecord(r: RecordView): string {
  const reading: Reading = { timeZone: r.timeZone, names: new Map(Object.entries(r.names)) };
  const at = (iso: string) => siteTime(iso, r.timeZone);
  const cell = (field: string, v: unknown, width: number) => cut(valueWords(field, v, reading).replace(/\s*\n\s*/g, ' ⏎ '), width);
  const lines: string[] = [];
  lines.push([r.activitySeqno !== null ? `activity ${r.activitySeqno}` : 'no activity', r.postId ? `post ${r.postId}` : 'no post'].join(' ⇄ '));
  const account = parseCompanyId(r.activity?.companyId);
  if (r.activity) lines.push(`subject: ${r.activity.subject?.trim() || '(none)'}${account ? ` · account ${named(formatCompanyId(account), reading.names)}` : ''}`);
  lines.push(`times in ${r.timeZone} (the Exo site's zone)`);
  lines.push(r.link ? `link: ${r.link.state} (${r.link.postType}, made in ${r.link.origin === 'exo' ? 'Exo' : 'Numerik'}; linked ${at(r.link.linkedAt)}, last agreed ${at(r.link.syncedAt)})` : 'link: none');
  if (r.fields) lines.push(`on the activity: ${r.fields.state ?? '(no state yet)'}${r.fields.post ? ` · ${r.fields.post}` : ''}`);
  if (r.activity?.deleted) lines.push('the activity is deleted in Exo (DELETED_FLAG)');
  if (r.activity?.modifiedAt) lines.push(`modified in Exo: ${wallTime(r.activity.modifiedAt, r.timeZone)}`);
  if (r.numerikError) lines.push(`Numerik: ${r.numerikError}`);
  lines.push('', `${'  field'.padEnd(15)} ${'Exo now'.padEnd(28)} ${'Numerik now'.padEnd(28)} last agreed (Exo | Numerik)`);
  for (const s of r.sides) {
    lines.push(`${(s.differs ? '* ' : '  ') + cut(fieldLabel(s.field), 13)} ${cell(s.field, s.exo, 28)} ${cell(s.field, s.numerik, 28)} ${cell(s.field, s.agreedExo, 20)} | ${cell(s.field, s.agreedNumerik, 20)}`);
  }
  if (r.sides.some((s) => s.differs)) lines.push('  (* the two sides disagree)');
  const pending = [...r.pending.queue.map((w) => ({ ...w, side: 'Exo → Numerik' })), ...r.pending.inbox.map((w) => ({ ...w, side: 'Numerik → Exo' }))];
  lines.push('', pending.length ? 'pending:' : 'pending: nothing');
  for (const w of pending) lines.push(`  ${w.side} #${w.id} ${w.what} · ${w.state} · attempt ${w.attempts}${w.lastError ? ` · last error: ${w.lastError}` : ''}`);
  const open = [...r.open.dead.map((e) => ({ ...e, what: 'dead letter' })), ...r.open.parked.map((e) => ({ ...e, what: 'waiting' }))];
  for (const e of open) lines.push(`open ${e.what} #${e.id}: ${e.reason}`);
  for (const c of r.open.conflicts) {
    lines.push(`conflict #${c.id} (${at(c.at)}, ${c.policy}: ${c.winner === 'exo' ? 'Exo' : 'Numerik'} won) ${c.resolved ? `closed: ${c.resolved.resolution ?? ''}${c.resolved.by && !c.resolved.resolution?.includes(c.resolved.by) ? ` (${c.resolved.by})` : ''}` : 'OPEN: `exo-numerik conflict choose ' + c.id + ' exo|numerik`'}`);
    for (const f of c.fields) lines.push(`    ${fieldLabel(f.field)}: Exo ${valueWords(f.field, f.exo, reading)} · Numerik ${valueWords(f.field, f.numerik, reading)}`);
  }
  lines.push('', 'history (newest first):');
  for (const h of r.history.slice(0, 30)) lines.push(`  ${at(h.at)}  ${(DIRECTION_WORDS[h.direction] ?? h.direction).padEnd(13)} ${h.kind.padEnd(9)} ${wordsIn(h.reason, reading.names)}${h.resolved ? `  [closed: ${h.resolved.resolution ?? ''}]` : ''}`);
  if (r.history.length > 30) lines.push(`  … ${r.history.length - 30} more (--json shows all)`);
  return lines.join('\n');
}
