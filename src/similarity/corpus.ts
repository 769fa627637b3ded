import { alignPair, type IndexedText, indexText } from './algorithm/align.ts';
import { commonMasks, commonPassages } from './algorithm/common.ts';
import { type PreparedDocument, prepareDocument, templateHashes } from './algorithm/document.ts';
import { buildFingerprintIndex, type FingerprintIndex, forEachSharedHash } from './algorithm/fingerprintIndex.ts';
import { KgramTable } from './hashing/kgramTable.ts';
import { type Alignment, buildReports } from './algorithm/rates.ts';
import { DEFAULT_OPTIONS, type DocumentInput, type SimilarityOptions, type SimilarityResult, type Span } from './types.ts';

/** Pair key of documents x < y. */
const pairKey = (x: number, y: number): number => x * 2 ** 26 + y;

/**
 * A set of documents (entries and library) compared with one another. Documents can be added
 * at any time: a new result re-uses every document's normalization and fingerprints and every
 * pair already aligned, and only aligns the pairs that are new.
 */
export class SimilarityCorpus {
  readonly options: SimilarityOptions;
  private readonly templates: KgramTable | null;
  private readonly docs: PreparedDocument[] = [];
  private readonly ids = new Map<string, number>();
  private readonly aligned = new Map<number, Span[]>();
  /** Scratch: the group of postings in which a document was last counted. */
  private seenIn = new Float64Array(0);
  private groups = 0;

  constructor(options: Partial<SimilarityOptions> = {}, templates: readonly string[] = []) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    if (!(this.options.minMatch >= 4 && this.options.window >= 1))
      throw new RangeError('minMatch must be at least 4 and window at least 1');
    const hashes = templateHashes([...templates], this.options.minMatch);
    this.templates = hashes.length ? new KgramTable(hashes) : null;
  }

  get size(): number {
    return this.docs.length;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(input: DocumentInput): void {
    if (this.ids.has(input.id)) throw new Error(`duplicate document id: ${input.id}`);
    this.ids.set(input.id, this.docs.length);
    this.docs.push(prepareDocument(input, { ...this.options, templates: this.templates }));
  }

  result(): SimilarityResult {
    const { options, docs } = this;
    const index = buildFingerprintIndex(docs);
    const entries = docs.reduce((n, d) => n + (d.library ? 0 : 1), 0);
    const commonMin = Math.max(options.commonMinEntries, Math.ceil(options.commonMinShare * entries));
    const commonGroups: [number, number][] = [];
    forEachSharedHash(index, (start, end) => {
      if (this.holders(index, start, end, null).entries >= commonMin) commonGroups.push([start, end]);
    });
    const common = commonMasks(docs, index, commonGroups, options);

    const alignments: Alignment[] = [];
    let side: IndexedText | null = null;
    for (const key of [...this.candidates(index, common)].sort((x, y) => x - y)) {
      const a = Math.floor(key / 2 ** 26);
      const b = key - a * 2 ** 26;
      let spans = this.aligned.get(key);
      if (!spans) {
        if (side?.chars !== docs[a].chars) side = indexText(docs[a].chars, options.minMatch);
        this.aligned.set(key, (spans = alignPair(side, docs[b].chars, options)));
      }
      if (spans.length) alignments.push({ a, b, spans });
    }
    return { options, ...buildReports(docs, alignments, common, options), common: commonPassages(docs, common) };
  }

  /**
   * Pairs of documents that share a fingerprint outside common text (fingerprints touching
   * template text were never kept; library documents are not paired with each other).
   * Comparing every pair is never needed.
   */
  private candidates(index: FingerprintIndex, common: Map<number, Uint8Array>): Set<number> {
    const candidates = new Set<number>();
    forEachSharedHash(index, (start, end) => {
      const { docs } = this.holders(index, start, end, common);
      for (let x = 0; x < docs.length; x++) {
        for (let y = x + 1; y < docs.length; y++) {
          const [p, q] = docs[x] < docs[y] ? [docs[x], docs[y]] : [docs[y], docs[x]];
          if (!this.docs[p].library || !this.docs[q].library) candidates.add(pairKey(p, q));
        }
      }
    });
    return candidates;
  }

  /** Distinct documents holding postings [start, end), leaving out occurrences inside common text. */
  private holders(
    index: FingerprintIndex,
    start: number,
    end: number,
    common: Map<number, Uint8Array> | null,
  ): { docs: number[]; entries: number } {
    const docs: number[] = [];
    let entries = 0;
    if (this.seenIn.length < this.docs.length) this.seenIn = new Float64Array(this.docs.length * 2).fill(-1);
    const group = ++this.groups;
    for (let g = start; g < end; g++) {
      const d = index.docs[g];
      if (this.seenIn[d] === group || common?.get(d)?.[index.positions[g]]) continue;
      this.seenIn[d] = group;
      docs.push(d);
      if (!this.docs[d].library) entries++;
    }
    return { docs, entries };
  }
}

/** Compares a set of documents in one go. */
export function findSimilarity(
  documents: readonly DocumentInput[],
  templates: readonly string[] = [],
  options: Partial<SimilarityOptions> = {},
): SimilarityResult {
  const corpus = new SimilarityCorpus(options, templates);
  for (const d of documents) corpus.add(d);
  return corpus.result();
}
