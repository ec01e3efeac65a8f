import { describe, expect, it } from 'vitest';
import { inside, safeFileName, uniqueName } from '../../../sync/attachments/safe-name.js';

describe('safe file names, on Windows and Linux alike', () => {
  it.each([
    ['quote.pdf', 'quote.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\Windows\\win.ini', 'win.ini'],
    ['C:\\Windows\\x.dll', 'x.dll'],
    ['C:x.dll', 'C_x.dll'],
    ['/absolute/path.txt', 'path.txt'],
    ['..', 'attachment'],
    ['', 'attachment'],
    ['CON.txt', '_CON.txt'],
    ['con', '_con'],
    ['Lpt9.log', '_Lpt9.log'],
    ['COM1', '_COM1'],
    ['nul.tar.gz', 'nul.tar.gz'],
    ['a\u0000b', 'a_b'],
    ['tab\there\nnew', 'tab_here_new'],
    ['what?<>|*"', 'what______'],
    ['trailing dots...', 'trailing dots'],
    ['trailing space ', 'trailing space'],
    ['.hidden', 'hidden'],
    ['naïve café.docx', 'naïve café.docx'],
  ])('%j → %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it('cuts a long name to 120 characters and keeps its extension', () => {
    const name = safeFileName(`${'x'.repeat(300)}.pdf`);
    expect(name).toBe(`${'x'.repeat(116)}.pdf`);
    expect(Array.from(safeFileName('😀'.repeat(300))).length).toBe(120);
  });

  it('gives two attachments of the same name distinct names, ignoring case as Windows does', () => {
    expect(uniqueName('report.pdf', new Set())).toBe('report.pdf');
    expect(uniqueName('report.pdf', new Set(['REPORT.pdf']))).toBe('report (2).pdf');
    expect(uniqueName('report.pdf', new Set(['report.pdf', 'report (2).pdf']))).toBe('report (3).pdf');
  });

  it('never resolves outside the folder', () => {
    expect(inside('/data/7', 'a.txt')).toBe('/data/7/a.txt');
    expect(() => inside('/data/7', '../8/a.txt')).toThrow(/refusing to write outside/);
    expect(() => inside('/data/7', 'sub/a.txt')).toThrow(/refusing to write outside/);
  });
});
