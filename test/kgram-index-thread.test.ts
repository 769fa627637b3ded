import { describe, expect, it } from 'vitest';
import { buildKgramIndex, type IndexedDocument } from '../src/similarity/algorithm/kgramIndex.ts';
import { kgramKeys } from '../src/similarity/hashing/kgrams.ts';
import { buildKgramIndexOnThreads, withSharedArrays } from '../src/workers/kgram-index.ts';

/** A generator of 16-bit values, the same every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 16;
  };
}

describe('the k-gram index on two threads', () => {
  it('is the index built on one, for a corpus large enough to be split (documents in shared memory)', async () => {
    const next = random(7);
    // 800 documents of 3,000 characters from 300 ideographs, with passages copied between them
    const texts: Uint16Array[] = Array.from({ length: 800 }, () => Uint16Array.from({ length: 3000 }, () => 0x4e00 + (next() % 300)));
    for (let d = 1; d < texts.length; d += 3) texts[d].set(texts[next() % d].subarray(500, 1500), 1000);
    const docs: IndexedDocument[] = texts.map((chars, d) => {
      const keys = kgramKeys(chars, 13);
      const indexed: Uint8Array | null = d % 10 === 0 ? Uint8Array.from(keys, (_, i) => (i % 97 < 90 ? 1 : 0)) : null;
      return withSharedArrays({ chars, keys, indexed, library: d % 50 === 0 });
    });
    const params = { minMatch: 13, commonMin: 20 };
    const threads = await buildKgramIndexOnThreads(docs, params);
    // the split happened: the states are one buffer in shared memory
    expect(threads.states[0].buffer).toBeInstanceOf(SharedArrayBuffer);
    const one = buildKgramIndex(docs, params);
    expect(threads.groupStart.length).toBeGreaterThan(1000);
    for (const key of ['groupStart', 'groupDocs', 'docKgramStart', 'docKgrams'] as const) expect(threads[key]).toEqual(one[key]);
    expect(threads.states.map((s) => Array.from(s))).toEqual(one.states.map((s) => Array.from(s)));
  });
});
