import { readFileSync } from 'node:fs';
import type { Transferable } from 'node:worker_threads';
import { withSharedArrays } from '../../workers/kgram-index.ts';
import { serveTasks } from '../../workers/serve.ts';
import { type PreparedDocument, SimilarityCorpus } from '../index.ts';
import type { SimilarityOptions } from '../types.ts';
import { readDocument } from './read-document.ts';

/**
 * Worker thread: reads and prepares documents for the similarity engine (text extraction,
 * normalization, k-gram keys, masks), the per-document work of a scan, on every core. The
 * prepared documents' arrays are moved back, not copied.
 */

export interface PrepareFile {
  /** Absolute path, read here. */
  file: string;
  id: string;
  library: boolean;
}

export interface PrepareRequest {
  options: Partial<SimilarityOptions>;
  templates: string[];
  files: PrepareFile[];
}

/** Each file prepared, or the Chinese reason it has no text to compare. */
export type PrepareResponse = ({ id: string; prepared: PreparedDocument } | { id: string; error: string })[];

/** The corpus whose options and templates prepare this thread's documents (templates are indexed once). */
let preparer: { key: string; corpus: SimilarityCorpus } | null = null;

/** The buffers of a prepared document's arrays, moved between threads instead of copied (shared ones are neither). */
export function buffersOf(doc: PreparedDocument): Transferable[] {
  const arrays = [doc.chars, doc.breaks, doc.keys, doc.indexed, doc.template, doc.quoted].filter((a) => a !== null);
  return [...new Set(arrays.flatMap((a) => (a.buffer instanceof SharedArrayBuffer ? [] : [a.buffer as ArrayBuffer])))];
}

serveTasks<PrepareRequest, PrepareResponse>(async ({ options, templates, files }) => {
  const key = JSON.stringify([options, templates]);
  if (preparer?.key !== key) preparer = { key, corpus: new SimilarityCorpus(options, templates) };
  const { corpus } = preparer;
  const result: PrepareResponse = [];
  for (const f of files) {
    const read = await readDocument(f.file, readFileSync);
    if ('error' in read) result.push({ id: f.id, error: read.error });
    else {
      const prepared = corpus.prepare({ id: f.id, text: read.text, library: f.library });
      result.push({ id: f.id, prepared: withSharedArrays(prepared) });
    }
  }
  return { result, transfer: result.flatMap((r) => ('prepared' in r ? buffersOf(r.prepared) : [])) };
});
