import { expect, it } from 'vitest';
import { overlayStored } from '../../sync/options.js';

it('stored settings win over the configuration key by key; an invalid one is reported and left out, never half-applied', () => {
  const invalid: [string, string | undefined][] = [];
  const { options, fromStore } = overlayStored(
    { conflictPolicy: 'exo-wins', pollSeconds: 1, timeZone: 'Pacific/Auckland' },
    { pollSeconds: 0.5, maxAttempts: 'many', excludedStaff: ['EVE'], 'state.reconcile.watermark': 'x' },
    (key, message) => invalid.push([key, message]),
  );
  expect(options).toMatchObject({ conflictPolicy: 'exo-wins', pollSeconds: 0.5, maxAttempts: 8, excludedStaff: ['EVE'], timeZone: 'Pacific/Auckland' });
  expect([...fromStore].sort()).toEqual(['excludedStaff', 'pollSeconds']);
  expect(invalid).toEqual([['maxAttempts', expect.stringContaining('expected number')]]);
});
