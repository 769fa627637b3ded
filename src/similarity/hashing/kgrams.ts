/**
 * Character k-gram hashes of 53 bits (exact in a double, no BigInt): two rolling polynomial
 * hashes mod 2^32 with different odd bases, each avalanche-mixed, the first giving the high
 * 32 bits and the second the low 21. A 26-bit hash would give false matches against a whole
 * corpus; at 53 bits a false match is about 2^-53 per comparison.
 */

const BASE_A = 0x01000193;
const BASE_B = 0x5bd1e995;
const LOW_BITS = 2 ** 21;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function power(base: number, k: number): number {
  let p = 1;
  for (let i = 0; i < k; i++) p = Math.imul(p, base);
  return p;
}

/** Hash of every k-gram of `chars`: `out[i]` covers `chars[i..i+k)`. */
export function kgramHashes(chars: Uint16Array, k: number): Float64Array {
  const n = chars.length;
  const out = new Float64Array(Math.max(0, n - k + 1));
  if (n < k) return out;
  const dropA = power(BASE_A, k);
  const dropB = power(BASE_B, k);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const c = chars[i];
    a = (Math.imul(a, BASE_A) + c) | 0;
    b = (Math.imul(b, BASE_B) + c) | 0;
    if (i >= k) {
      const old = chars[i - k];
      a = (a - Math.imul(old, dropA)) | 0;
      b = (b - Math.imul(old, dropB)) | 0;
    }
    if (i >= k - 1) out[i - k + 1] = fmix32(a) * LOW_BITS + (fmix32(b) >>> 11);
  }
  return out;
}

/**
 * A 32-bit key of every k-gram of `chars` (`out[i]` covers `chars[i..i+k)`): the high half of
 * `kgramHashes`, from one rolling hash. Keys of different k-grams collide about once in 2^32
 * comparisons, so whoever finds two equal keys compares the characters.
 */
export function kgramKeys(chars: Uint16Array, k: number): Uint32Array {
  const n = chars.length;
  const out = new Uint32Array(Math.max(0, n - k + 1));
  if (n < k) return out;
  const dropA = power(BASE_A, k);
  let a = 0;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, BASE_A) + chars[i]) | 0;
    if (i >= k) a = (a - Math.imul(chars[i - k], dropA)) | 0;
    if (i >= k - 1) out[i - k + 1] = fmix32(a);
  }
  return out;
}

/** A well-spread 32-bit slot number for open addressing. */
export function hashSlot(hash: number): number {
  const high = (hash / LOW_BITS) >>> 0;
  return Math.imul(high, 0x9e3779b1) ^ (hash - high * LOW_BITS);
}
