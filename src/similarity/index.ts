/**
 * The similarity engine (重复率): pure code over plain text; only scan/ reads files.
 *
 *   text/       normalization with a map back to the original; quotations
 *   hashing/    53-bit k-gram hashes, winnowing, a typed-array k-gram table
 *   algorithm/  per-document preparation, the inverted index, pair alignment, common text, rates (the threshold is applied in rates.ts)
 *   util/       character masks
 *   corpus.ts   SimilarityCorpus: documents added at any time, results updated incrementally
 *   scan/       the standalone folder scan and its workbook (the edge that reads files)
 */
export { SimilarityCorpus, findSimilarity } from './corpus.ts';
export * from './types.ts';
