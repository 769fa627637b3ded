/**
 * Winnowing (Schleimer et al. 2003): the rightmost minimal hash of every window of `w`
 * consecutive k-grams. Any match of at least w + k - 1 characters shares a selected k-gram;
 * about 2 / (w + 1) of the k-grams are selected. Returns their positions, ascending.
 */
export function winnow(hashes: Float64Array, w: number): Uint32Array {
  const m = hashes.length;
  if (m === 0) return new Uint32Array(0);
  const picked = new Uint32Array(Math.max(1, m - w + 1));
  let count = 0;
  let min = -1;
  for (let start = 0; start === 0 || start + w <= m; start++) {
    const last = Math.min(start + w, m) - 1;
    if (min < start) {
      // the minimum left the window: find the new one
      min = start;
      for (let j = start + 1; j <= last; j++) if (hashes[j] <= hashes[min]) min = j;
      picked[count++] = min;
    } else if (hashes[last] <= hashes[min]) {
      min = last;
      picked[count++] = min;
    }
  }
  return picked.slice(0, count);
}
