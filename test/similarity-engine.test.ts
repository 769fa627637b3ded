import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { alignPair, indexText } from '../src/similarity/algorithm/align.ts';
import { SimilarityCorpus, findSimilarity } from '../src/similarity/index.ts';
import { kgramHashes, kgramKeys } from '../src/similarity/hashing/kgrams.ts';
import { type PreparedDocument, prepareDocument } from '../src/similarity/algorithm/document.ts';
import { buildKgramIndex, COMMON, indexPart, joinIndex, newStates, SHARED, UNSHARED } from '../src/similarity/algorithm/kgramIndex.ts';
import { coverage } from '../src/similarity/util/masks.ts';
import { normalize, offsetBreaks, originalRange, unitsToString } from '../src/similarity/text/normalize.ts';
import { quotedRanges } from '../src/similarity/text/quotes.ts';
import { ProseGenerator } from '../scripts/lib/prose.ts';
import { Random } from '../scripts/lib/random.ts';

const prose = new ProseGenerator(new Random(7));
const sentences = (n: number): string[] => Array.from({ length: n }, () => prose.sentence());
const text = (units: Uint16Array): string => unitsToString(units);

describe('normalize', () => {
  it('keeps letters, digits and ideographs only, folded by NFKC, case and traditional → simplified', () => {
    const { chars } = normalize('國家　智慧教育平臺，ＡＢＣ１２３ Abc\u200b「测\u200d试」！㍿');
    expect(text(chars)).toBe('国家智慧教育平台abc123abc测试株式会社');
  });

  it('maps every normalized range back to the original text', () => {
    const original = '第一句，　包含ＡＩ与“引号”。\n第二行𠀀字 end';
    const { chars, offsets } = normalize(original);
    const from = text(chars).indexOf('ai');
    const [start, end] = originalRange(original, offsetBreaks(offsets), from, from + 2);
    expect(original.slice(start, end)).toBe('ＡＩ');
    const whole = originalRange(original, offsetBreaks(offsets), 0, chars.length);
    expect(original.slice(whole[0], whole[1])).toBe(original);
    // the astral ideograph is one countable character
    expect(text(chars).length).toBe([...'第一句包含ai与引号第二行𠀀字end'].length);
  });
});

