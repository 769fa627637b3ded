/**
 * The similarity engine (重复率): pure code over plain text; only store/ reads files and the database.
 *
 *   text/       normalization with a map back to the original; quotations
 *   hashing/    53-bit k-gram hashes, winnowing, a typed-array k-gram table
 *   algorithm/  per-document preparation, the inverted index, pair alignment, common text, rates (the threshold is applied in rates.ts)
 *   util/       character masks
 *   corpus.ts   SimilarityCorpus: documents added at any time, results updated incrementally
 *   store/      contest scans in the database, the standalone folder scan and its workbook (the edges)
 */
export type { PreparedDocument } from './algorithm/document.ts';
export { SimilarityCorpus, findSimilarity } from './corpus.ts';
export * from './types.ts';
