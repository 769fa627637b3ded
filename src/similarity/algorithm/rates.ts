import type { PreparedDocument } from './document.ts';
import { countMarked, countMarkedWithin, dropShortRuns, mark } from '../util/masks.ts';
import { normalize, originalRange } from '../text/normalize.ts';
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
 * Rates, sources and pairs from the alignments and common text, following the contract:
 * template text counts in neither numerator nor denominator; duplicate text is the union of
 * every passage shared with another document, common text included unless excluded. What a
 * document shares with one source (and so its pairs) leaves common text out: that is no one
 * document's.
 */
export function buildReports(
  docs: readonly PreparedDocument[],
  alignments: readonly Alignment[],
  common: Map<number, Uint8Array>,
  options: SimilarityOptions,
): { documents: DocumentReport[]; pairs: PairReport[] } {
  const { minMatch } = options;
  // text left out of numerator and denominator, and text no single source is credited with
  const excluded = docs.map((d, i) => withCommon(d.template, options.excludeCommon ? common.get(i) : undefined, d.chars.length));
  const unattributed = docs.map((d, i) => withCommon(excluded[i], common.get(i), d.chars.length));
  const denominator = docs.map((d, i) => d.chars.length - (excluded[i] ? countMarked(excluded[i]) : 0));
  const duplicate: (Uint8Array | null)[] = docs.map(() => null);
  const sources: SourceShare[][] = docs.map(() => []);
  const pairs: PairReport[] = [];
  // offsets back to the original text, for the documents that have pairs (normalizing again is cheaper than keeping them all)
  const offsets = new Map<number, Int32Array>();
  const offsetsOf = (doc: number): Int32Array => {
    let o = offsets.get(doc);
    if (!o) offsets.set(doc, (o = normalize(docs[doc].text).offsets));
    return o;
  };

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
    // a pair that shares only template or common text is no evidence of copying
    if (shared[0] === 0 && shared[1] === 0) continue;
    [a, b].forEach((doc, side) => union((duplicate[doc] ??= new Uint8Array(docs[doc].chars.length)), masks[side]));
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
        ([as, ae, bs, be]) => [...originalRange(A.text, offsetsOf(a), as, ae), ...originalRange(B.text, offsetsOf(b), bs, be)] as Span,
      ),
      normalizedSpans: spans,
    });
  }

  const documents: DocumentReport[] = [];
  docs.forEach((d, i) => {
    if (d.library) return;
    const commonMask = common.get(i);
    let dup = duplicate[i];
    if (commonMask) union((dup ??= new Uint8Array(d.chars.length)), commonMask);
    if (dup) dropShortRuns(dup, excluded[i], minMatch);
    const duplicateChars = dup ? countMarked(dup, excluded[i]) : 0;
    const quotedDuplicateChars = dup && d.quoted ? countMarkedWithin(dup, d.quoted, excluded[i]) : 0;
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

/** `base` ∪ `extra` (either may be missing), or null when both are. */
function withCommon(base: Uint8Array | null, extra: Uint8Array | undefined, length: number): Uint8Array | null {
  if (!extra) return base;
  const m = base ? base.slice() : new Uint8Array(length);
  union(m, extra);
  return m;
}
