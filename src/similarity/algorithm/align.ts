import { KgramTable } from '../hashing/kgramTable.ts';
import type { Span } from '../types.ts';

export interface AlignParams {
  minMatch: number;
  maxGap: number;
}

/** Occurrences of one k-gram followed in each text; more are repetitions, not evidence. */
const MAX_REPEATS = 8;
/** Spans still open for extension when runs are chained. */
const OPEN_SPANS = 16;

/** Normalized characters and the keys of their k-grams (`kgramKeys`), as a prepared document has them. */
export interface KeyedText {
  chars: Uint16Array;
  keys: Uint32Array;
}

/** One side of a pair with its k-grams indexed, re-used for every pair it is in. */
export interface IndexedText {
  chars: Uint16Array;
  table: KgramTable | null;
}

export function indexText({ chars, keys }: KeyedText): IndexedText {
  return { chars, table: keys.length ? new KgramTable(keys) : null };
}

/**
 * Every passage of at least `minMatch` characters that A and B share, in normalized
 * characters. Exact runs of shared k-grams are found on each diagonal, then runs that follow
 * one another with gaps of at most `maxGap` characters on both sides (a changed, inserted or
 * dropped character) are chained into one span. Moved sentences give separate spans; line
 * breaks, punctuation and spacing are gone after normalization. Linear in |A| + |B|.
 */
export function alignPair(side: IndexedText, other: KeyedText, params: AlignParams): Span[] {
  const k = params.minMatch;
  const { chars: a, table } = side;
  const { chars: b, keys: bHashes } = other;
  if (!table || bHashes.length === 0) return [];

  // runs of consecutive shared k-grams on one diagonal: (aStart, bStart, k-gram count)
  const runA: number[] = [];
  const runB: number[] = [];
  const runLength: number[] = [];
  const openRun = new Map<number, number>(); // diagonal → run whose last k-gram ended at the previous j
  for (let j = 0; j < bHashes.length; j++) {
    let i = table.first(bHashes[j]);
    for (let seen = 0; i !== -1 && seen < MAX_REPEATS; seen++, i = table.next[i]) {
      if (!sameKgram(a, i, b, j, k)) continue; // keys are 32 bits: a collision is rare, not impossible
      const diagonal = i - j;
      const r = openRun.get(diagonal);
      if (r !== undefined && runB[r] + runLength[r] === j) runLength[r]++;
      else {
        openRun.set(diagonal, runA.length);
        runA.push(i);
        runB.push(j);
        runLength.push(1);
      }
    }
  }
  if (runA.length === 0) return [];

  const order = runA.map((_, r) => r).sort((x, y) => runA[x] - runA[y] || runB[x] - runB[y]);
  const spans: Span[] = [];
  const gap = params.maxGap;
  for (const r of order) {
    const aStart = runA[r];
    const bStart = runB[r];
    const aEnd = aStart + runLength[r] + k - 1;
    const bEnd = bStart + runLength[r] + k - 1;
    let joined = false;
    for (let s = spans.length - 1; s >= Math.max(0, spans.length - OPEN_SPANS); s--) {
      const span = spans[s];
      if (
        aStart >= span[0] &&
        aStart - span[1] <= gap &&
        bStart >= span[2] &&
        bStart - span[3] <= gap &&
        Math.abs(aStart - bStart - (span[1] - span[3])) <= gap
      ) {
        span[1] = Math.max(span[1], aEnd);
        span[3] = Math.max(span[3], bEnd);
        joined = true;
        break;
      }
    }
    if (!joined) spans.push([aStart, aEnd, bStart, bEnd]);
  }
  return spans;
}

function sameKgram(a: Uint16Array, i: number, b: Uint16Array, j: number, k: number): boolean {
  for (let c = 0; c < k; c++) if (a[i + c] !== b[j + c]) return false;
  return true;
}
