import type { PreparedDocument } from './document.ts';
import { groupAt, groupsMeet, type KgramIndex, SHARED } from './kgramIndex.ts';
import { countMarked, countMarkedWithin, coverage, dropShortRuns, mark } from '../util/masks.ts';
import { originalRange } from '../text/normalize.ts';
import type { DocumentReport, PairReport, SimilarityOptions, SourceShare, Span } from '../types.ts';

/** An aligned pair of documents (by index), spans in normalized characters. */
export interface Alignment {
  a: number;
  b: number;
  spans: Span[];
}

const union = (target: Uint8Array, source: Uint8Array): void => {
  for (let i = 0; i < target.length; i++) target[i] |= source[i];
};

/**
 * Rates, sources and pairs, following the contract: template text counts in neither numerator
 * nor denominator; duplicate text is the union of every passage of at least `minMatch`
 * characters shared with another document (the k-grams another document holds, gaps of a few
 * changed characters bridged where one document holds the text on both sides), common text
 * included unless excluded. It comes from the index, so every related document counts, aligned
 * or not. Sources and pairs come from the aligned pairs, those sharing at least `pairMinChars`
 * characters outside common text (that is no one document's) with each other.
 */
export function buildReports(
  docs: readonly PreparedDocument[],
  index: KgramIndex,
  alignments: readonly Alignment[],
  common: Map<number, Uint8Array>,
  options: SimilarityOptions,
): { documents: DocumentReport[]; pairs: PairReport[] } {
  const { minMatch } = options;
  // text left out of numerator and denominator, and text no single source is credited with
  const excluded = docs.map((d, i) => withCommon(d.template, options.excludeCommon ? common.get(i) : undefined, d.chars.length));
  const unattributed = docs.map((d, i) => withCommon(excluded[i], common.get(i), d.chars.length));
  const denominator = docs.map((d, i) => d.chars.length - (excluded[i] ? countMarked(excluded[i]) : 0));
  const sources: SourceShare[][] = docs.map(() => []);
  const pairs: PairReport[] = [];

  for (const { a, b, spans } of alignments) {
    const masks = [new Uint8Array(docs[a].chars.length), new Uint8Array(docs[b].chars.length)];
    for (const [as, ae, bs, be] of spans) {
      mark(masks[0], as, ae);
      mark(masks[1], bs, be);
    }
    const shared = [a, b].map((doc, side) => {
      const own = masks[side].slice();
      dropShortRuns(own, unattributed[doc], minMatch);
      return countMarked(own, unattributed[doc]);
    });
    // a pair that shares only template or common text, or a few incidental phrases, is no evidence of copying
    if (Math.max(shared[0], shared[1]) < Math.max(1, options.pairMinChars)) continue;
    const [A, B] = [docs[a], docs[b]];
    sources[a].push({ id: B.id, library: B.library, sharedChars: shared[0] });
    sources[b].push({ id: A.id, library: A.library, sharedChars: shared[1] });
    const crossProject = !A.library && !B.library && A.category !== null && B.category !== null && A.category !== B.category;
    pairs.push({
      a: A.id,
      b: B.id,
      aShared: shared[0],
      bShared: shared[1],
      aLibrary: A.library,
      bLibrary: B.library,
      crossProject,
      suspect: crossProject && (shared[0] >= denominator[a] / 2 || shared[1] >= denominator[b] / 2),
      spans: spans.map(
        ([as, ae, bs, be]) => [...originalRange(A.text, A.breaks, as, ae), ...originalRange(B.text, B.breaks, bs, be)] as Span,
      ),
      normalizedSpans: spans,
    });
  }

  const documents: DocumentReport[] = [];
  docs.forEach((d, i) => {
    if (d.library) return;
    const commonMask = common.get(i);
    const dup = duplicateMask(index, i, d.chars.length, options);
    dropShortRuns(dup, excluded[i], minMatch);
    const duplicateChars = countMarked(dup, excluded[i]);
    const quotedDuplicateChars = d.quoted ? countMarkedWithin(dup, d.quoted, excluded[i]) : 0;
    const rateOf = (chars: number): number => (denominator[i] > 0 ? chars / denominator[i] : 0);
    const own = sources[i].sort((x, y) => y.sharedChars - x.sharedChars);
    const rate = rateOf(duplicateChars);
    documents.push({
      id: d.id,
      category: d.category,
      countable: d.chars.length,
      templateChars: d.template ? countMarked(d.template) : 0,
      duplicateChars,
      commonChars: commonMask ? countMarked(commonMask, d.template) : 0,
      quotedDuplicateChars,
      rate,
      rateExcludingQuotes: rateOf(duplicateChars - quotedDuplicateChars),
      maxSourceRate: own.length ? rateOf(own[0].sharedChars) : 0,
      flagged: rate >= options.threshold,
      sources: own,
    });
  });
  return { documents, pairs };
}

/**
 * Characters of document `doc` covered by a k-gram another document holds, and the gaps of at
 * most `maxGap` characters between two such passages when one document holds both: a changed
 * character inside one copied passage. Two passages shared with different documents are two
 * incidental matches, and the text between them is nobody's. Each side's holders are those of
 * its nearest k-gram shared outside common text (common k-grams list no holders); a side that
 * is common text throughout is not bridged.
 */
function duplicateMask(index: KgramIndex, doc: number, length: number, { minMatch: k, maxGap }: SimilarityOptions): Uint8Array {
  const states = index.states[doc];
  const covered = coverage(states, SHARED, length, k);
  const dup = covered.slice();
  /** Group of the nearest k-gram shared outside common text at `from`, `from + step`, … within `[first, last]`, or -1. */
  const nearestGroup = (from: number, step: number, first: number, last: number): number => {
    for (let q = from; q >= first && q <= last; q += step) if (states[q] === SHARED) return groupAt(index, doc, q);
    return -1;
  };
  // the previous run of covered characters [leftStart, leftEnd), then each run [start, end)
  let leftStart = -1;
  let leftEnd = -1;
  for (let start = covered.indexOf(1); start >= 0 && start < length; ) {
    let end = start;
    while (end < length && covered[end]) end++;
    if (leftEnd >= 0 && start - leftEnd <= maxGap) {
      const left = nearestGroup(leftEnd - k, -1, leftStart, leftEnd - k);
      const right = nearestGroup(start, 1, start, end - k);
      if (left >= 0 && right >= 0 && groupsMeet(index, left, right, doc)) dup.fill(1, leftEnd, start);
    }
    [leftStart, leftEnd] = [start, end];
    start = covered.indexOf(1, end);
  }
  return dup;
}

/** `base` ∪ `extra` (either may be missing), or null when both are. */
function withCommon(base: Uint8Array | null, extra: Uint8Array | undefined, length: number): Uint8Array | null {
  if (!extra) return base;
  const m = base ? base.slice() : new Uint8Array(length);
  union(m, extra);
  return m;
}
