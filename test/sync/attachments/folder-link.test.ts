import { expect, it } from 'vitest';
import { folderLink } from '../../../sync/attachments/sync-files.js';

it.each([
  ['a UNC base', { attachmentsLinkBase: '\\\\server\\share\\Numerik', attachmentsRoot: '/mnt/numerik' }, '\\\\server\\share\\Numerik\\1234'],
  ['a UNC base with a trailing backslash', { attachmentsLinkBase: '\\\\server\\share\\Numerik\\', attachmentsRoot: '/mnt/numerik' }, '\\\\server\\share\\Numerik\\1234'],
  ['a file: URL base', { attachmentsLinkBase: 'file://server/share/Numerik/', attachmentsRoot: '/mnt/numerik' }, 'file://server/share/Numerik/1234'],
  ['a mapped drive', { attachmentsLinkBase: 'N:\\Numerik', attachmentsRoot: '/mnt/numerik' }, 'N:\\Numerik\\1234'],
  ['no base: the root as a file: URL', { attachmentsLinkBase: null, attachmentsRoot: '/srv/exo files' }, 'file:///srv/exo%20files/1234'],
])('%s', (_, options, expected) => {
  expect(folderLink(options, 1234)).toBe(expected);
});
