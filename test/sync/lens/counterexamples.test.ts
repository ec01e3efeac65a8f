import { describe, expect, it } from 'vitest';
import { putText } from '../../../sync/lens/body.js';

/** Every counterexample the lens properties (laws.test.ts, npm run fuzz) ever found, by name. */
describe('the text lens: counterexamples found by fast-check', () => {
  it('a post line that is only a CR keeps it when Exo saves the details with CRLF line breaks', () => {
    // seeds 18193 and 16718: body "\r", an empty line inserted after it.
    expect(putText('\r\n', '\r', '\r', 'cp1252').text).toBe('\r\n');
  });
});
