import { counted } from './plural.js';
import type { DirectionStatus, SyncStatus } from '../sync/status/status.js';

function lag(seconds: number | null): string {
  if (seconds === null) return 'nothing waiting';
  return seconds < 120 ? `oldest ${seconds} s` : seconds < 7200 ? `oldest ${Math.round(seconds / 60)} min` : `oldest ${Math.round(seconds / 3600)} h`;
}

const direction = (name: string, d: DirectionStatus) =>
  [
    `${name.padEnd(15)} ${d.enabled ? '' : '[paused] '}last success ${d.lastSuccessAt ?? 'never'} · waiting ${d.depth}${d.retrying ? ` (${d.retrying} retrying)` : ''}${d.busy ? ` (${d.busy} busy: both sides editing)` : ''}${d.bulkStatements ? ` + ${counted(d.bulkStatements, 'bulk statement', 'bulk statements')} being split` : ''} · ${lag(d.oldestSeconds)}`,
    ...d.errors.map((e) => `${' '.repeat(16)}${e.count} × ${e.error}`),
  ].join('\n');

const item = (i: { activitySeqno: number | null; postId: string | null }) =>
  [i.activitySeqno !== null ? `activity ${i.activitySeqno}` : '', i.postId ? `post ${i.postId}` : ''].filter(Boolean).join(', ');

/** `exo-numerik status`: the status page's facts, as lines for a terminal. */
export function formatStatus(s: SyncStatus): string {
  const lines = [direction('Exo → Numerik', s.outbound), direction('Numerik → Exo', s.inbound), ''];
  if (!s.parked.length) lines.push('parked: none');
  for (const p of s.parked) lines.push(`parked: ${p.direction === 'outbound' ? counted(p.count, 'activity', 'activities') : counted(p.count, 'post', 'posts')} waiting: ${p.reason} (since ${p.since})`);
  lines.push(s.dead.total ? `dead letters: ${s.dead.total} (retry with \`exo-numerik retry ID…\` or \`retry --all\`)` : 'dead letters: none');
  for (const d of s.dead.items) lines.push(`  #${d.id}  ${d.at}  ${d.direction} ${item(d)}: ${d.reason}`);
  lines.push(s.conflicts.total ? `conflicts: ${s.conflicts.total}` : 'conflicts: none');
  for (const c of s.conflicts.items) {
    lines.push(`  #${c.id}  ${c.at}  ${item(c)}${c.subject ? ` "${c.subject}"` : ''}: ${c.fields.map((f) => f.field).join(', ')} (${c.policy}: ${c.winner} won)`);
    if (c.edits) lines.push(`      edited in Exo by ${c.edits.exo.by ?? 'someone unknown'} at ${c.edits.exo.at ?? '?'}; in Numerik by ${c.edits.numerik.by ?? 'someone unknown'} at ${c.edits.numerik.at ?? '?'}`);
    // Per field: what its choice did, or the command that makes one (the other fields stay open).
    for (const f of c.fields) lines.push(`      ${f.field}: ${f.chosen ? f.chosen.did || `${f.chosen.side}'s chosen` : `to choose: exo-numerik conflict choose ${c.id} exo|numerik --field ${f.field}`}`);
  }
  if (s.shadow.enabled || s.shadow.total) lines.push(`shadow mode: ${s.shadow.enabled ? 'ON, nothing is sent or written' : 'off'}; ${s.shadow.total} decision(s) it would have carried out`);
  for (const d of s.shadow.items.slice(0, 20)) lines.push(`  ${d.at}  ${d.direction} ${item(d)}: ${d.reason}`);
  return lines.join('\n');
}
