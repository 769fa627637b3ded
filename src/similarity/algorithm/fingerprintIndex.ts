import { bucketDivisor } from '../hashing/kgrams.ts';

/** Fingerprints of a set of documents, as postings (hash, document, position) sorted by hash. */
export interface FingerprintIndex {
  hashes: Float64Array;
  docs: Uint32Array;
  positions: Uint32Array;
}

export interface Fingerprinted {
  fingerprintHashes: Float64Array;
  fingerprintPositions: Uint32Array;
}

/**
 * The inverted index: every document's fingerprints, grouped by hash. Built by a counting
 * sort on the high bits of the hash (the hashes are uniform), then an insertion sort inside
 * each small bucket: linear time, three typed arrays, no per-posting objects.
 */
export function buildFingerprintIndex(docs: readonly Fingerprinted[]): FingerprintIndex {
  let total = 0;
  for (const d of docs) total += d.fingerprintHashes.length;
  let bits = 8;
  while (bits < 24 && 2 ** bits < total / 4) bits++;
  const divisor = bucketDivisor(bits);
  const starts = new Uint32Array(2 ** bits + 1);
  for (const d of docs) for (const h of d.fingerprintHashes) starts[Math.floor(h / divisor) + 1]++;
  for (let b = 1; b < starts.length; b++) starts[b] += starts[b - 1];

  const hashes = new Float64Array(total);
  const owners = new Uint32Array(total);
  const positions = new Uint32Array(total);
  const fill = starts.slice(0, -1);
  docs.forEach((d, doc) => {
    const hs = d.fingerprintHashes;
    for (let i = 0; i < hs.length; i++) {
      const at = fill[Math.floor(hs[i] / divisor)]++;
      hashes[at] = hs[i];
      owners[at] = doc;
      positions[at] = d.fingerprintPositions[i];
    }
  });
  for (let b = 0; b + 1 < starts.length; b++) {
    for (let i = starts[b] + 1; i < starts[b + 1]; i++) {
      const h = hashes[i];
      const o = owners[i];
      const p = positions[i];
      let j = i - 1;
      while (j >= starts[b] && hashes[j] > h) {
        hashes[j + 1] = hashes[j];
        owners[j + 1] = owners[j];
        positions[j + 1] = positions[j];
        j--;
      }
      hashes[j + 1] = h;
      owners[j + 1] = o;
      positions[j + 1] = p;
    }
  }
  return { hashes, docs: owners, positions };
}

/** Calls `visit(start, end)` for every hash held by two postings or more. */
export function forEachSharedHash(index: FingerprintIndex, visit: (start: number, end: number) => void): void {
  const { hashes } = index;
  let start = 0;
  for (let i = 1; i <= hashes.length; i++) {
    if (i < hashes.length && hashes[i] === hashes[start]) continue;
    if (i - start > 1) visit(start, i);
    start = i;
  }
}
