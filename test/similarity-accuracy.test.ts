import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.ts';
import { DEFAULT_OPTIONS, findSimilarity, type SimilarityResult } from '../src/similarity/index.ts';
import { normalize, unitsToString } from '../src/similarity/text/normalize.ts';
import type { ScanReport } from '../src/similarity/store/folder-scan.ts';
import { ACCURACY_SPEC, ALTERATIONS, type PlantedCorpus, plantCorpus, writePlantedCorpus } from '../scripts/lib/plantedCorpus.ts';
import { makeDocx } from './helpers/docx.ts';
import { SCAN_SHEETS } from './helpers/scan-workbook.ts';

const THRESHOLD = 0.3;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samePair = (p: { a: string; b: string }, [x, y]: [string, string]): boolean => (p.a === x && p.b === y) || (p.a === y && p.b === x);

describe('accuracy on a generated corpus with planted copies', () => {
  let corpus: PlantedCorpus;
  let result: SimilarityResult;
  beforeAll(() => {
    corpus = plantCorpus(ACCURACY_SPEC);
    result = findSimilarity(
      corpus.documents.map((d) => ({ id: d.path, text: d.text, category: d.category, library: d.library })),
      corpus.templates,
      { threshold: THRESHOLD },
    );
  });

  it('plants every alteration, template text, quotations, twins, identical documents and library sources', () => {
    const copiers = corpus.documents.filter((d) => d.role === 'copier');
    for (const a of ALTERATIONS)
      expect(
        copiers.some((d) => d.alterations.includes(a)),
        a,
      ).toBe(true);
    expect(corpus.documents.every((d) => d.library || d.truth.templateChars > 0)).toBe(true);
    expect(corpus.documents.some((d) => d.truth.quotedDuplicateChars > 0)).toBe(true);
    expect(corpus.documents.filter((d) => d.role === 'identical')).toHaveLength(2 * ACCURACY_SPEC.identical);
    expect(corpus.twins).toHaveLength(ACCURACY_SPEC.twins);
    expect(copiers.some((d) => d.truth.sources.some((s) => s.startsWith('往届获奖/')))).toBe(true);
    expect(copiers.some((d) => d.truth.sources.length >= 3)).toBe(true);
    const rates = corpus.documents.filter((d) => !d.library).map((d) => d.truth.rate);
    expect(rates.filter((r) => r >= THRESHOLD).length).toBeGreaterThan(10);
    expect(rates.filter((r) => r > 0 && r < THRESHOLD).length).toBeGreaterThan(10);
  });

  it('reproduces every true rate: median error ≤ 0.005, each ≤ 0.02, none on the wrong side of 30%', () => {
    const truth = new Map(corpus.documents.map((d) => [d.path, d.truth]));
    expect(result.documents).toHaveLength(corpus.documents.filter((d) => !d.library).length);
    const errors = result.documents.map((d) => Math.abs(d.rate - truth.get(d.id)!.rate));
    expect(median(errors)).toBeLessThanOrEqual(0.005);
    for (const d of result.documents) {
      const t = truth.get(d.id)!;
      expect(Math.abs(d.rate - t.rate), d.id).toBeLessThanOrEqual(0.02);
      expect(d.flagged, d.id).toBe(t.rate >= THRESHOLD);
      expect(Math.abs(d.rateExcludingQuotes - t.rateExcludingQuotes), d.id).toBeLessThanOrEqual(0.02);
      expect(Math.abs(d.maxSourceRate - t.maxSourceRate), d.id).toBeLessThanOrEqual(0.02);
      expect(d.templateChars, d.id).toBe(t.templateChars);
      expect(d.countable, d.id).toBe(t.countable);
      // a source's report names those who copied from it, and a copier's its sources: every one
      // sharing clearly more than the pair floor, and no document it shares nothing planted with
      const listed = d.sources.map((s) => s.id);
      const clear = t.sources.filter((s) => t.sourceChars[s] >= DEFAULT_OPTIONS.pairMinChars + 10);
      expect(
        listed.filter((s) => !t.sources.includes(s)),
        d.id,
      ).toEqual([]);
      expect(
        clear.filter((s) => !listed.includes(s)),
        d.id,
      ).toEqual([]);
    }
  });

  it('reports every cross-project twin as a 一稿多投 suspect, and the common sentence', () => {
    for (const twin of corpus.twins) {
      const pair = result.pairs.find((p) => samePair(p, twin));
      expect(pair?.crossProject, twin.join(' ')).toBe(true);
      expect(pair?.suspect, twin.join(' ')).toBe(true);
    }
    const holders = corpus.documents.filter((d) => d.text.includes(corpus.commonText)).map((d) => d.path);
    expect(result.common.map((c) => c.documents.sort())).toEqual([holders.sort()]);
  });
});

