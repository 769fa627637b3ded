import { hashSlot } from './kgrams.ts';

/**
 * The k-grams of one text by hash, in typed arrays (open addressing): for a hash, the
 * positions where it occurs, ascending. Used to mark template text (53-bit hashes) and to
 * align a pair (32-bit keys).
 */
export class KgramTable {
  private readonly keys: Float64Array;
  private readonly heads: Int32Array;
  private readonly mask: number;
  /** One bit per slot, set when the slot is taken: most look-ups miss, and end on this bit. */
  private readonly taken: Uint32Array;
  /** `next[p]`: the next position with the same hash as position p, or -1. */
  readonly next: Int32Array;

  constructor(hashes: ArrayLike<number>) {
    let size = 16;
    while (size < hashes.length * 2) size *= 2;
    this.mask = size - 1;
    this.keys = new Float64Array(size);
    this.heads = new Int32Array(size).fill(-1);
    this.next = new Int32Array(hashes.length).fill(-1);
    this.taken = new Uint32Array(size / 32 + 1);
    for (let p = hashes.length - 1; p >= 0; p--) {
      const h = hashes[p];
      let slot = hashSlot(h) & this.mask;
      while (this.heads[slot] !== -1 && this.keys[slot] !== h) slot = (slot + 1) & this.mask;
      if (this.heads[slot] !== -1) this.next[p] = this.heads[slot];
      this.keys[slot] = h;
      this.heads[slot] = p;
      this.taken[slot >>> 5] |= 1 << (slot & 31);
    }
  }

  /** First (lowest) position of `hash`, or -1. */
  first(hash: number): number {
    let slot = hashSlot(hash) & this.mask;
    if (!(this.taken[slot >>> 5] & (1 << (slot & 31)))) return -1;
    while (this.heads[slot] !== -1) {
      if (this.keys[slot] === hash) return this.heads[slot];
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }

  has(hash: number): boolean {
    return this.first(hash) !== -1;
  }
}
