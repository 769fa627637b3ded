/** Options and results of the similarity engine. Counts are in countable characters. */

export interface SimilarityOptions {
  /** Shortest passage counted as duplicate (and the k-gram length). */
  minMatch: number;
  /** Rate at or above which an entry is flagged. */
  threshold: number;
  /** Common text: shared by at least this share of the entries… */
  commonMinShare: number;
  /** …and by at least this many entries… */
  commonMinEntries: number;
  /** …or by this many entries, whatever their share (in a large contest a phrase 30 entries hold is nobody's own). */
  commonMaxEntries: number;
  /** Treat common text like template text (the organizer's choice); by default it counts as duplicate. */
  excludeCommon: boolean;
  /** Largest gap (changed, inserted or dropped characters) bridged inside one aligned passage. */
  maxGap: number;
  /**
   * Pairs (and a document's sources) are aligned and reported when the two documents share at
   * least this many characters outside common text. Rates count every shared passage whatever
   * this floor: it only keeps the incidental pairs (a stock phrase or two in common, thousands
   * of them in a large contest) out of the report.
   */
  pairMinChars: number;
}

export const DEFAULT_OPTIONS: SimilarityOptions = {
  minMatch: 13,
  threshold: 0.3,
  commonMinShare: 0.05,
  commonMinEntries: 5,
  commonMaxEntries: 20,
  excludeCommon: false,
  maxGap: 4,
  pairMinChars: 40,
};

export interface DocumentInput {
  /** Unique within the corpus (e.g. a relative path or an entry id). */
  id: string;
  text: string;
  /** 参赛项目: pairs across categories are cross-project. Null when unknown. */
  category?: string | null;
  /** Library documents (earlier years, references) are compared against but never ranked. */
  library?: boolean;
}

export interface SourceShare {
  id: string;
  library: boolean;
  /** Characters of this document (outside template text) it shares with the source. */
  sharedChars: number;
}

export interface DocumentReport {
  id: string;
  category: string | null;
  countable: number;
  templateChars: number;
  /** Duplicate characters (outside template text), common text included unless excluded. */
  duplicateChars: number;
  /** Characters of common text (outside template text). */
  commonChars: number;
  /** Duplicate characters inside quotations. */
  quotedDuplicateChars: number;
  rate: number;
  rateExcludingQuotes: number;
  /** 单篇最大重复率: the largest share duplicated from one other document. */
  maxSourceRate: number;
  flagged: boolean;
  /** Every document it shares at least `pairMinChars` with (those copied from it too), most shared first. */
  sources: SourceShare[];
}

/** Aligned passage: `[aStart, aEnd)` of A matches `[bStart, bEnd)` of B. */
export type Span = [aStart: number, aEnd: number, bStart: number, bEnd: number];

export interface PairReport {
  a: string;
  b: string;
  aShared: number;
  bShared: number;
  aLibrary: boolean;
  bLibrary: boolean;
  /** The two entries are in different categories (参赛项目). */
  crossProject: boolean;
  /** 一稿多投 suspect: cross-project and sharing at least half of either document. */
  suspect: boolean;
  /** Offsets in the original texts (UTF-16), for highlighting. */
  spans: Span[];
  /** The same spans in normalized characters. */
  normalizedSpans: Span[];
}

export interface CommonPassage {
  /** Normalized text of the passage. */
  text: string;
  /** Entries that contain it. */
  documents: string[];
}

export interface SimilarityResult {
  options: SimilarityOptions;
  /** Entries only (library documents are not ranked), in input order. */
  documents: DocumentReport[];
  pairs: PairReport[];
  common: CommonPassage[];
}
