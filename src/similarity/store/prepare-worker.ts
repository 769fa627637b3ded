import type { Transferable } from 'node:worker_threads';
import { serveTasks } from '../../workers/serve.ts';
import { type PreparedDocument, SimilarityCorpus } from '../index.ts';
import type { SimilarityOptions } from '../types.ts';
import { readDocumentOnThread } from './read-document.ts';

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

/** A copy in shared memory. */
function shared<T extends Uint8Array | Uint16Array | Uint32Array>(array: T, make: (buffer: SharedArrayBuffer) => T): T {
  const copy = make(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/**
 * The arrays the k-gram index reads, in shared memory: the index is built on two threads
 * (workers/kgram-index.ts), which then read the same documents without a copy.
 */
function inSharedMemory(doc: PreparedDocument): PreparedDocument {
  return {
    ...doc,
    chars: shared(doc.chars, (b) => new Uint16Array(b)),
    keys: shared(doc.keys, (b) => new Uint32Array(b)),
    indexed: doc.indexed && shared(doc.indexed, (b) => new Uint8Array(b)),
  };
}

serveTasks<PrepareRequest, PrepareResponse>(async ({ options, templates, files }) => {
  const key = JSON.stringify([options, templates]);
  if (preparer?.key !== key) preparer = { key, corpus: new SimilarityCorpus(options, templates) };
  const { corpus } = preparer;
  const result: PrepareResponse = [];
  for (const f of files) {
    const read = await readDocumentOnThread(f.file);
    if ('error' in read) result.push({ id: f.id, error: read.error });
    else {
      const prepared = corpus.prepare({ id: f.id, text: read.text, library: f.library });
      result.push({ id: f.id, prepared: inSharedMemory(prepared) });
    }
  }
  return { result, transfer: result.flatMap((r) => ('prepared' in r ? buffersOf(r.prepared) : [])) };
});
