import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../db/exo/activities.js';
import { textGet, textPut } from '../../../sync/lens/activity-text.js';
import { putText } from '../../../sync/lens/body.js';
import { CUT_MARKER } from '../../../sync/lens/control-lines.js';
import { splitDetails } from '../../../sync/lens/details.js';
import { charCount, lineOfView, textOfView, viewOfLine, viewOfText } from '../../../sync/lens/view-text.js';
import { deletedChange, type InboundContext } from '../../../sync/mapping/inbound.js';
import type { NumerikComment } from '../../../sync/numerik/types.js';
import { applyEdits, body, line, lineEdits, type Cell } from '../../support/text-arbitraries.js';

/**
 * Line endings as laws. Exo's memo shows no CR at the end of a line ("abc\r" reads "abc") and may
 * save every line break as CRLF; a post's text may hold CRs of its own (pasted from Windows, blank
 * lines with a CR, lone CRs). So which CRs a line ends with is never an Exo user's edit:
 * - the view fits DETAILS however Exo saves it back (a line break may take two characters);
 * - a CR at the end of a post's line is kept, whatever the Exo user did to that line's text;
 * - a CR that Exo's save put at the end of a line is dropped.
 * Every law holds for every post, with or without CRs, under every way of saving (below).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const params = (runs = RUNS) => ({ seed: SEED, numRuns: runs });
const CP = 'cp1252';
const ctx = { codePage: CP, notesFormat: 'text' as const, timeZone: 'Pacific/Auckland', userName: (id: string) => `User ${id}` };

const comment = fc
  .record({ id: fc.uuid(), author_id: fc.constantFrom('usr_ann', 'usr_raj'), body_text: body, created_at: fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }).map((d) => d.toISOString()) })
  .map((c): NumerikComment => ({ ...c, body_html: '', updated_at: c.created_at }));
const comments = fc.oneof({ weight: 3, arbitrary: fc.constant([] as NumerikComment[]) }, { weight: 1, arbitrary: fc.array(comment, { maxLength: 3 }) });
const post = fc.record({ body_text: body, comments }).map((p) => ({ ...p, body_html: '' }));
/** What an Exo user can type into a line: no CR at its end (the memo shows none). */
const typed = line.map((l) => l.replace(/\r+$/, ''));
const typedEdits = lineEdits.map((edits) => edits.map((e) => ('line' in e ? { ...e, line: e.line.replace(/\r+$/, '') } : e)));

/** The ways DETAILS comes back from Exo. */
const SAVES: Record<string, (details: string) => string> = {
  'as written (LF)': (d) => d,
  'each line break as CRLF, the line’s own CRs kept': (d) => d.replace(/\n/g, '\r\n'),
  'as Exo’s memo shows it, each line break as CRLF': (d) => d.replace(/\r*\n/g, '\r\n').replace(/\r+$/, ''),
  'as the memo shows it, each line break as LF': (d) => d.replace(/\r+(?=\n|$)/g, ''),
};
const saveNames = Object.keys(SAVES);
const save = fc.constantFrom(...saveNames);

const contentOf = (l: string) => l.replace(/\r+$/, '');
const endingOf = (l: string) => l.slice(contentOf(l).length);
/** The text as Exo's memo shows it: no line ends with a CR. */
const shown = (text: string) => text.split('\n').map(contentOf).join('\n');

/** The view's visible lines (the cut marker line apart) and, when cut, the text it stands for. */
function visibleOf(view: { body: string; cut: boolean }, text: string) {
  const lines = view.body.split('\n');
  const visible = view.cut ? lines.slice(0, -1) : lines;
  return { visible, tail: text.slice(textOfView(visible.join('\n'), CP).length) };
}

/** DETAILS as the sync wrote it, with the part an Exo user edits replaced by `body`. */
function detailsWith(details: string, body: string): string {
  const { comments: block } = splitDetails(details);
  return block === null ? body : `${body}\n##Comments##\n${block}`;
}

/** The put of DETAILS as Exo saved it. */
const putOf = (saved: string, view: { body: string }, p: { body_text: string }) => putText(splitDetails(saved).body, view.body, p.body_text, CP);

/** The view with the cells of an edit: kept lines as the view shows them, typed lines as typed. */
const editedView = (visible: string[], cells: Cell[], cut: boolean) =>
  [...cells.map((c) => ('at' in c ? visible[c.at]! : viewOfLine(c.typed, CP))), ...(cut ? [CUT_MARKER] : [])].join('\n');

