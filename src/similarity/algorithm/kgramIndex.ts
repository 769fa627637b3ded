import type { PreparedDocument } from './document.ts';

/** What the index says of one k-gram of a document. */
export const UNSHARED = 0;
/** Held by another document too (an entry or the library). */
export const SHARED = 1;
/** Held by at least the common minimum of entries: common text. */
export const COMMON = 2;

/** Postings sorted at a time: the index's scratch memory stays bounded whatever the size of the corpus. */
const PASS_POSTINGS = 8_000_000;

/**
 * Every k-gram of the corpus (not a sample): which ones another document holds too, and the
 * documents sharing each k-gram outside common text, grouped for pairing. Memory is typed
 * arrays proportional to the characters and to the shared k-grams, never to pairs of documents.
 */
export interface KgramIndex {
  /** Per document, the state of each k-gram: UNSHARED, SHARED or COMMON. */
  states: Uint8Array[];
  /** Group g (a k-gram shared outside common text) is held by documents `groupDocs[groupStart[g] .. groupStart[g + 1])`. */
  groupStart: Uint32Array;
  groupDocs: Uint32Array;
  /**
   * The shared k-grams of document d, ascending by position: `docKgrams[docKgramStart[d] .. docKgramStart[d + 1])`,
   * each `position * 2^32 + group`.
   */
  docKgramStart: Uint32Array;
  docKgrams: Float64Array;
}

