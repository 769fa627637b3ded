import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contestAwards } from '../src/awards/store/contest.ts';
import { runCli } from '../src/cli/main.ts';
import { type Db, openMigratedDb } from '../src/db/connect.ts';
import { exportAwards } from '../src/exports/index.ts';
import { gridOf } from '../src/spreadsheet/workbook.ts';
import { buildAwardContest, type EntrySpec } from './helpers/awards-contest.ts';

/**
 * 获奖名单 as an official attachment, in Word and in Excel, read back: the title, one table per category and band,
 * 序号 / 作品名称 / 作者 / 单位 (and 区县, 学段), no 编号 and no scores, each band's entries by place in pinyin order.
 */

const FUJIAN = 'fujian-platform-cases-training-and-scenarios.yaml';
/** The 二等奖 of 区域研修 (ranks 3–6 of 20) come from four counties the list must give as 李, 王, 张, 赵. */
const SECOND_BAND = [
  { county: '赵县', unit: '赵县实验小学' },
  { county: '李沧区', unit: '李沧区第二实验小学' },
  { county: '王台镇', unit: '王台镇中心小学' },
  { county: '张店区', unit: '张店区实验中学' },
];

function entries(): EntrySpec[] {
  const specs: EntrySpec[] = [];
  const add = (prefix: string, category: string, n: number) => {
    for (let i = 1; i <= n; i++) {
      const points = Array(5).fill(19 - i * 0.5);
      const place = prefix === 'QY' && i >= 3 && i <= 6 ? SECOND_BAND[i - 3] : { county: '湖里区', unit: `湖里区第${i}实验小学` };
      specs.push({
        code: `${prefix}${String(i).padStart(2, '0')}`,
        title: `${category === 'regional-training' ? '区域' : '校本'}研修应用案例第${i}号`,
        category,
        group: i % 3 ? '小学' : '初中',
        authors: [
          { name: `黄${i}`, unit: place.unit, county: place.county },
          { name: `郑${i}`, unit: place.unit, county: place.county },
        ],
        reviews: [points, points, points],
      });
    }
  };
  add('QY', 'regional-training', 20);
  add('XB', 'school-based-training', 10);
  return specs;
}

let dir: string;
let dbFile: string;
let db: Db;
let contestId: number;
let title: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-official-list-'));
  dbFile = path.join(dir, 'cj.db');
  db = await openMigratedDb(dbFile);
  ({ contestId } = await buildAwardContest(db, FUJIAN, 'regional-training', entries()));
  const awards = await contestAwards(db, contestId);
  title = `${awards.contest.name}获奖名单`;
});

