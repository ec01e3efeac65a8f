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
    ['nul.tar.gz', '_nul.tar.gz'],
    ['AUX .txt', '_AUX .txt'],
    ['CONOUT$', '_CONOUT$'],
    ['attachments.json', '_attachments.json'],
    ['Removed', '_Removed'],
    ['removed.', '_removed'],
    ['invoice\u202Efdp.exe', 'invoice_fdp.exe'],
    ['zero\u200Bwidth\uFEFF.txt', 'zero_width_.txt'],
    ['lone \uD800 surrogate', 'lone _ surrogate'],
    ['.exo-numerik.lock', 'exo-numerik.lock'],
    ['x.partial', 'x.partial'],
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
  });

  it('keeps within 255 bytes (Linux) and 255 UTF-16 units (Windows), however a name is written', () => {
    for (const [ch, n] of [['報', 300], ['😀', 300], ['é', 300], ['a', 1000]] as const) {
      const name = safeFileName(`${ch.repeat(n)}.pdf`);
      expect(Buffer.byteLength(`${name.slice(0, -4)} (99).pdf`)).toBeLessThanOrEqual(255);
      expect(`${name} (99)`.length).toBeLessThanOrEqual(255);
      expect(name.endsWith('.pdf')).toBe(true);
    }
    expect(safeFileName('報'.repeat(100))).toBe('報'.repeat(82));
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