describe('casejury scan on real files', () => {
  let dir: string;
  let corpus: PlantedCorpus;
  let report: ScanReport;
  const bad: Record<string, Buffer> = {
    '小学+实验小学+王芳/校本研修应用案例/坏文件/案例介绍.docx': Buffer.from('PK\u0003\u0004 this is not a zip'),
    '小学+实验小学+王芳/校本研修应用案例/空文件/案例介绍.docx': Buffer.alloc(0),
    '初中+第二中学+李强/区域研修应用案例/假PDF/案例介绍.pdf': Buffer.from('这不是 PDF 文件'),
    '初中+第二中学+李强/区域研修应用案例/图片/案例介绍.txt': Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
    ]),
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'casejury-scan-'));
    corpus = plantCorpus({ ...ACCURACY_SPEC, seed: 77, entries: 36, library: 4, twins: 2, identical: 1 });
    await writePlantedCorpus(corpus, path.join(dir, 'entries'), path.join(dir, 'library'), path.join(dir, 'template.txt'));
    // some entries as Word files, the last paragraphs in a table
    const asWord = corpus.documents.filter((d) => d.role === 'copier' || d.role === 'source').slice(0, 6);
    for (const d of asWord) {
      const [title, heading, ...rest] = d.text.split('\n');
      const file = path.join(dir, 'entries', d.path);
      await rm(file);
      d.path = d.path.replace(/\.txt$/, '.docx');
      await writeFile(
        path.join(dir, 'entries', d.path),
        await makeDocx({ title, sections: [{ heading, paragraphs: rest.slice(0, -2) }], table: [rest.slice(-2)] }),
      );
    }
    for (const [rel, data] of Object.entries(bad)) {
      await writeFile(path.join(dir, 'entries', rel), data).catch(async () => {
        await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(path.join(dir, 'entries', rel)), { recursive: true }));
        await writeFile(path.join(dir, 'entries', rel), data);
      });
    }
    const args = ['scan', path.join(dir, 'entries'), '--library', path.join(dir, 'library'), '--template', path.join(dir, 'template.txt')];
    expect(await runCli([...args, '--json', path.join(dir, 'out.json'), '--xlsx', path.join(dir, 'out.xlsx')])).toBe(0);
    report = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads .txt and .docx, takes categories from the folder layout and reproduces the true rates', () => {
    const entries = corpus.documents.filter((d) => !d.library);
    expect(report.documents.map((d) => d.path).sort()).toEqual(entries.map((d) => d.path).sort());
    for (const d of report.documents) {
      const planted = entries.find((e) => e.path === d.path)!;
      expect(d.category).toBe(planted.category);
      expect(Math.abs(d.rate - planted.truth.rate), d.path).toBeLessThanOrEqual(0.03);
      expect(d.flagged).toBe(planted.truth.rate >= THRESHOLD);
      for (const s of d.sources) expect(s.library).toBe(s.path.startsWith('../library/'));
    }
    for (const twin of corpus.twins) expect(report.pairs.find((p) => samePair(p, twin))?.crossProject).toBe(true);
    expect(report.params).toMatchObject({ threshold: 0.3, minMatch: 13 });
  });

  it('lists every unreadable file with a Chinese reason, and goes on', () => {
    expect(report.errors.map((e) => e.path).sort()).toEqual(Object.keys(bad).sort());
    for (const e of report.errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('gives spans that point at the same text in both original documents', async () => {
    const pair = report.pairs.find((p) => p.a.endsWith('.txt') && p.b.endsWith('.txt'))!;
    const [a, b] = await Promise.all([pair.a, pair.b].map((p) => readFile(path.join(dir, 'entries', p), 'utf8')));
    const folded = (s: string): string => unitsToString(normalize(s).chars);
    const texts = pair.spans.map(([as, ae, bs, be]) => [folded(a.slice(as, ae)), folded(b.slice(bs, be))]);
    for (const [x, y] of texts) {
      expect(x.length).toBeGreaterThanOrEqual(13);
      expect(Math.abs(x.length - y.length)).toBeLessThanOrEqual(4);
    }
    // spans are exact but for a changed character here and there
    expect(texts.filter(([x, y]) => x === y).length).toBeGreaterThanOrEqual(texts.length / 2);
  });

  it('writes a workbook with the documents by rate (flagged rows highlighted), pairs and suspects', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(path.join(dir, 'out.xlsx'))) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(SCAN_SHEETS);
    const sheet = wb.getWorksheet('文档重复率')!;
    expect(sheet.getRow(1).getCell(7).value).toBe('重复率(%)');
    const rates = report.documents.map((_, i) => Number(sheet.getRow(i + 2).getCell(7).value));
    expect(rates).toEqual([...rates].sort((x, y) => y - x));
    report.documents.forEach((d, i) => {
      const fill = sheet.getRow(i + 2).getCell(2).fill as ExcelJS.FillPattern;
      expect(fill?.fgColor?.argb === 'FFFFC7CE', d.path).toBe(d.flagged);
    });
    // every twin is listed among the suspects
    const suspects: string[][] = [];
    wb.getWorksheet('一稿多投嫌疑')!.eachRow(
      (row, i) => void (i > 1 && suspects.push([String(row.getCell(1).value), String(row.getCell(2).value)])),
    );
    for (const twin of corpus.twins)
      expect(
        suspects.some((s) => samePair({ a: s[0], b: s[1] }, twin)),
        twin.join(' '),
      ).toBe(true);
    // the entry-level suspects of the JSON, row for row
    const entrySuspects: string[][] = [];
    wb.getWorksheet('同一作品或主题')!.eachRow(
      (row, i) =>
        void (i > 1 && entrySuspects.push([String(row.getCell(1).value), String(row.getCell(2).value), String(row.getCell(3).value)])),
    );
    // (the note under the table is not a suspect)
    expect(entrySuspects.filter((r) => r[2] === '一稿多投' || r[2] === '相似主题')).toEqual(
      (report.suspects ?? []).map((x) => [x.a, x.b, x.kind]),
    );
    expect(entrySuspects.length).toBeGreaterThan(0);
  });

  it('prints a Chinese summary without output files, exits 2 on wrong usage', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => {
      lines.push(s);
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await runCli(['scan', path.join(dir, 'entries')])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(lines.join('')).toMatch(/^查重完成：\d+ 篇文档/);
    expect(await runCli(['scan', path.join(dir, 'nowhere')])).toBe(2);
    expect(await runCli(['scan', path.join(dir, 'entries'), '--threshold', '3'])).toBe(2);
  });
});