/** A growable array of 32-bit integers. */
class U32List {
  data = new Uint32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
  done(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Builds the index in passes over slices of the 32-bit key space: each pass gathers the
 * k-grams whose key falls in its slice, sorts them by key (counting sort on the next bits,
 * then insertion sort in tiny buckets: linear) and walks the runs of equal keys. Equal keys
 * are confirmed on the characters, so a key collision never makes a match.
 */
export function buildKgramIndex(docs: readonly PreparedDocument[], params: { minMatch: number; commonMin: number }): KgramIndex {
  const k = params.minMatch;
  const n = docs.length;
  const base = new Float64Array(n + 1);
  for (let d = 0; d < n; d++) base[d + 1] = base[d] + docs[d].keys.length;
  const total = base[n];
  const states = docs.map((d) => new Uint8Array(d.keys.length));

  let passBits = 0;
  while (passBits < 8 && total / 2 ** passBits > PASS_POSTINGS) passBits++;
  const passShift = 32 - passBits;
  const passOf = (key: number): number => (passBits === 0 ? 0 : key >>> passShift);
  const passSize = new Float64Array(2 ** passBits);
  docs.forEach((doc) => {
    const { keys, indexed } = doc;
    for (let i = 0; i < keys.length; i++) if (!indexed || indexed[i]) passSize[passOf(keys[i])]++;
  });
  const largest = Math.max(0, ...passSize);
  if (total >= 2 ** 32) throw new RangeError('the corpus holds more than 2^32 k-grams');
  const keysIn = new Uint32Array(largest);
  const idsIn = new Uint32Array(largest);
  const keysOut = new Uint32Array(largest);
  const idsOut = new Uint32Array(largest);

  // the document of a k-gram id: the first document of its block of ids, then a few steps
  const BLOCK = 4096;
  const blockDoc = new Uint32Array(Math.floor(total / BLOCK) + 1);
  for (let d = 0, b = 0; b < blockDoc.length; b++) {
    while (d + 1 < n && base[d + 1] <= b * BLOCK) d++;
    blockDoc[b] = d;
  }
  const docOf = (id: number): number => {
    let d = blockDoc[Math.floor(id / BLOCK)];
    while (base[d + 1] <= id) d++;
    return d;
  };

  const groupStart = new U32List();
  const groupDocs = new U32List();
  const pairDoc = new U32List();
  const pairPosition = new U32List();
  const pairGroup = new U32List();
  groupStart.push(0);
  let runDocs = new Uint32Array(1024);
  let runPositions = new Uint32Array(1024);

  /** One k-gram held at the given (document, position) occurrences, ascending. */
  const record = (count: number): void => {
    let distinct = 0;
    let entries = 0;
    for (let m = 0; m < count; m++) {
      const d = runDocs[m];
      if (m > 0 && runDocs[m - 1] === d) continue;
      distinct++;
      if (!docs[d].library) entries++;
    }
    if (distinct < 2 || entries === 0) return;
    const state = entries >= params.commonMin ? COMMON : SHARED;
    for (let m = 0; m < count; m++) states[runDocs[m]][runPositions[m]] = state;
    if (state === COMMON) return;
    const g = groupStart.length - 1;
    for (let m = 0; m < count; m++) {
      const d = runDocs[m];
      // every occurrence counts in what its document shares; the group lists each document once
      pairDoc.push(d);
      pairPosition.push(runPositions[m]);
      pairGroup.push(g);
      if (m === 0 || runDocs[m - 1] !== d) groupDocs.push(d);
    }
    groupStart.push(groupDocs.length);
  };

  const sameKgram = (d: number, i: number, e: number, j: number): boolean => {
    const a = docs[d].chars;
    const b = docs[e].chars;
    for (let c = 0; c < k; c++) if (a[i + c] !== b[j + c]) return false;
    return true;
  };

  /** The run `[start, end)` of equal keys: split by the characters (a collision is rare), then recorded. */
  const walkRun = (start: number, end: number): void => {
    const count = end - start;
    if (runDocs.length < count) {
      runDocs = new Uint32Array(count * 2);
      runPositions = new Uint32Array(count * 2);
    }
    let same = true;
    for (let m = 0; m < count; m++) {
      const id = idsIn[start + m];
      const d = docOf(id);
      runDocs[m] = d;
      runPositions[m] = id - base[d];
      if (m > 0 && same) same = sameKgram(runDocs[0], runPositions[0], d, runPositions[m]);
    }
    if (same) {
      record(count);
      return;
    }
    // k-grams of different characters under one key: each kind on its own
    let rest = Array.from({ length: count }, (_, m) => [runDocs[m], runPositions[m]] as const);
    while (rest.length) {
      const [d0, i0] = rest[0];
      const kind = rest.filter(([d, i]) => sameKgram(d0, i0, d, i));
      rest = rest.filter(([d, i]) => !sameKgram(d0, i0, d, i));
      kind.forEach(([d, i], m) => {
        runDocs[m] = d;
        runPositions[m] = i;
      });
      record(kind.length);
    }
  };

  for (let pass = 0; pass < passSize.length; pass++) {
    const size = passSize[pass];
    if (size < 2) continue;
    let m = 0;
    for (let d = 0; d < n; d++) {
      const { keys, indexed } = docs[d];
      for (let i = 0; i < keys.length; i++) {
        if ((indexed && !indexed[i]) || passOf(keys[i]) !== pass) continue;
        keysIn[m] = keys[i];
        idsIn[m++] = base[d] + i;
      }
    }
    sortByKey(keysIn, idsIn, m, passBits, keysOut, idsOut);
    let start = 0;
    for (let r = 1; r <= m; r++) {
      if (r < m && keysIn[r] === keysIn[start]) continue;
      if (r - start > 1) walkRun(start, r);
      start = r;
    }
  }

  // the shared k-grams of each document: a counting sort by document, then each document's by position
  const docKgramStart = new Uint32Array(n + 1);
  for (let p = 0; p < pairDoc.length; p++) docKgramStart[pairDoc.data[p] + 1]++;
  for (let d = 0; d < n; d++) docKgramStart[d + 1] += docKgramStart[d];
  const fill = docKgramStart.slice(0, n);
  const docKgrams = new Float64Array(pairDoc.length);
  for (let p = 0; p < pairDoc.length; p++) docKgrams[fill[pairDoc.data[p]]++] = pairPosition.data[p] * 2 ** 32 + pairGroup.data[p];
  for (let d = 0; d < n; d++) docKgrams.subarray(docKgramStart[d], docKgramStart[d + 1]).sort();
  return { states, groupStart: groupStart.done(), groupDocs: groupDocs.done(), docKgramStart, docKgrams };
}

/** Bits sorted per radix pass: 2,048 buckets, whose write positions stay in cache. */
const RADIX_BITS = 11;

/**
 * Sorts the first `m` (key, id) postings by key (least significant digit first, stable: ids
 * stay ascending among equal keys). The top `skipBits` of every key are equal (the pass's
 * slice), so they are not sorted on. The result is in `keysA`/`idsA`.
 */
function sortByKey(keysA: Uint32Array, idsA: Uint32Array, m: number, skipBits: number, keysB: Uint32Array, idsB: Uint32Array): void {
  const counts = new Uint32Array(2 ** RADIX_BITS);
  const mask = 2 ** RADIX_BITS - 1;
  let [keysIn, idsIn, keysOut, idsOut] = [keysA, idsA, keysB, idsB];
  let passes = 0;
  for (let shift = 0; shift < 32 - skipBits; shift += RADIX_BITS, passes++) {
    counts.fill(0);
    for (let i = 0; i < m; i++) counts[(keysIn[i] >>> shift) & mask]++;
    let sum = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b];
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const at = counts[(keysIn[i] >>> shift) & mask]++;
      keysOut[at] = keysIn[i];
      idsOut[at] = idsIn[i];
    }
    [keysIn, idsIn, keysOut, idsOut] = [keysOut, idsOut, keysIn, idsIn];
  }
  if (passes % 2 === 1) {
    keysA.set(keysB.subarray(0, m));
    idsA.set(idsB.subarray(0, m));
  }
}