/** Each CR-ended line of `put` is a CR-ended line of `post`, taken once, in order: no CR is new. */
function expectEndingsOf(put: string, post: string): void {
  const endings = (text: string) => text.split('\n').map(endingOf).filter(Boolean);
  const had = endings(post);
  let j = 0;
  for (const e of endings(put)) {
    while (j < had.length && had[j] !== e) j += 1;
    expect(j, `the ending ${JSON.stringify(e)} is not the post's`).toBeLessThan(had.length);
    j += 1;
  }
}

describe('line endings: laws (fast-check, fixed seed)', () => {
  it('the view fits DETAILS however Exo saves it back: a line break may take two characters', () => {
    fc.assert(
      fc.property(post, (p) => {
        const view = textGet(p, ctx);
        for (const name of saveNames) expect(charCount(SAVES[name]!(view.details)), name).toBeLessThanOrEqual(5500);
      }),
      params(),
    );
  });

  it('the audit block of a post deleted in Numerik, below the details Exo had, fits DETAILS however Exo saves it back', () => {
    const inbound = { ...ctx, now: new Date('2026-11-27T10:00:00Z'), staffOf: () => 1, defaultStaff: null } as unknown as InboundContext;
    fc.assert(
      fc.property(post, body, save, (p, last, how) => {
        // The activity's details as Exo has them: the view the sync wrote, saved back by Exo.
        const details = SAVES[how]!(textGet(p, ctx).details);
        const change = deletedChange({ subject: 'Call Jo', details } as Activity, { text: last, deletedAt: '2026-11-27T03:00:00.000Z', deletedBy: 'usr_raj' }, inbound);
        const written = change.columns.DETAILS as string | undefined;
        if (written !== undefined) for (const name of saveNames) expect(charCount(SAVES[name]!(written)), name).toBeLessThanOrEqual(5500);
        else expect(change.cuts).toEqual([{ column: 'DETAILS', full: last }]);
      }),
      params(),
    );
  });

  it('the fit cuts only what would not fit: a text without comments whose CRLF save fits is shown whole', () => {
    fc.assert(
      fc.property(body, (text) => {
        const whole = viewOfText(text, CP);
        const view = textGet({ body_text: text, body_html: '', comments: [] }, ctx);
        if (charCount(whole.replace(/\n/g, '\r\n')) <= 5500) expect(view).toMatchObject({ cut: false, details: whole });
        else expect(view.cut).toBe(true);
      }),
      params(),
    );
  });

  it('GetPut under every save: the view saved back unchanged puts back the post byte for byte, its own CRs and no others', () => {
    fc.assert(
      fc.property(post, save, body, (p, how, theirs) => {
        const view = textGet(p, ctx);
        const saved = SAVES[how]!(view.details);
        expect(putOf(saved, view, p)).toEqual({ text: p.body_text, base: p.body_text, notes: [] });
        // Whatever Numerik did meanwhile stays.
        expect(textPut(splitDetails(saved).body, view.body, p.body_text, theirs, 'exo', ctx).text).toBe(theirs);
      }),
      params(),
    );
  });

  it('a save is no edit: an Exo user’s edit puts the same text however Exo saves it', () => {
    fc.assert(
      fc.property(post, typedEdits, (p, edits) => {
        const view = textGet(p, ctx);
        const { visible } = visibleOf(view, p.body_text);
        const details = detailsWith(view.details, editedView(visible, applyEdits(visible.length, edits), view.cut));
        const puts = saveNames.map((name) => putOf(SAVES[name]!(details), view, p));
        for (const [i, put] of puts.entries()) expect(put, saveNames[i]).toEqual(puts[0]);
      }),
      params(),
    );
  });

  it('a view Exo saved back is as good a base as the view the sync wrote: an edit after a save puts the same text', () => {
    fc.assert(
      fc.property(post, typedEdits, save, save, (p, edits, recordedAs, how) => {
        const view = textGet(p, ctx);
        const { visible } = visibleOf(view, p.body_text);
        // Exo saved the details back unchanged, and the link recorded them so.
        const recorded = splitDetails(SAVES[recordedAs]!(view.details)).body;
        const details = detailsWith(view.details, editedView(visible, applyEdits(visible.length, edits), view.cut));
        const saved = splitDetails(SAVES[how]!(details)).body;
        expect(putText(saved, recorded, p.body_text, CP)).toEqual(putOf(details, view, p));
      }),
      params(),
    );
  });

  it('a CR the post had is kept: editing the text of a line keeps that line’s own CRs, and every other line byte for byte', () => {
    fc.assert(
      fc.property(post, fc.nat(), typed, save, (p, at, text, how) => {
        const view = textGet(p, ctx);
        const { visible, tail } = visibleOf(view, p.body_text);
        fc.pre(visible.length > 0);
        const i = at % visible.length;
        // The Exo user sees the line without its CRs and types over it.
        const edited = [...visible.slice(0, i), viewOfLine(text, CP), ...visible.slice(i + 1), ...(view.cut ? [CUT_MARKER] : [])].join('\n');
        const expected = textOfView([...visible.slice(0, i), viewOfLine(text, CP) + endingOf(visible[i]!), ...visible.slice(i + 1)].join('\n'), CP) + tail;
        const put = putOf(SAVES[how]!(detailsWith(view.details, edited)), view, p);
        expect(put.text).toBe(expected);
        expect(put.notes).toEqual([]);
      }),
      params(),
    );
  });

  it('a CR Exo added is dropped: a line the Exo user inserts ends without one, and every other line is the post’s, byte for byte', () => {
    const inserts = fc.array(fc.record({ at: fc.nat(), line: typed }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(post, inserts, save, (p, lines, how) => {
        const view = textGet(p, ctx);
        const { visible, tail } = visibleOf(view, p.body_text);
        // New lines unlike any line of the view, so that which lines are new is beyond doubt.
        const news = lines.map((l, k) => ({ op: 'insert' as const, at: l.at, line: `new ${k}: ${l.line}` }));
        fc.pre(news.every((n) => !visible.some((v) => contentOf(v) === viewOfLine(n.line, CP))));
        const cells = applyEdits(visible.length, news);
        const edited = editedView(visible, cells, view.cut);
        const put = putOf(SAVES[how]!(detailsWith(view.details, edited)), view, p);
        expect(put.text).toBe(textOfView(cells.map((c) => ('at' in c ? visible[c.at]! : viewOfLine(c.typed, CP))).join('\n'), CP) + tail);
      }),
      params(),
    );
  });

  it('any edit, any save: the put reads as the Exo user wrote it, and the CRs its lines end with are the post’s, in order, never new ones', () => {
    fc.assert(
      fc.property(post, typedEdits, save, (p, edits, how) => {
        const view = textGet(p, ctx);
        const { visible, tail } = visibleOf(view, p.body_text);
        const cells = applyEdits(visible.length, edits);
        const edited = editedView(visible, cells, view.cut);
        const put = putOf(SAVES[how]!(detailsWith(view.details, edited)), view, p);
        expect(shown(put.text)).toBe(shown(textOfView(cells.map((c) => ('at' in c ? visible[c.at]! : viewOfLine(c.typed, CP))).join('\n'), CP) + tail));
        if (!view.cut) expectEndingsOf(put.text, p.body_text);
      }),
      params(),
    );
  });

  // Torture seed 87700 (PostgreSQL): the link recorded the activity as the create sent it (saved
  // with CRLF), and the post opened with the subject (rule 2), so the recorded view was no view of
  // the base post; its lines kept Exo's CRs, and an edited line took one into Numerik.
  it('the activity as its create sent it (any save), the post opening with the subject line since: an edit puts that line in front of what it puts without it, and no CR of Exo’s', () => {
    fc.assert(
      fc.property(post, typed, typedEdits, save, save, (p, subject, edits, recordedAs, how) => {
        const view = textGet(p, ctx);
        const { visible } = visibleOf(view, p.body_text);
        const basePost = `${subject}\n${p.body_text}`;
        const recorded = splitDetails(SAVES[recordedAs]!(view.details)).body;
        const saved = splitDetails(SAVES[how]!(detailsWith(view.details, editedView(visible, applyEdits(visible.length, edits), view.cut)))).body;
        // An edit that holds the subject line takes it once (counterexamples.test.ts).
        fc.pre(!saved.split('\n').some((l) => lineOfView(contentOf(l), CP).trim() === subject.trim()));
        const without = putText(saved, recorded, p.body_text, CP);
        const put = putText(saved, recorded, basePost, CP);
        expect(put).toEqual({ ...without, text: `${subject}\n${without.text}`, base: basePost });
        if (!view.cut) expectEndingsOf(put.text, basePost);
      }),
      params(),
    );
  });

  it('the alignment is bounded: a view of 2,700 blank lines, some with a CR, edited at both ends, is put in well under a second', () => {
    // node-diff3's LCS took 10 s on it (equal lines are its worst case).
    const view = Array.from({ length: 2700 }, (_, i) => (i % 3 ? '' : '\r')).join('\n');
    const edited = ['new', ...view.split('\n').slice(1, -1), 'new'].join('\r\n');
    const started = performance.now();
    const put = putText(edited, view, view, CP);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(shown(put.text)).toBe(shown(['new', ...view.split('\n').slice(1, -1), 'new'].join('\n')));
  });
});
