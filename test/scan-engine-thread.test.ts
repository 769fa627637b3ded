import { describe, expect, it } from 'vitest';
import { localEngine, RESULT_SLICE, type ScanStart, workerEngine } from '../src/similarity/store/engine.ts';

/** Sentences of ideographs, the same every run. */
function prose(seed: number, length: number): string {
  let x = seed;
  let text = '';
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    text += String.fromCharCode(0x4e00 + ((x >>> 16) % 2000));
    if (i % 23 === 22) text += '。';
  }
  return text;
}

describe("the server's scan engine on its thread", () => {
  it('gives the result of the engine in the process, its documents and pairs taken in slices', async () => {
    // more documents and pairs than fit in two slices: every other document copies most of its neighbour
    const documents = Array.from({ length: RESULT_SLICE * 2 + 300 }, (_, i) => ({
      id: `d${i}`,
      text: i % 2 ? `${prose(i - 1, 240)}${prose(i, 40)}` : prose(i, 260),
      category: i % 3 ? '区域研修应用案例' : '学校研修应用案例',
    }));
    const scan: ScanStart = { contestId: 7, settingsSignature: 's', options: {}, templates: [], identities: documents.map((d) => d.id) };
    const run = async (engine: ReturnType<typeof localEngine>) => {
      await engine.start(scan);
      for (let i = 0; i < documents.length; i += 500) await engine.add(7, documents.slice(i, i + 500));
      const { result } = await engine.finish(7);
      await engine.close();
      return result;
    };
    const [here, there] = [await run(localEngine()), await run(workerEngine())];
    expect(here.documents).toHaveLength(documents.length);
    expect(here.pairs.length).toBeGreaterThan(RESULT_SLICE);
    expect(there).toEqual(here);
  });
});