afterAll(async () => {
  await db?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What the tables must hold: per category, per band, the entries by 区县 then 单位 (pinyin), as 序号 … 学段. */
async function expectedTables() {
  const awards = await contestAwards(db, contestId);
  const collator = new Intl.Collator('zh-CN', { numeric: true });
  return awards.categories.flatMap((c) => {
    const listed = awards.groups.filter((g) => g.categoryKey === c.key).flatMap((g) => g.entries);
    return ['一等奖', '二等奖', '三等奖'].map((band) => ({
      category: c.name,
      band,
      rows: listed
        .filter((e) => e.band === band)
        .sort((a, b) => collator.compare(a.county, b.county) || collator.compare(a.unit, b.unit) || collator.compare(a.title, b.title))
        .map((e, i) => [String(i + 1), e.title, e.authors.map((a) => a.name).join('、'), e.unit, e.county, e.group ?? '']),
    }));
  });
}

describe('获奖名单 as an official attachment', () => {
  it('reads back from Word with the title, one table per category and band, and no 编号', async () => {
    const file = await exportAwards(db, contestId, { kind: 'list', format: 'docx' });
    expect(file.fileName).toBe(`${title}.docx`);
    expect(file.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const { value: html } = await mammoth.convertToHtml({ buffer: file.body });
    const paragraphs = [...html.matchAll(/<p>(.*?)<\/p>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
    expect(paragraphs[0]).toBe(title);
    expect(paragraphs).toEqual(
      expect.arrayContaining([
        '一、区域研修应用案例',
        '（一）一等奖（2件）（排名不分先后）',
        '（二）二等奖（4件）（排名不分先后）',
        '（三）三等奖（6件）（排名不分先后）',
        '二、校本研修应用案例',
        '（一）一等奖（1件）（排名不分先后）',
      ]),
    );
    const tables = [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((t) =>
      [...t[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
        [...r[1].matchAll(/<t[dh]>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '')),
      ),
    );
    const expected = (await expectedTables()).filter((t) => t.rows.length);
    expect(tables).toHaveLength(expected.length);
    tables.forEach((t, i) => {
      expect(t[0]).toEqual(['序号', '作品名称', '作者', '单位', '区县', '学段']);
      expect(t.slice(1)).toEqual(expected[i].rows);
    });
    // Nothing internal: no codes, no scores.
    expect(html).not.toMatch(/编号|QY\d\d|XB\d\d|得分|\d+\.\d\d/);
    // The 二等奖 of 区域研修 by county in pinyin: 李, 王, 张, 赵.
    expect(tables[1].slice(1).map((r) => r[4])).toEqual(['李沧区', '王台镇', '张店区', '赵县']);

    // Typeset as an attachment: 仿宋 table text at 小四 (12 pt = 24 half-points), 黑体 headings, A4 with official margins.
    const xml = await (await JSZip.loadAsync(file.body)).file('word/document.xml')!.async('string');
    expect(xml).toMatch(/<w:rFonts w:ascii="仿宋" w:eastAsia="仿宋" w:hAnsi="仿宋"\/>/);
    expect(xml).toMatch(/<w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"\/>/);
    expect(xml).toContain('<w:sz w:val="24"/>');
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
  });

  it('reads back from Excel the same way: title row, a heading and a table per category and band, no 编号', async () => {
    const file = await exportAwards(db, contestId, { kind: 'list', format: 'xlsx' });
    expect(file.fileName).toBe(`${title}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['获奖名单']);
    const ws = wb.worksheets[0];
    const grid = gridOf(ws).map((r) => r.map((c) => c.trim()));
    expect(grid[0][0]).toBe(title);
    expect(ws.getCell('A1').font).toMatchObject({ name: '宋体', bold: true });
    // Split the sheet at its header rows: what follows each (until a blank or heading row) is one table.
    const tables: { heading: string; rows: string[][] }[] = [];
    grid.forEach((row, i) => {
      if (row[0] !== '序号') return;
      expect(row.slice(0, 6)).toEqual(['序号', '作品名称', '作者', '单位', '区县', '学段']);
      const body: string[][] = [];
      for (let j = i + 1; j < grid.length && /^\d+$/.test(grid[j][0] ?? ''); j++) body.push(grid[j].slice(0, 6));
      tables.push({ heading: grid[i - 1][0], rows: body });
    });
    const expected = (await expectedTables()).filter((t) => t.rows.length);
    expect(tables.map((t) => t.heading)).toEqual(
      expected.map((t) => `（${'一二三'[['一等奖', '二等奖', '三等奖'].indexOf(t.band)]}）${t.band}（${t.rows.length}件）（排名不分先后）`),
    );
    expect(tables.map((t) => t.rows)).toEqual(expected.map((t) => t.rows));
    expect(grid.flat().join('\n')).not.toMatch(/编号|QY\d\d|得分/);
    const firstRow = grid.findIndex((r) => r[0] === '1');
    expect(ws.getRow(firstRow + 1).getCell(2).font).toMatchObject({ name: '仿宋', size: 12 });
  });

  it('is written by `casejury export CONTEST --out FILE.docx`', async () => {
    const out = path.join(dir, '名单', '获奖名单.docx');
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await runCli(['export', String(contestId), '--out', out, '--db', dbFile])).toBe(0);
      expect(await runCli(['export', String(contestId), '--out', path.join(dir, 'x.docx'), '--details', '--db', dbFile])).toBe(2);
    } finally {
      quiet.mockRestore();
    }
    const { value } = await mammoth.extractRawText({ path: out });
    expect(value.startsWith(title)).toBe(true);
    expect(value).toContain('（排名不分先后）');
  });
});
