import { type IndexPart, indexPart } from '../similarity/algorithm/kgramIndex.ts';
import type { IndexTask } from './kgram-index.ts';
import { serveTasks } from './serve.ts';

/** Worker thread: its part of the k-gram index (see kgram-index.ts); the part's arrays are moved back, not copied. */
serveTasks<IndexTask, IndexPart>(({ docs, params, states, part, of }) => {
  const result = indexPart(docs, params, states, { part, of });
  return { result, transfer: Object.values(result).map((a: Uint32Array) => a.buffer as ArrayBuffer) };
});