describe('hashing', () => {
  it('gives distinct 53-bit hashes to the distinct 13-grams of a large corpus', () => {
    const grams = new Set<string>();
    const hashes = new Set<number>();
    for (let d = 0; d < 300; d++) {
      const { chars } = normalize(sentences(60).join(''));
      const h = kgramHashes(chars, 13);
      for (let i = 0; i < h.length; i++) {
        grams.add(text(chars.subarray(i, i + 13)));
        hashes.add(h[i]);
        expect(Number.isSafeInteger(h[i])).toBe(true);
      }
    }
    expect(grams.size).toBeGreaterThan(400_000);
    expect(hashes.size).toBe(grams.size);
  });

  it('the k-gram index marks every passage of minMatch characters another document holds, and nothing else', () => {
    const k = 13;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: k, max: 60 }), (seed, length) => {
        const g = new ProseGenerator(new Random(seed));
        const shared = text(normalize(g.sentence() + g.sentence() + g.sentence()).chars.subarray(0, length));
        const [before, after] = [text(normalize(g.sentence()).chars), text(normalize(g.sentence()).chars)];
        const docs = [before + shared + after, g.sentence() + g.sentence() + shared].map((t, i) =>
          prepareDocument({ id: String(i), text: t }, { minMatch: k, maxGap: 4, templates: null }),
        );
        const { states } = buildKgramIndex(docs, { minMatch: k, commonMin: 5 });
        const covered = coverage(states[0], SHARED, docs[0].chars.length, k);
        // by brute force: the characters of every k-gram of the first document that the second one holds
        const [a, b] = docs.map((d) => text(d.chars));
        const expected = new Uint8Array(a.length);
        for (let i = 0; i + k <= a.length; i++) if (b.includes(a.slice(i, i + k))) expected.fill(1, i, i + k);
        return expected.slice(before.length, before.length + shared.length).every(Boolean) && covered.every((c, i) => c === expected[i]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('k-gram index', () => {
  /** The index by brute force: k-grams grouped by their characters in a map. */
  function referenceIndex(docs: readonly PreparedDocument[], k: number, commonMin: number) {
    const holders = new Map<string, [number, number][]>();
    docs.forEach((d, doc) => {
      for (let i = 0; i < d.keys.length; i++) {
        if (d.indexed && !d.indexed[i]) continue;
        const gram = text(d.chars.subarray(i, i + k));
        holders.set(gram, [...(holders.get(gram) ?? []), [doc, i]]);
      }
    });
    const states = docs.map((d) => new Uint8Array(d.keys.length).fill(UNSHARED));
    const shared = docs.map((): [number, string][] => []);
    let groups = 0;
    for (const occurrences of holders.values()) {
      const held = [...new Set(occurrences.map(([doc]) => doc))].sort((x, y) => x - y);
      const entries = held.filter((doc) => !docs[doc].library).length;
      if (held.length < 2 || entries === 0) continue;
      const state = entries >= commonMin ? COMMON : SHARED;
      for (const [doc, i] of occurrences) states[doc][i] = state;
      if (state === COMMON) continue;
      groups++;
      for (const [doc, i] of occurrences) shared[doc].push([i, held.join()]);
    }
    for (const list of shared) list.sort((x, y) => x[0] - y[0]);
    return { states, shared, groups };
  }

  /** Keys that collide on purpose (a few values, spread over the key space) or the real ones. */
  const weakKeys = (chars: Uint16Array, k: number): Uint32Array =>
    kgramKeys(chars, k).map((key) => ((key % 5) * 0x33333333 + (key % 3)) >>> 0);

  it('finds what a map of every k-gram finds, whatever the buckets, the passes, the parts and the key collisions', () => {
    const doc = fc.record({
      units: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }),
      library: fc.boolean(),
      masked: fc.option(fc.array(fc.boolean(), { minLength: 40, maxLength: 40 })),
    });
    fc.assert(
      fc.property(
        fc.array(doc, { maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 4 }),
        fc.boolean(),
        fc.constantFrom({ bucketPostings: 1, passPostings: 1 }, { bucketPostings: 4, passPostings: 30 }, undefined),
        fc.integer({ min: 2, max: 3 }),
        (specs, k, commonMin, weak, limits, parts) => {
          const docs: PreparedDocument[] = specs.map((spec, i) => {
            // a tiny alphabet: most k-grams are held by several documents, some several times in one
            const chars = Uint16Array.from(spec.units, (u) => 0x4e00 + u);
            const keys = weak ? weakKeys(chars, k) : kgramKeys(chars, k);
            const indexed = spec.masked ? Uint8Array.from(keys, (_, p) => (spec.masked?.[p] ? 1 : 0)) : null;
            return {
              id: String(i),
              category: null,
              library: spec.library,
              text: text(chars),
              chars,
              breaks: new Int32Array([0, 0]),
              keys,
              indexed,
              template: null,
              quoted: null,
            };
          });
          const index = buildKgramIndex(docs, { minMatch: k, commonMin }, limits);
          const expected = referenceIndex(docs, k, commonMin);
          expect(index.states).toEqual(expected.states);
          expect(index.groupStart.length - 1).toBe(expected.groups);
          const shared = docs.map((_, d) =>
            Array.from(index.docKgrams.subarray(index.docKgramStart[d], index.docKgramStart[d + 1]), (x): [number, string] => {
              const position = Math.floor(x / 2 ** 32);
              const g = x - position * 2 ** 32;
              return [position, Array.from(index.groupDocs.subarray(index.groupStart[g], index.groupStart[g + 1])).join()];
            }),
          );
          expect(shared).toEqual(expected.shared);
          // built in parts (as threads do, each over its share of the key space) and joined: the same index
          const states = newStates(docs, true);
          const split = Array.from({ length: parts }, (_, part) =>
            indexPart(docs, { minMatch: k, commonMin }, states, { part, of: parts }, limits),
          );
          const joined = joinIndex(docs.length, states, split);
          expect(joined.states.map((s) => Array.from(s))).toEqual(index.states.map((s) => Array.from(s)));
          for (const key of ['groupStart', 'groupDocs', 'docKgramStart', 'docKgrams'] as const) expect(joined[key]).toEqual(index[key]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('quotations', () => {
  it('finds quoted passages and attributed sentences', () => {
    const t = '正文一句。“引号里的话。”又一句。「书名号里的话」。上一句被引用的话。（引自《纲要》）后面的话。参见某文件的这一句。';
    const quoted = quotedRanges(t).map(([s, e]) => t.slice(s, e));
    expect(quoted).toEqual(['“引号里的话。”', '「书名号里的话」', '上一句被引用的话。（引自《纲要》）', '参见某文件的这一句。']);
  });
});

describe('alignPair', () => {
  const params = { minMatch: 13, maxGap: 4 };
  const keyed = (chars: Uint16Array) => ({ chars, keys: kgramKeys(chars, 13) });
  const own = (n: number): string => sentences(n).join('');

  it('bridges a changed character and an inserted one into a single span', () => {
    const passage = sentences(4).join('');
    const changed = `${passage.slice(0, 40)}甲${passage.slice(41, 80)}乙${passage.slice(80)}`;
    const a = normalize(own(3) + passage + own(3)).chars;
    const b = normalize(own(2) + changed + own(2)).chars;
    const spans = alignPair(indexText(keyed(a)), keyed(b), params);
    expect(spans).toHaveLength(1);
    const [as, ae] = spans[0];
    expect(text(a.subarray(as, ae))).toBe(text(normalize(passage).chars));
  });

  it('finds reordered sentences as separate spans covering each sentence', () => {
    const s = sentences(5);
    const a = normalize(own(2) + s.join('') + own(2)).chars;
    const b = normalize(own(1) + [s[3], s[0], s[4], s[2], s[1]].join('\n') + own(1)).chars;
    const spans = alignPair(indexText(keyed(a)), keyed(b), params);
    const covered = new Set<number>();
    for (const [as, ae] of spans) for (let i = as; i < ae; i++) covered.add(i);
    expect(covered.size).toBe(normalize(s.join('')).chars.length);
  });

  it('finds nothing between unrelated documents', () => {
    expect(alignPair(indexText(keyed(normalize(own(30)).chars)), keyed(normalize(own(30)).chars), params)).toEqual([]);
  });
});

describe('SimilarityCorpus', () => {
  const body = (n: number): string => sentences(n).join('');

  it('reports a source with its copiers, a document copied from several sources, and identical documents', () => {
    const [s1, s2, s3] = [body(40), body(40), body(40)];
    const docs = [
      { id: 's1', text: s1, category: '甲' },
      { id: 's2', text: s2, category: '甲' },
      { id: 's3', text: s3, category: '乙' },
      { id: 'multi', text: body(20) + s1.slice(0, 300) + body(5) + s2.slice(100, 400) + body(5) + s3.slice(500, 700), category: '甲' },
      { id: 'copy', text: body(30) + s1.slice(400, 800), category: '甲' },
      { id: 'twinA', text: body(50), category: '甲' },
    ];
    docs.push({ id: 'twinB', text: docs[5].text, category: '甲' });
    for (let i = 0; i < 6; i++) docs.push({ id: `plain${i}`, text: body(30), category: '乙' });
    const r = findSimilarity(docs);
    const doc = (id: string) => r.documents.find((d) => d.id === id)!;
    expect(
      doc('s1')
        .sources.map((s) => s.id)
        .sort(),
    ).toEqual(['copy', 'multi']);
    expect(
      doc('multi')
        .sources.map((s) => s.id)
        .sort(),
    ).toEqual(['s1', 's2', 's3']);
    expect(doc('multi').maxSourceRate).toBeLessThan(doc('multi').rate);
    expect(doc('twinA').rate).toBe(1);
    expect(doc('twinB').sources).toEqual([{ id: 'twinA', library: false, sharedChars: doc('twinB').countable }]);
    for (let i = 0; i < 6; i++) expect(doc(`plain${i}`).rate).toBe(0);
    const cross = r.pairs.find((p) => [p.a, p.b].sort().join() === 'multi,s3')!;
    expect(cross.crossProject).toBe(true);
    expect(cross.suspect).toBe(false);
  });

  it('leaves template text out of both counts, ranks no library document, and reports common text', () => {
    const template = '请按照案例介绍的格式要求填写基本情况过程与举措经验与成效特色与创新等内容并如实填写信息表。';
    const slogan = '坚持以学生发展为中心推动信息技术与教育教学深度融合促进教育公平与质量提升。';
    const library = body(40);
    const docs = Array.from({ length: 10 }, (_, i) => ({
      id: `e${i}`,
      text: template + body(30) + (i < 6 ? slogan : '') + body(10),
      category: '甲',
    }));
    docs[9].text = template + body(30) + library.slice(0, 600);
    const corpus = new SimilarityCorpus({}, [template]);
    for (const d of docs) corpus.add(d);
    corpus.add({ id: 'lib', text: library, library: true });
    const r = corpus.result();
    expect(r.documents.map((d) => d.id)).not.toContain('lib');
    const e0 = r.documents.find((d) => d.id === 'e0')!;
    expect(e0.templateChars).toBe(normalize(template).chars.length);
    expect(e0.commonChars).toBe(normalize(slogan).chars.length);
    expect(e0.duplicateChars).toBe(e0.commonChars);
    expect(e0.rate).toBeCloseTo(e0.commonChars / (e0.countable - e0.templateChars), 10);
    expect(e0.sources).toEqual([]);
    expect(r.common).toEqual([{ text: text(normalize(slogan).chars), documents: ['e0', 'e1', 'e2', 'e3', 'e4', 'e5'] }]);
    const e9 = r.documents.find((d) => d.id === 'e9')!;
    expect(e9.sources).toEqual([{ id: 'lib', library: true, sharedChars: normalize(library.slice(0, 600)).chars.length }]);
    expect(r.documents.find((d) => d.id === 'e8')!.rate).toBe(0);

    const excluded = findSimilarity([...docs, { id: 'lib', text: library, library: true }], [template], { excludeCommon: true });
    expect(excluded.documents.find((d) => d.id === 'e0')!.rate).toBe(0);
  });

  it('bridges a changed character inside a passage one document holds, not the text between passages shared with two', () => {
    const passage = (): string => text(normalize(body(3)).chars.subarray(0, 20));
    const [fromA, fromB, before, after] = [passage(), passage(), passage(), passage()];
    const docs = [
      { id: 'A', text: body(20) + fromA + body(20) },
      { id: 'B', text: body(20) + fromB + body(20) },
      // two incidental matches with three characters of its own between them
      { id: 'between', text: `${body(20)}${fromA}739${fromB}${body(20)}` },
      // one passage of C with a character changed
      { id: 'C', text: `${body(20)}${before}8${after}${body(20)}` },
      { id: 'edited', text: `${body(20)}${before}7${after}${body(20)}` },
    ];
    const r = findSimilarity(docs);
    const doc = (id: string) => r.documents.find((d) => d.id === id)!;
    expect(doc('between').duplicateChars).toBe(40);
    expect(doc('edited').duplicateChars).toBe(41);
    expect(doc('C').duplicateChars).toBe(41);
  });

  it('gives the same result when documents are added after a first result', () => {
    const base = body(40);
    const docs = Array.from({ length: 8 }, (_, i) => ({
      id: `d${i}`,
      text: body(25) + (i % 3 === 0 ? base.slice(i * 50, i * 50 + 400) : ''),
      category: i % 2 ? '甲' : '乙',
    }));
    docs.push({ id: 'late', text: body(10) + base.slice(0, 500), category: '甲' });
    const corpus = new SimilarityCorpus();
    for (const d of docs.slice(0, 8)) corpus.add(d);
    const before = corpus.result();
    expect(before.documents.find((d) => d.id === 'd0')!.sources.map((s) => s.id)).toEqual(['d3', 'd6']);
    corpus.add(docs[8]);
    expect(corpus.result()).toEqual(findSimilarity(docs));
    expect(() => corpus.add(docs[8])).toThrow(/duplicate/);
  });
});