/**
 * Pairs of documents (not both library documents) where the k-grams one shares with the other
 * outside common text cover at least `min` of its characters, as pair keys `a * 2^26 + b`
 * (a < b), ascending. What a document shares with each other one is counted for one document
 * at a time in scratch arrays: nothing grows with the number of weakly related pairs.
 */
export function relatedPairs(index: KgramIndex, docs: readonly PreparedDocument[], params: { minMatch: number; min: number }): number[] {
  const n = docs.length;
  const k = params.minMatch;
  const covered = new Uint32Array(n);
  const last = new Float64Array(n).fill(-1);
  const touched = new Uint32Array(n);
  const pairs: number[] = [];
  const { groupStart, groupDocs, docKgramStart, docKgrams } = index;
  for (let a = 0; a < n; a++) {
    let t = 0;
    for (let x = docKgramStart[a]; x < docKgramStart[a + 1]; x++) {
      const position = Math.floor(docKgrams[x] / 2 ** 32);
      const g = docKgrams[x] - position * 2 ** 32;
      for (let q = groupStart[g]; q < groupStart[g + 1]; q++) {
        const b = groupDocs[q];
        if (b === a) continue;
        // the characters of a this k-gram adds to what a shares with b
        if (last[b] === -1) {
          touched[t++] = b;
          covered[b] += k;
        } else covered[b] += Math.min(k, position - last[b]);
        last[b] = position;
      }
    }
    for (let x = 0; x < t; x++) {
      const b = touched[x];
      if (covered[b] >= params.min && !(docs[a].library && docs[b].library)) pairs.push(pairKey(Math.min(a, b), Math.max(a, b)));
      covered[b] = 0;
      last[b] = -1;
    }
  }
  pairs.sort((x, y) => x - y);
  let kept = 0;
  for (let i = 0; i < pairs.length; i++) if (i === 0 || pairs[i] !== pairs[i - 1]) pairs[kept++] = pairs[i];
  pairs.length = kept;
  return pairs;
}

/** Key of the pair of documents x < y. */
export const pairKey = (x: number, y: number): number => x * 2 ** 26 + y;

/** The documents of a pair key. */
export const pairOf = (key: number): [number, number] => {
  const a = Math.floor(key / 2 ** 26);
  return [a, key - a * 2 ** 26];
};
