/** Weighted counts of values that compare by content (a font and size, a line spacing), and the most used one. */
export class Tally<T> {
  private readonly counts = new Map<string, { value: T; n: number }>();

  constructor(private readonly keyOf: (value: T) => string = (v) => JSON.stringify(v)) {}

  add(value: T, n: number): void {
    const key = this.keyOf(value);
    const seen = this.counts.get(key);
    if (seen) seen.n += n;
    else this.counts.set(key, { value, n });
  }

  get size(): number {
    return this.counts.size;
  }

  get total(): number {
    let sum = 0;
    for (const { n } of this.counts.values()) sum += n;
    return sum;
  }

  /** The most used value (the first one seen among equals), or undefined when nothing was counted. */
  top(): { value: T; n: number } | undefined {
    let best: { value: T; n: number } | undefined;
    for (const c of this.counts.values()) if (!best || c.n > best.n) best = c;
    return best;
  }
}
