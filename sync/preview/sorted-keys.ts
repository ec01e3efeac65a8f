/**
 * Activity keys, sorted and each once, in a typed array (8 bytes a key, no object per key): what the
 * preview keeps of the bulk statements' sets it reads.
 */
export class SortedKeys {
  private readonly keys: Float64Array;

  constructor(unsorted: Iterable<number>) {
    const all = Float64Array.from(unsorted).sort();
    let n = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i]!;
    this.keys = all.subarray(0, n);
  }

  get size(): number {
    return this.keys.length;
  }

  /** Where the first key above `key` is. */
  private above(key: number): number {
    let [lo, hi] = [0, this.keys.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(key: number): boolean {
    const i = this.above(key) - 1;
    return i >= 0 && this.keys[i] === key;
  }

  /** The next `limit` keys above `after`, in order. */
  after(after: number, limit: number): number[] {
    const from = this.above(after);
    return Array.from(this.keys.subarray(from, from + limit));
  }
}

/**
 * The first `limit` keys of the union of two pages, each sorted and each holding the first `limit`
 * keys of its source after the same key: so the result is the union's next page, each key once.
 */
export function unionPage(a: readonly number[], b: readonly number[], limit: number): number[] {
  const page: number[] = [];
  let [i, j] = [0, 0];
  while (page.length < limit && (i < a.length || j < b.length)) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (page.at(-1) !== next) page.push(next);
  }
  return page;
}
