import ExcelJS from 'exceljs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedWork, SuspectsContestGenerator, type SuspectsContest } from '../scripts/lib/suspectsCorpus.ts';
import type { ScanReport } from '../src/similarity/store/folder-scan.ts';
import { cli, cliJson } from './helpers/cli.ts';
import { makeDocx } from './helpers/docx.ts';
import { makeMp4 } from './fixtures-media/mp4.ts';
import { makePdf } from './fixtures-media/pdf.ts';
import { SCAN_SHEETS } from './helpers/scan-workbook.ts';

/**
 * The acceptance test: a generated contest in the official folder layout where some
 * teachers enter one 课题 in two projects with rewritten case documents (.docx) but the same
 * title stem and the same lesson video (.mp4). `casejury scan FOLDER --json` must report every
 * such pair, and fewer than one other suspect per 50 entries. The contest also has teachers
 * with two different works, namesakes at other schools, a school logo many entries carry and
 * the same blank 承诺书 in every entry.
 */

const WORKS = 150;

/** The entry folder of a work: 学段+学校+教师姓名/参赛项目/作品名称. */
const folderOf = (w: GeneratedWork): string => `${w.teacher.stage}+${w.teacher.school}+${w.teacher.name}/${w.category}/${w.title}`;
const key = (a: string, b: string): string => [a, b].sort().join('\n');

describe('一稿多投 in a generated contest, through casejury scan', () => {
  let dir: string;
  let contest: SuspectsContest;
  let report: ScanReport;
  const logo = makePdf(['校徽']);
  const pledge = makePdf(['原创承诺书', '本人承诺所报送作品为原创。']);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'casejury-suspects-'));
    contest = new SuspectsContestGenerator(2024).contest({
      seed: 2024,
      works: WORKS,
      twinShare: 0.1,
      twinVideoShare: 1,
      secondWorkShare: 0.1,
      namesakeShare: 0.05,
      sentencesPerSection: [16, 24],
    });
    for (const [i, w] of contest.works.entries()) {
      const folder = path.join(dir, folderOf(w));
      await mkdir(folder, { recursive: true });
      await writeFile(
        path.join(folder, '案例介绍.docx'),
        await makeDocx({
          title: w.title,
          byline: w.byline,
          sections: w.paragraphs.map((s) => ({ heading: s.heading, paragraphs: s.paragraphs })),
        }),
      );
      // one video per video id: twins carry the same file, every other work its own
      await writeFile(path.join(folder, '课堂实录.mp4'), makeMp4({ seconds: 600 + w.videoId, width: 1280, height: 720 }));
      await writeFile(path.join(folder, '原创承诺书.pdf'), pledge);
      if (i % 4 === 0) await writeFile(path.join(folder, '校徽.pdf'), logo);
    }
    report = await cliJson<ScanReport>('scan', dir);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('plants what the issue describes', () => {
    expect(contest.works).toHaveLength(WORKS);
    expect(contest.twins.length).toBeGreaterThanOrEqual(8);
    expect(contest.sameTeacherDifferentWorks.length).toBeGreaterThanOrEqual(5);
    expect(contest.namesakes.length).toBeGreaterThanOrEqual(3);
    for (const [a, b] of contest.twins) {
      const [x, y] = [contest.works[a], contest.works[b]];
      expect(x.category).not.toBe(y.category);
      expect(x.paragraphs).not.toEqual(y.paragraphs);
    }
  });

  it('reports every pair of one 课题 in two projects as 一稿多投, with its reasons', () => {
    const suspects = new Map(report.suspects!.map((s) => [key(s.a, s.b), s]));
    for (const [a, b] of contest.twins) {
      const [x, y] = [contest.works[a], contest.works[b]];
      const s = suspects.get(key(folderOf(x), folderOf(y)));
      expect(s, `${folderOf(x)} / ${folderOf(y)}`).toBeDefined();
      expect(s!.kind).toBe('一稿多投');
      expect(s!.reasons).toContain(`共同作者：${x.teacher.name}（${x.teacher.school}）`);
      expect(s!.reasons).toContain('相同视频：课堂实录.mp4（文件内容完全相同）');
      expect(
        s!.reasons.some(
          (r) => r.startsWith(`标题相近：《${x.title}》与《${y.title}》`) || r.startsWith(`标题相近：《${y.title}》与《${x.title}》`),
        ),
      ).toBe(true);
    }
  });

  it('reports fewer than one other suspect per 50 entries, and no namesake', () => {
    const twins = new Set(contest.twins.map(([a, b]) => key(folderOf(contest.works[a]), folderOf(contest.works[b]))));
    const others = report.suspects!.filter((s) => !twins.has(key(s.a, s.b)));
    expect(others.length, JSON.stringify(others, null, 2)).toBeLessThan(WORKS / 50);
    const namesakes = new Set(contest.namesakes.map(([a, b]) => key(folderOf(contest.works[a]), folderOf(contest.works[b]))));
    expect(report.suspects!.filter((s) => namesakes.has(key(s.a, s.b)))).toEqual([]);
  });

  it('names entries by their folders relative to the scanned folder, with a score in [threshold, 1]', async () => {
    for (const s of report.suspects!) {
      for (const folder of [s.a, s.b]) expect((await stat(path.join(dir, folder))).isDirectory()).toBe(true);
      expect(s.score).toBeGreaterThanOrEqual(0.7);
      expect(s.score).toBeLessThanOrEqual(1);
      expect(Object.keys(s).sort()).toEqual(['a', 'b', 'kind', 'reasons', 'score']);
    }
    expect(report.suspects!.map((s) => s.score)).toEqual(report.suspects!.map((s) => s.score).sort((x, y) => y - x));
  });

  it('prints the suspects with their reasons in the summary', async () => {
    const { code, stdout } = await cli('scan', dir);
    expect(code).toBe(0);
    expect(stdout).toContain(`一稿多投或相似主题嫌疑 ${report.suspects!.length} 对`);
    const [a, b] = contest.twins[0].map((i) => folderOf(contest.works[i]));
    expect(stdout).toMatch(
      new RegExp(`［一稿多投］综合得分 1\\.00\\n  (${literal(a)}\\n  ${literal(b)}|${literal(b)}\\n  ${literal(a)})\\n      共同作者`),
    );
  });

  it('writes the suspects, found while the rest of the report is written, last into the JSON and into their sheet', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'casejury-suspects-out-'));
    try {
      const [json, xlsx] = [path.join(out, 'report.json'), path.join(out, 'report.xlsx')];
      expect((await cli('scan', dir, '--json', json, '--xlsx', xlsx)).code).toBe(0);
      const written = JSON.parse(await readFile(json, 'utf8')) as ScanReport;
      expect(Object.keys(written).at(-1)).toBe('suspects');
      expect(written.suspects).toEqual(report.suspects);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(xlsx);
      expect(wb.worksheets.map((w) => w.name)).toEqual(SCAN_SHEETS);
      const sheet = wb.getWorksheet('同一作品或主题');
      const rows: string[][] = [];
      sheet?.eachRow((row, n) => {
        if (n > 1 && row.getCell(3).value)
          rows.push([String(row.getCell(1).value), String(row.getCell(2).value), String(row.getCell(3).value)]);
      });
      expect(rows).toEqual(report.suspects?.map((s) => [s.a, s.b, s.kind]));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
