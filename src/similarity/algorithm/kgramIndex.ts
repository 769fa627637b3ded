import type { PreparedDocument } from './document.ts';

/** What the index says of one k-gram of a document. */
export const UNSHARED = 0;
/** Held by another document too (an entry or the library). */
export const SHARED = 1;
/** Held by at least the common minimum of entries: common text. */
export const COMMON = 2;

/** Postings gathered at a time: the index's scratch memory stays bounded whatever the size of the corpus. */
const PASS_POSTINGS = 8_000_000;
/** Postings per bucket of the first split by key: a bucket is sorted in the processor's cache. */
const BUCKET_POSTINGS = 16384;

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

/** What the index reads of a document. */
export type IndexedDocument = Pick<PreparedDocument, 'chars' | 'keys' | 'indexed' | 'library'>;

export interface IndexParams {
  minMatch: number;
  commonMin: number;
}

/** Sizes of the index's scratch memory; smaller limits make tests split tiny corpora into many buckets and passes. */
export interface IndexLimits {
  bucketPostings: number;
  passPostings: number;
}

const LIMITS: IndexLimits = { bucketPostings: BUCKET_POSTINGS, passPostings: PASS_POSTINGS };

/** The states of every document's k-grams, all UNSHARED: views of one buffer, shared between threads when `shared`. */
export function newStates(docs: readonly IndexedDocument[], shared = false): Uint8Array[] {
  const total = docs.reduce((n, d) => n + d.keys.length, 0);
  const buffer = shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
  let at = 0;
  return docs.map((d) => {
    const view = new Uint8Array(buffer, at, d.keys.length);
    at += d.keys.length;
    return view;
  });
}

/**
 * What one part of the key space gave: its groups (numbered from 0) and the shared k-grams
 * that point to them, as (document, position, group).
 */
export interface IndexPart {
  groupStart: Uint32Array;
  groupDocs: Uint32Array;
  sharedDoc: Uint32Array;
  sharedPosition: Uint32Array;
  sharedGroup: Uint32Array;
}

/** Builds the index on this thread. */
export function buildKgramIndex(docs: readonly IndexedDocument[], params: IndexParams, limits: IndexLimits = LIMITS): KgramIndex {
  const states = newStates(docs);
  return joinIndex(docs.length, states, [indexPart(docs, params, states, { part: 0, of: 1 }, limits)]);
}

/**
 * Part `part` of `of` of the index: the k-grams whose keys fall in that share of the key space,
 * their states written into `states`. The parts of one corpus are independent (threads can build
 * them at once), and joined in order they are the index built whole.
 *
 * The k-grams are split into buckets by the top bits of their 32-bit keys (in passes over ranges
 * of buckets when the corpus is large), each bucket is sorted by key in cache (least significant
 * digit first, stable) and its runs of equal keys are walked. Nearly every k-gram is a
 * document's own: it costs a count, a move and its sort. Equal keys are confirmed on the
 * characters, so a key collision never makes a match.
 */
