import { alignPair, type IndexedText, indexText } from './algorithm/align.ts';
import { commonMasks, commonMinimum, commonPassages } from './algorithm/common.ts';
import { type PreparedDocument, prepareDocument, templateHashes } from './algorithm/document.ts';
import { buildKgramIndex, type IndexParams, type KgramIndex, pairOf, relatedPairs } from './algorithm/kgramIndex.ts';
import { KgramTable } from './hashing/kgramTable.ts';
import { type Alignment, buildReports } from './algorithm/rates.ts';
import { DEFAULT_OPTIONS, type DocumentInput, type SimilarityOptions, type SimilarityResult, type Span } from './types.ts';

/**
 * Characters of a document that the k-grams it shares with another must cover for the pair to
 * be aligned. A changed character leaves only itself uncovered (the k-grams on either side
 * still match), so the pairs aligned are a superset of those reported.
 */
const candidateChars = (options: SimilarityOptions): number => Math.max(1, Math.floor(options.pairMinChars * 0.75));

/**
 * A set of documents (entries and library) compared with one another. Documents can be added
 * at any time: a new result re-uses every document's normalization and k-gram keys and every
 * pair already aligned, and only aligns the pairs that are new.
 *
 * The cost follows the duplication, not the square of the contest: every k-gram is indexed
 * (so every shared passage counts in the rates), and only the pairs that share enough to
 * matter are aligned.
 */
export class SimilarityCorpus {
  readonly options: SimilarityOptions;
  private readonly templates: KgramTable | null;
  private readonly docs: PreparedDocument[] = [];
  private readonly ids = new Map<string, number>();
  private readonly aligned = new Map<number, Span[]>();

  constructor(options: Partial<SimilarityOptions> = {}, templates: readonly string[] = []) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    if (!(this.options.minMatch >= 4)) throw new RangeError('minMatch must be at least 4');
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
    this.addPrepared(this.prepare(input));
  }

  /**
   * A document prepared (normalized, keyed, masked) for a corpus of these options and templates,
   * not added: preparing is the per-document work, done on any thread, then added in order.
   */
  prepare(input: DocumentInput): PreparedDocument {
    return prepareDocument(input, { ...this.options, templates: this.templates });
  }

  addPrepared(doc: PreparedDocument): void {
    if (this.ids.has(doc.id)) throw new Error(`duplicate document id: ${doc.id}`);
    this.ids.set(doc.id, this.docs.length);
    this.docs.push(doc);
  }

  /** The documents and parameters of the k-gram index, for a caller that builds it elsewhere (on several threads) for `result`. */
  indexInput(): { docs: readonly PreparedDocument[]; params: IndexParams } {
    const entries = this.docs.reduce((n, d) => n + (d.library ? 0 : 1), 0);
    return { docs: this.docs, params: { minMatch: this.options.minMatch, commonMin: commonMinimum(this.options, entries) } };
  }

  /** The result, from the index of `indexInput()` when one is given. */
  result(index?: KgramIndex): SimilarityResult {
    const { options, docs } = this;
    index ??= buildKgramIndex(docs, this.indexInput().params);
    const common = commonMasks(docs, index.states, options.minMatch);

    const alignments: Alignment[] = [];
    let side: IndexedText | null = null;
    for (const key of relatedPairs(index, docs, { minMatch: options.minMatch, min: candidateChars(options) })) {
      const [a, b] = pairOf(key);
      let spans = this.aligned.get(key);
      if (!spans) {
        if (side?.chars !== docs[a].chars) side = indexText(docs[a]);
        spans = alignPair(side, docs[b], options);
        this.aligned.set(key, spans);
      }
      if (spans.length) alignments.push({ a, b, spans });
    }
    return { options, ...buildReports(docs, index, alignments, common, options), common: commonPassages(docs, common) };
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
