import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textGet, textPut } from '../../../sync/lens/activity-text.js';
import { mergeText, putText, uncontested } from '../../../sync/lens/body.js';
import { decodeChars, storable } from '../../../sync/lens/chars.js';
import { commentsText } from '../../../sync/lens/comments.js';
import { CUT_MARKER, isCommentsMarker, isCutMarker } from '../../../sync/lens/control-lines.js';
import { splitDetails } from '../../../sync/lens/details.js';
import { asCreatedText, openingText, subjectOf } from '../../../sync/lens/subject.js';
import { charCount, lineOfView, textOfView, viewOfLine, viewOfText } from '../../../sync/lens/view-text.js';
import type { NumerikComment } from '../../../sync/numerik/types.js';
import { applyEdits, body, line, lineEdits, type Cell } from '../../support/text-arbitraries.js';

/**
 * The laws of the text lens (get: post → SUBJECT/DETAILS, put: edited DETAILS + post → post
 * text), as properties over generated posts and Exo edits. `npm test` runs them with this seed;
 * `npm run fuzz` runs many more, with a new seed each time (FUZZ_SEED replays one).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const params = (runs = RUNS) => ({ seed: SEED, numRuns: runs });
const CP = 'cp1252';
const ctx = { codePage: CP, notesFormat: 'text' as const, timeZone: 'Pacific/Auckland', userName: (id: string) => `User ${id}` };

const comment = fc.record({ id: fc.uuid(), author_id: fc.constantFrom('usr_ann', 'usr_raj'), body_text: body, created_at: fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }).map((d) => d.toISOString()) }).map(
  (c): NumerikComment => ({ ...c, body_html: '', updated_at: c.created_at }),
);
const comments = fc.oneof({ weight: 3, arbitrary: fc.constant([] as NumerikComment[]) }, { weight: 1, arbitrary: fc.array(comment, { maxLength: 3 }) });
const post = fc.record({ body_text: body, comments }).map((p) => ({ ...p, body_html: '' }));
/** What an Exo user can type into a line: the view of any text (a line break is Enter, saved as CRLF by Exo's memo). */
const typed = line.map((l) => l.replace(/\r+$/, ''));
const typedEdits = lineEdits.map((edits) => edits.map((e) => ('line' in e ? { ...e, line: e.line.replace(/\r+$/, '') } : e)));

/** The text as Exo's memo shows it: no CR at the end of a line. */
const shown = (text: string) => text.replace(/\r+(?=\n|$)/g, '');

const onlyStorable = (text: string) => Array.from(text).every((ch) => storable(ch.codePointAt(0)!, CP));

/** The view's visible lines (the cut marker line apart) and, when cut, the text it stands for. */
function visibleOf(view: { body: string; cut: boolean }, text: string) {
  const lines = view.body.split('\n');
  const visible = view.cut ? lines.slice(0, -1) : lines;
  const shown = textOfView(visible.join('\n'), CP);
  return { visible, tail: text.slice(shown.length) };
}