export function indexPart(
  docs: readonly IndexedDocument[],
  params: IndexParams,
  states: readonly Uint8Array[],
  { part, of }: { part: number; of: number },
  limits: IndexLimits = LIMITS,
): IndexPart {
  const k = params.minMatch;
  const n = docs.length;
  const base = new Float64Array(n + 1);
  for (let d = 0; d < n; d++) base[d + 1] = base[d] + docs[d].keys.length;
  const total = base[n];
  if (total >= 2 ** 32) throw new RangeError('the corpus holds more than 2^32 k-grams');

  let bucketBits = 0;
  while (bucketBits < 16 && total / 2 ** bucketBits > limits.bucketPostings) bucketBits++;
  const shift = 32 - bucketBits;
  const bucketCount = 2 ** bucketBits;
  // bucketBits 0 puts every key in bucket 0 (a shift by 32 would be a shift by 0)
  const bucketOf = (key: number): number => (bucketBits === 0 ? 0 : key >>> shift);
  // this part's buckets: every part sizes its buckets alike, from the whole corpus
  const [firstBucket, endBucket] = [Math.floor((bucketCount * part) / of), Math.floor((bucketCount * (part + 1)) / of)];
  const bucketSize = new Uint32Array(bucketCount);
  for (const { keys, indexed } of docs) {
    for (let i = 0; i < keys.length; i++) if (!indexed || indexed[i]) bucketSize[bucketOf(keys[i])]++;
  }

  // passes over consecutive buckets, each gathering at most passPostings (or one larger bucket)
  const passStart = [firstBucket];
  let largestPass = 0;
  let largestBucket = 0;
  for (let b = firstBucket, inPass = 0; b < endBucket; b++) {
    if (inPass > 0 && inPass + bucketSize[b] > limits.passPostings) {
      passStart.push(b);
      inPass = 0;
    }
    inPass += bucketSize[b];
    largestPass = Math.max(largestPass, inPass);
    largestBucket = Math.max(largestBucket, bucketSize[b]);
  }
  passStart.push(endBucket);
  const keysIn = new Uint32Array(largestPass);
  const idsIn = new Uint32Array(largestPass);
  const keysScratch = new Uint32Array(largestBucket);
  const idsScratch = new Uint32Array(largestBucket);
  const sort = bucketSorter(32 - bucketBits, total / bucketCount);

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
  const sharedDoc = new U32List();
  const sharedPosition = new U32List();
  const sharedGroup = new U32List();
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
      sharedDoc.push(d);
      sharedPosition.push(runPositions[m]);
      sharedGroup.push(g);
      if (m === 0 || runDocs[m - 1] !== d) groupDocs.push(d);
    }
    groupStart.push(groupDocs.length);
  };

  // the characters of each document at hand, without a load of its object per comparison
  const chars = docs.map((d) => d.chars);
  const sameKgram = (d: number, i: number, e: number, j: number): boolean => {
    const a = chars[d];
    const b = chars[e];
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

  const fill = new Uint32Array(bucketCount + 1);
  for (let pass = 0; pass + 1 < passStart.length; pass++) {
    const [first, last] = [passStart[pass], passStart[pass + 1]];
    fill[first] = 0;
    for (let b = first; b < last; b++) fill[b + 1] = fill[b] + bucketSize[b];
    const whole = first === 0 && last === bucketCount;
    if (first === last) continue;
    for (let d = 0; d < n; d++) {
      const { keys, indexed } = docs[d];
      const at = base[d];
      for (let i = 0; i < keys.length; i++) {
        if (indexed && !indexed[i]) continue;
        const key = keys[i];
        const b = bucketOf(key);
        if (!whole && (b < first || b >= last)) continue;
        const to = fill[b]++;
        keysIn[to] = key;
        idsIn[to] = at + i;
      }
    }
    // the buckets are back to back from 0: fill[b] is now the end of bucket b
    for (let b = first, start = 0; b < last; b++) {
      const end = fill[b];
      if (end - start > 1) {
        sort(keysIn, idsIn, start, end, keysScratch, idsScratch);
        let run = start;
        for (let r = start + 1; r <= end; r++) {
          if (r < end && keysIn[r] === keysIn[run]) continue;
          if (r - run > 1) walkRun(run, r);
          run = r;
        }
      }
      start = end;
    }
  }

  return {
    groupStart: groupStart.done(),
    groupDocs: groupDocs.done(),
    sharedDoc: sharedDoc.done(),
    sharedPosition: sharedPosition.done(),
    sharedGroup: sharedGroup.done(),
  };
}

/** The parts of one corpus's index, in order, joined: groups numbered on from one part to the next. */
export function joinIndex(n: number, states: Uint8Array[], parts: readonly IndexPart[]): KgramIndex {
  const groups = parts.reduce((sum, p) => sum + p.groupStart.length - 1, 0);
  const groupStart = new Uint32Array(groups + 1);
  const groupDocs = new Uint32Array(parts.reduce((sum, p) => sum + p.groupDocs.length, 0));
  // the shared k-grams of each document: a counting sort by document, then each document's by position
  const docKgramStart = new Uint32Array(n + 1);
  for (const p of parts) for (let x = 0; x < p.sharedDoc.length; x++) docKgramStart[p.sharedDoc[x] + 1]++;
  for (let d = 0; d < n; d++) docKgramStart[d + 1] += docKgramStart[d];
  const next = docKgramStart.slice(0, n);
  const docKgrams = new Float64Array(docKgramStart[n]);
  let firstGroup = 0;
  let firstDoc = 0;
  for (const p of parts) {
    const count = p.groupStart.length - 1;
    for (let g = 0; g < count; g++) groupStart[firstGroup + g + 1] = firstDoc + p.groupStart[g + 1];
    groupDocs.set(p.groupDocs, firstDoc);
    for (let x = 0; x < p.sharedDoc.length; x++)
      docKgrams[next[p.sharedDoc[x]]++] = p.sharedPosition[x] * 2 ** 32 + firstGroup + p.sharedGroup[x];
    firstGroup += count;
    firstDoc += p.groupDocs.length;
  }
  for (let d = 0; d < n; d++) docKgrams.subarray(docKgramStart[d], docKgramStart[d + 1]).sort();
  return { states, groupStart, groupDocs, docKgramStart, docKgrams };
}

