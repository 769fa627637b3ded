import type { SimilarityResult } from '../similarity/index.ts';

/** Text two entries share, from the similarity engine: the document pair sharing the largest share of either document. */
export interface TextOverlap {
  /** Entry ids. */
  a: string;
  b: string;
  aDocument: string;
  bDocument: string;
  /** Shares of each document (outside template text) found in the other. */
  aShare: number;
  bShare: number;
}

/** A pair of documents as the engine (or a stored run) reports it: characters of each shared with the other. */
export interface DocumentPair {
  a: string;
  b: string;
  aShared: number;
  bShared: number;
}

/**
 * Entry-level text overlaps from document pairs: `denominator` gives each entry document's
 * countable characters outside template text, `entryOf` its entry (library documents have
 * none). Two documents of the same entry are not an overlap between entries.
 */
export function entryOverlaps(
  pairs: Iterable<DocumentPair>,
  denominator: (documentId: string) => number,
  entryOf: (documentId: string) => string | undefined,
): TextOverlap[] {
  const share = (shared: number, doc: string): number => {
    const total = denominator(doc);
    return total > 0 ? Math.min(1, shared / total) : 0;
  };
  const best = new Map<string, TextOverlap>();
  for (const p of pairs) {
    const [ea, eb] = [entryOf(p.a), entryOf(p.b)];
    if (ea === undefined || eb === undefined || ea === eb) continue;
    const overlap: TextOverlap =
      ea < eb
        ? { a: ea, b: eb, aDocument: p.a, bDocument: p.b, aShare: share(p.aShared, p.a), bShare: share(p.bShared, p.b) }
        : { a: eb, b: ea, aDocument: p.b, bDocument: p.a, aShare: share(p.bShared, p.b), bShare: share(p.aShared, p.a) };
    const key = `${overlap.a}\u0000${overlap.b}`;
    const known = best.get(key);
    if (!known || Math.max(overlap.aShare, overlap.bShare) > Math.max(known.aShare, known.bShare)) best.set(key, overlap);
  }
  return [...best.values()];
}

/** Entry-level text overlaps from a similarity result whose documents belong to entries. */
export function entryTextOverlaps(result: SimilarityResult, entryOf: (documentId: string) => string | undefined): TextOverlap[] {
  const denominator = new Map(
    result.documents.map((d) => [d.id, d.countable - d.templateChars - (result.options.excludeCommon ? d.commonChars : 0)]),
  );
  return entryOverlaps(result.pairs, (doc) => denominator.get(doc) ?? 0, entryOf);
}
