import { describe, expect, it } from 'vitest';
import { heapFlagsToSet } from '../../service/heap.js';

describe('the heap flags of a long-running command', () => {
  it('sets both when the operator gave neither', () => {
    expect(heapFlagsToSet([], '')).toEqual(['--heap-growing-percent=30', '--semi-space-growth-factor=1']);
    expect(heapFlagsToSet(['--enable-source-maps'], '--max-old-space-size=512')).toEqual(['--heap-growing-percent=30', '--semi-space-growth-factor=1']);
  });

  it("leaves a flag the operator set, on node's command line or in NODE_OPTIONS, in either spelling", () => {
    expect(heapFlagsToSet(['--heap-growing-percent=50'])).toEqual(['--semi-space-growth-factor=1']);
    expect(heapFlagsToSet([], '--max-old-space-size=512 --semi_space_growth_factor=2')).toEqual(['--heap-growing-percent=30']);
    expect(heapFlagsToSet(['--heap_growing_percent=80'], '--semi-space-growth-factor=4')).toEqual([]);
  });
});
