/**
 * Character masks over a normalized document (one byte per countable character) and the
 * counting done with them.
 */

/** Marks `[start, end)`. */
export function mark(mask: Uint8Array, start: number, end: number): void {
  mask.fill(1, Math.max(0, start), Math.min(mask.length, end));
}

/** Characters covered by a k-gram whose state is at least `min` (`states[i]` is the k-gram at i, of `k` characters). */
export function coverage(states: Uint8Array, min: number, length: number, k: number): Uint8Array {
  const mask = new Uint8Array(length);
  let covered = 0;
  for (let i = 0; i < states.length; i++) {
    if (states[i] < min) continue;
    const end = i + k;
    mask.fill(1, Math.max(i, covered), end);
    covered = end;
  }
  return mask;
}

/** Fills unmarked gaps of at most `maxGap` characters between marked characters. */
export function bridgeGaps(mask: Uint8Array, maxGap: number): void {
  let lastMarked = -1;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    if (lastMarked >= 0 && i - lastMarked - 1 <= maxGap) mask.fill(1, lastMarked + 1, i);
    lastMarked = i;
  }
}

/**
 * Unmarks runs shorter than `min` characters, a run being marked characters outside
 * `excluded` with nothing between them: what is left of a passage once template text is set
 * aside must still be a passage of the minimum length.
 */
export function dropShortRuns(mask: Uint8Array, excluded: Uint8Array | null, min: number): void {
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i] || excluded?.[i]) continue;
    let j = i;
    while (j < mask.length && mask[j] && !excluded?.[j]) j++;
    if (j - i < min) mask.fill(0, i, j);
    i = j;
  }
}

/** Number of characters marked in `mask` and in none of `excluded`. */
export function countMarked(mask: Uint8Array, ...excluded: (Uint8Array | null)[]): number {
  const others = excluded.filter((m): m is Uint8Array => m !== null);
  let count = 0;
  if (others.length === 0) {
    for (let i = 0; i < mask.length; i++) count += mask[i];
    return count;
  }
  outer: for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    for (const m of others) if (m[i]) continue outer;
    count++;
  }
  return count;
}

/** Number of characters marked in both `mask` and `within`, and not in `excluded`. */
export function countMarkedWithin(mask: Uint8Array, within: Uint8Array, excluded: Uint8Array | null): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] && within[i] && !excluded?.[i]) count++;
  return count;
}

/**
 * Mask of the normalized characters whose source lies in one of the original-text ranges
 * (ascending, non-overlapping `[start, end)`), or null when none does.
 */
export function maskFromOriginalRanges(offsets: Int32Array, ranges: [number, number][]): Uint8Array | null {
  if (ranges.length === 0) return null;
  const mask = new Uint8Array(offsets.length);
  let r = 0;
  let any = false;
  for (let i = 0; i < offsets.length && r < ranges.length; i++) {
    const at = offsets[i];
    while (r < ranges.length && ranges[r][1] <= at) r++;
    if (r < ranges.length && ranges[r][0] <= at) {
      mask[i] = 1;
      any = true;
    }
  }
  return any ? mask : null;
}