describe('the text lens: laws (fast-check, fixed seed)', () => {
  it('a line and its view: the view holds only what Exo can store, never looks like a marker line, and decodes back exactly', () => {
    fc.assert(
      fc.property(line, (l) => {
        const v = viewOfLine(l, CP);
        expect(onlyStorable(v)).toBe(true);
        expect(isCommentsMarker(v) || isCutMarker(v)).toBe(false);
        expect(lineOfView(v, CP)).toBe(l);
      }),
      params(2000),
    );
  });

  it('DETAILS fits its column, holds only what Exo can store, and splits back into exactly the view of the text', () => {
    fc.assert(
      fc.property(post, (p) => {
        const view = textGet(p, ctx);
        expect(charCount(view.details)).toBeLessThanOrEqual(5500);
        expect(onlyStorable(view.details)).toBe(true);
        expect(splitDetails(view.details).body).toBe(view.body);
        if (!view.cut) expect(textOfView(view.body, CP)).toBe(p.body_text);
        else expect(p.body_text.startsWith(textOfView(view.body.split('\n').slice(0, -1).join('\n'), CP))).toBe(true);
      }),
      params(),
    );
  });

  it('GetPut: an unchanged view puts back the post’s text unchanged, whatever Numerik did meanwhile', () => {
    fc.assert(
      fc.property(post, body, (p, theirs) => {
        const view = textGet(p, ctx);
        expect(putText(view.body, view.body, p.body_text, CP)).toMatchObject({ text: p.body_text, base: p.body_text, notes: [] });
        expect(textPut(view.body, view.body, p.body_text, theirs, 'exo', ctx).text).toBe(theirs);
      }),
      params(),
    );
  });

  it('Put is the Exo user’s line edits applied to the post: untouched lines and the text past the cut survive, byte for byte', () => {
    fc.assert(
      fc.property(post, typedEdits, (p, edits) => {
        const view = textGet(p, ctx);
        const { visible, tail } = visibleOf(view, p.body_text);
        const postLines = p.body_text.split('\n');
        const cells: Cell[] = applyEdits(visible.length, edits);
        const edited = [...cells.map((c) => ('at' in c ? visible[c.at]! : viewOfLine(c.typed, CP))), ...(view.cut ? [CUT_MARKER] : [])].join('\n');
        // A visible line is the post's line, or (the last one, when cut) the start of it.
        const lineOf = (at: number) => (at < visible.length - 1 || !view.cut ? postLines[at]! : lineOfView(visible[at]!, CP));
        const expected = cells.map((c) => ('at' in c ? lineOf(c.at) : c.typed)).join('\n') + tail;
        const put = putText(edited, view.body, p.body_text, CP);
        // The CRs at the ends of lines are the post's, never the edit's (line-endings.test.ts has
        // their laws): where the post's lines have none, the put is the edit byte for byte; where
        // they have some, it reads as the edit does in Exo, which shows no CR at a line's end.
        const ownCRs = visible.some((v) => v.endsWith('\r'));
        if (ownCRs) expect(shown(put.text)).toBe(shown(expected));
        else expect(put.text).toBe(expected);
        expect(put.notes).toEqual([]);
        // PutGet: where the result fits, Exo reads back exactly what its user wrote.
        const back = textGet({ ...p, body_text: put.text }, ctx);
        if (!view.cut && !back.cut) expect(ownCRs ? shown(back.body) : back.body).toBe(ownCRs ? shown(edited) : edited);
      }),
      params(),
    );
  });

  it('Exo saving the details with CRLF line breaks is no edit: the put is the same, for every post, CRs of its own or not', () => {
    fc.assert(
      fc.property(post, typedEdits, (p, edits) => {
        const view = textGet(p, ctx);
        const { visible } = visibleOf(view, p.body_text);
        const cells = applyEdits(visible.length, edits);
        const edited = [...cells.map((c) => ('at' in c ? visible[c.at]! : viewOfLine(c.typed, CP))), ...(view.cut ? [CUT_MARKER] : [])].join('\n');
        expect(putText(edited.replace(/\n/g, '\r\n'), view.body, p.body_text, CP)).toEqual(putText(edited, view.body, p.body_text, CP));
      }),
      params(),
    );
  });

  it('deleting the cut marker line keeps the text it stands for, and says so', () => {
    fc.assert(
      fc.property(post.filter((p) => textGet(p, ctx).cut), (p) => {
        const view = textGet(p, ctx);
        const { visible, tail } = visibleOf(view, p.body_text);
        const put = putText(visible.join('\n'), view.body, p.body_text, CP);
        expect(put.text).toBe(p.body_text);
        expect(tail.length).toBeGreaterThan(0);
        expect(put.notes).toEqual(['the cut marker line was deleted in Exo: the text it stands for is kept in Numerik']);
      }),
      params(50),
    );
  });

  it('the subject: at most 60 characters Exo can store, the start of the post’s first line, never half a placeholder', () => {
    fc.assert(
      fc.property(body, (text) => {
        const subject = subjectOf(text, CP);
        const first = (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
        expect(charCount(subject)).toBeLessThanOrEqual(60);
        expect(onlyStorable(subject)).toBe(true);
        expect(first.startsWith(decodeChars(subject, CP))).toBe(true);
        if (charCount(viewOfText(first, CP)) <= 60 && !first.includes('[')) expect(decodeChars(subject, CP)).toBe(first);
      }),
      params(),
    );
  });

  it('an activity linked as created reads as its create read it; a line inserted above brings no second subject line', () => {
    fc.assert(
      fc.property(typed, body, typed, (subject, details, above) => {
        const created = openingText(subject, details);
        expect(asCreatedText(subject, details, created)).toBe(created);
        // Seeds 93005, 93038 of the torture run: the details began with the subject, then a line went above.
        const begins = `${subject.trim()}\n${details}`;
        if (subject.trim() && !above.trimStart().startsWith(subject.trim())) {
          expect(asCreatedText(subject, `${above}\n${begins}`, openingText(subject, begins))).toBe(`${above}\n${begins}`);
        }
      }),
      params(),
    );
  });

  it('a new activity’s text holds its subject’s line once: a line inserted above the details’ first line before the first send reads them changes nothing else', () => {
    fc.assert(
      fc.property(typed, body, typed, (subject, details, above) => {
        const line = subject.trim();
        // Seeds 98023, 98093, 98112 of the torture run: the details began with the subject, and a
        // line went above it before the create read them; read before that save, the create sent
        // the details as they were, and the save then came as an insert above.
        const begins = `${line}\n${details}`;
        expect(openingText(subject, `${above}\n${begins}`)).toBe(`${above}\n${openingText(subject, begins)}`);
        // Rule 2 otherwise: details that neither begin with the subject nor hold its line get it in front.
        const held = details.trimStart().startsWith(line) || details.split('\n').some((l) => l.trim() === line);
        if (line && details && !held) expect(openingText(subject, details)).toBe(`${line}\n${details}`);
      }),
      params(),
    );
  });

  describe('the merge (diff3, line by line)', () => {
    /** Distinct lines, so that what a change touches is unambiguous. */
    const distinct = (prefix: string) => fc.array(line, { minLength: 1, maxLength: 10 }).map((ls) => ls.map((l, i) => `${prefix}${i}: ${l}`));
    const PIVOT = '-- unchanged line between the two edits --';
    const edit = (lines: string[], edits: { op: string; at: number; line?: string }[], tag: string) =>
      applyEdits(lines.length, edits.map((e, i) => ('line' in e ? { ...e, line: `${tag}${i}: ${e.line}` } : e)) as Parameters<typeof applyEdits>[1]).map((c) =>
        'at' in c ? lines[c.at]! : c.typed,
      );

    it('edits of different lines, one unchanged line apart, are both kept, without conflict', () => {
      fc.assert(
        fc.property(distinct('left'), distinct('right'), lineEdits, lineEdits, fc.constantFrom<'exo' | 'numerik'>('exo', 'numerik'), (left, right, exoEdits, numerikEdits, winner) => {
          const base = [...left, PIVOT, ...right].join('\n');
          const ours = [...edit(left, exoEdits, 'exo'), PIVOT, ...right].join('\n');
          const theirs = [...left, PIVOT, ...edit(right, numerikEdits, 'numerik')].join('\n');
          const merged = mergeText(ours, base, theirs, winner);
          expect(merged).toEqual({ text: [...edit(left, exoEdits, 'exo'), PIVOT, ...edit(right, numerikEdits, 'numerik')].join('\n'), conflicts: [] });
        }),
        params(),
      );
    });

    it('a line both sides changed differently: the winner’s version, the loser’s kept in the conflict', () => {
      fc.assert(
        fc.property(distinct('l'), fc.nat(), line, line, fc.constantFrom<'exo' | 'numerik'>('exo', 'numerik'), (lines, at, a, b, winner) => {
          const i = at % lines.length;
          const [exoLine, numerikLine] = [`exo: ${a}`, `numerik: ${b}`];
          const with_ = (l: string) => lines.map((x, j) => (j === i ? l : x)).join('\n');
          const merged = mergeText(with_(exoLine), lines.join('\n'), with_(numerikLine), winner);
          expect(merged.text).toBe(with_(winner === 'exo' ? exoLine : numerikLine));
          expect(merged.conflicts).toEqual([{ exo: exoLine, numerik: numerikLine, base: lines[i] }]);
        }),
        params(),
      );
    });

    // Torture seed 98008: an Exo line sent by a worker killed before it recorded the send, and a
    // Numerik edit of the next line made on top of it: the card kept "Exo's" lines, which Numerik held.
    it('one side’s change already in the other’s lines (its echo), with the other’s own edits beside it: the other’s lines, no conflict', () => {
      const inserts = fc.array(fc.record({ op: fc.constant('insert' as const), at: fc.nat(), line }), { minLength: 1, maxLength: 4 });
      fc.assert(
        fc.property(distinct('l'), lineEdits, inserts, fc.constantFrom<'exo' | 'numerik'>('exo', 'numerik'), fc.boolean(), (lines, edits, others, winner, exoFirst) => {
          const sent = edit(lines, edits, 'sent');
          fc.pre(sent.some((l) => l.startsWith('sent')));
          const beside = edit(sent, others, 'beside');
          const [base, echoed, holder] = [lines.join('\n'), sent.join('\n'), beside.join('\n')];
          // Either side may be the one whose change came back with the other's edits beside it.
          const merged = exoFirst ? mergeText(echoed, base, holder, winner) : mergeText(holder, base, echoed, winner);
          expect(merged).toEqual({ text: holder, conflicts: [] });
        }),
        params(),
      );
    });

    it('a merge half done (Numerik took Exo’s uncontested edits, Exo took nothing) decides again exactly the conflict it had', () => {
      const [BOTH, AFTER] = ['-- the line both sides change --', '-- unchanged line after it --'];
      fc.assert(
        fc.property(distinct('left'), distinct('right'), lineEdits, lineEdits, line, line, fc.constantFrom<'exo' | 'numerik'>('exo', 'numerik'), (left, right, exoEdits, numerikEdits, x, y, winner) => {
          const exoLeft = edit(left, exoEdits, 'exo');
          const base = [...left, PIVOT, BOTH, AFTER, ...right].join('\n');
          const ours = [...exoLeft, PIVOT, `exo: ${x}`, AFTER, ...right].join('\n');
          const theirs = [...left, PIVOT, `numerik: ${y}`, AFTER, ...edit(right, numerikEdits, 'numerik')].join('\n');
          const half = uncontested(ours, base, theirs);
          expect(half).toBe([...exoLeft, PIVOT, BOTH, AFTER, ...right].join('\n'));
          // What Numerik holds once the half that happened landed: Exo's uncontested edits, its own lines.
          const sent = mergeText(ours, base, theirs, 'numerik').text;
          expect(mergeText(ours, half, sent, winner)).toEqual(mergeText(ours, base, theirs, winner));
        }),
        params(),
      );
    });

    it('a deletion on one side and an edit of the same line on the other stays a conflict', () => {
      fc.assert(
        fc.property(distinct('l'), fc.nat(), line, fc.constantFrom<'exo' | 'numerik'>('exo', 'numerik'), (lines, at, b, winner) => {
          const i = at % lines.length;
          const deleted = lines.filter((_, j) => j !== i).join('\n');
          const edited = lines.map((x, j) => (j === i ? `numerik: ${b}` : x)).join('\n');
          expect(mergeText(deleted, lines.join('\n'), edited, winner).conflicts).toEqual([{ exo: '', numerik: `numerik: ${b}`, base: lines[i] }]);
        }),
        params(),
      );
    });
  });

  it('a post of 1 MB: an edit of its first line changes only that line in Numerik', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 5, maxLength: 40 }), typed, (sample, first) => {
        const lines: string[] = [];
        for (let size = 0, i = 0; size < 1_000_000; i += 1) {
          const l = `${i} ${sample[i % sample.length]}`;
          lines.push(l);
          size += l.length + 1;
        }
        const text = lines.join('\n');
        const view = textGet({ body_text: text, body_html: '', comments: [] }, ctx);
        const edited = [viewOfLine(first, CP), ...view.body.split('\n').slice(1)].join('\n');
        const put = textPut(edited, view.body, text, text, 'exo', ctx);
        expect(put.text).toBe([first, ...lines.slice(1)].join('\n'));
      }),
      params(5),
    );
  });

  it('the comments block reads as its comments, oldest first', () => {
    const at = (iso: string) => ({ id: iso, author_id: 'usr_ann', body_text: `said at ${iso}`, body_html: '', created_at: iso, updated_at: iso });
    expect(commentsText([at('2026-12-01T02:00:00Z'), at('2026-12-01T01:00:00Z')], 'UTC', () => 'Ann')).toBe(
      'Ann (1 Dec 2026 01:00):\nsaid at 2026-12-01T01:00:00Z\n\nAnn (1 Dec 2026 02:00):\nsaid at 2026-12-01T02:00:00Z',
    );
  });
});