/**
 * A sort of one bucket's (key, id) postings `[start, end)` by the low `bits` bits of the keys
 * (the rest are the bucket's), stable so ids stay ascending among equal keys: insertion sort
 * for a few postings, otherwise least significant digit first, digits sized to the typical
 * bucket (`typical` postings) so the counters cost no more than the postings.
 */
function bucketSorter(bits: number, typical: number) {
  const passes = Math.max(1, Math.ceil(bits / Math.max(4, Math.min(11, Math.round(Math.log2(Math.max(2, typical)))))));
  const digitBits = Math.ceil(bits / passes);
  const mask = 2 ** digitBits - 1;
  const counts = new Uint32Array(2 ** digitBits);
  return (keys: Uint32Array, ids: Uint32Array, start: number, end: number, keysScratch: Uint32Array, idsScratch: Uint32Array): void => {
    const size = end - start;
    if (size <= 32) {
      for (let i = start + 1; i < end; i++) {
        const key = keys[i];
        const id = ids[i];
        let j = i - 1;
        for (; j >= start && keys[j] > key; j--) {
          keys[j + 1] = keys[j];
          ids[j + 1] = ids[j];
        }
        keys[j + 1] = key;
        ids[j + 1] = id;
      }
      return;
    }
    // alternate between the bucket and the scratch arrays; an odd number of passes ends with a copy back
    let [fromKeys, fromIds, fromAt] = [keys, ids, start];
    let [toKeys, toIds, toAt] = [keysScratch, idsScratch, 0];
    for (let pass = 0, shift = 0; pass < passes; pass++, shift += digitBits) {
      counts.fill(0);
      for (let i = 0; i < size; i++) counts[(fromKeys[fromAt + i] >>> shift) & mask]++;
      let sum = toAt;
      for (let c = 0; c < counts.length; c++) {
        const count = counts[c];
        counts[c] = sum;
        sum += count;
      }
      for (let i = 0; i < size; i++) {
        const key = fromKeys[fromAt + i];
        const to = counts[(key >>> shift) & mask]++;
        toKeys[to] = key;
        toIds[to] = fromIds[fromAt + i];
      }
      [fromKeys, fromIds, fromAt, toKeys, toIds, toAt] = [toKeys, toIds, toAt, fromKeys, fromIds, fromAt];
    }
    if (fromKeys !== keys) {
      keys.set(fromKeys.subarray(0, size), start);
      ids.set(fromIds.subarray(0, size), start);
    }
  };
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

/** The group of document `d`'s k-gram at `position` when it is shared outside common text, or -1. */
export function groupAt(index: KgramIndex, d: number, position: number): number {
  const { docKgrams } = index;
  let lo = index.docKgramStart[d];
  let hi = index.docKgramStart[d + 1];
  const from = position * 2 ** 32;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docKgrams[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < index.docKgramStart[d + 1] && docKgrams[lo] < from + 2 ** 32 ? docKgrams[lo] - from : -1;
}

/** Whether groups g and h are both held by a document other than `except` (group lists ascend by document). */
export function groupsMeet(index: KgramIndex, g: number, h: number, except: number): boolean {
  const { groupStart, groupDocs } = index;
  let x = groupStart[g];
  let y = groupStart[h];
  while (x < groupStart[g + 1] && y < groupStart[h + 1]) {
    const [a, b] = [groupDocs[x], groupDocs[y]];
    if (a === b && a !== except) return true;
    if (a <= b) x++;
    if (b <= a) y++;
  }
  return false;
}

/** Key of the pair of documents x < y. */
export const pairKey = (x: number, y: number): number => x * 2 ** 26 + y;

/** The documents of a pair key. */
export const pairOf = (key: number): [number, number] => {
  const a = Math.floor(key / 2 ** 26);
  return [a, key - a * 2 ** 26];
};
