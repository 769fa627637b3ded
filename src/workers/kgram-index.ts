import os from 'node:os';
import {
  buildKgramIndex,
  type IndexedDocument,
  type IndexParams,
  type IndexPart,
  indexPart,
  joinIndex,
  type KgramIndex,
  newStates,
} from '../similarity/algorithm/kgramIndex.ts';
import { siblingModule, WorkerPool } from './pool.ts';

/**
 * The k-gram index on two threads: this one builds the lower half of the key space while a
 * worker builds the upper half, over the same documents in shared memory, writing the k-grams'
 * states into one shared buffer. The halves joined are the index built whole (see indexPart).
 */

export interface IndexTask {
  docs: IndexedDocument[];
  params: IndexParams;
  states: Uint8Array[];
  part: number;
  of: number;
}

/** Below this many k-grams a second thread costs more than it saves. */
const MIN_KGRAMS = 2_000_000;

const inSharedMemory = (array: ArrayBufferView | null): boolean => array === null || array.buffer instanceof SharedArrayBuffer;

/** A copy in shared memory. */
function sharedCopy<T extends Uint8Array | Uint16Array | Uint32Array>(array: T, make: (buffer: SharedArrayBuffer) => T): T {
  const copy = make(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/** The document with the arrays the index reads copied into shared memory, so both threads read them without a copy each. */
export function withSharedArrays<D extends IndexedDocument>(doc: D): D {
  return {
    ...doc,
    chars: sharedCopy(doc.chars, (b) => new Uint16Array(b)),
    keys: sharedCopy(doc.keys, (b) => new Uint32Array(b)),
    indexed: doc.indexed && sharedCopy(doc.indexed, (b) => new Uint8Array(b)),
  };
}

export async function buildKgramIndexOnThreads(docs: readonly IndexedDocument[], params: IndexParams): Promise<KgramIndex> {
  const kgrams = docs.reduce((n, d) => n + d.keys.length, 0);
  // documents not in shared memory would be copied to the thread: built here instead
  const shared = docs.every((d) => inSharedMemory(d.chars) && inSharedMemory(d.keys) && inSharedMemory(d.indexed));
  if (!shared || kgrams < MIN_KGRAMS || os.availableParallelism() < 2) return buildKgramIndex(docs, params);
  const states = newStates(docs, true);
  const pool = new WorkerPool<IndexTask, IndexPart>(siblingModule(import.meta.url, './kgram-index-worker'), 1);
  try {
    const upper = pool.run({
      docs: docs.map(({ chars, keys, indexed, library }) => ({ chars, keys, indexed, library })),
      params,
      states,
      part: 1,
      of: 2,
    });
    // a failure fails the index when it is awaited, not the process as an unhandled rejection before
    upper.catch(() => undefined);
    const lower = indexPart(docs, params, states, { part: 0, of: 2 });
    return joinIndex(docs.length, states, [lower, await upper]);
  } finally {
    await pool.close();
  }
}
