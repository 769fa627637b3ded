import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Db, openMigratedDb } from '../src/db/connect.ts';
import { contestCategories } from '../src/contests/index.ts';
import { publish } from '../src/awards/store/publication.ts';
import { setAwardOverride } from '../src/awards/store/overrides.ts';
import { runCli } from '../src/cli/main.ts';
import { exportAwards } from '../src/exports/index.ts';
import { buildAwardContest, type BuiltContest, cityPrizeQuotas, type EntrySpec } from './helpers/awards-contest.ts';
import { testDatabases } from './helpers/db.ts';

const FUJIAN = 'fujian-platform-cases-training-and-scenarios.yaml';
const LIST_HEADERS = ['序号', '编号', '作品名称', '作者', '单位', '区县', '学段', '最终得分', '奖项'];

/** Titles that must survive: Chinese punctuation, a comma and quotes (CSV quoting), a leading = (formula guard). */
const TITLES = [
  '“双减”背景下的校本研修，实践与反思',
  '基于"三个课堂"的区域研修, 第二期',
  '=HYPERLINK("http://x")研修案例',
  '幼儿园园本研修·观察与支持',
];

function entries(): EntrySpec[] {
  const specs: EntrySpec[] = [];
  const add = (prefix: string, category: string, n: number) => {
    for (let i = 1; i <= n; i++) {
      const v = 19 - i * 0.3;
      const c = Array(5).fill(Math.round(v * 100) / 100);
      specs.push({
        code: `${prefix}${String(i).padStart(2, '0')}`,
        // distinct titles and authors per category: the same ones in two categories would be a 相似主题 suspect
        title: (prefix === 'QY' ? TITLES[i - 1] : undefined) ?? `${category === 'regional-training' ? '区域' : '校本'}研修应用案例第${i}号`,
        category,
        group: i % 3 ? '小学' : '初中',
        authors: [
          { name: `黄${prefix}${i}`, unit: `厦门市湖里区第${i}实验小学`, county: '湖里区' },
          {
            name: `郑${prefix}${i}`,
            unit: i % 2 ? '湖里区教师进修学校' : `厦门市湖里区第${i}实验小学`,
            county: i % 2 ? '湖里区' : '思明区',
          },
        ],
        reviews: [c.map((x, j) => (j === 0 ? x + 0.5 : x)), c, c.map((x, j) => (j === 4 ? x - 0.5 : x))],
      });
    }
  };
  add('QY', 'regional-training', 20);
  add('XB', 'school-based-training', 8);
  specs.push({ ...specs[0], code: 'QY99', title: '已取消资格的作品', status: 'disqualified' });
  return specs;
}

type Row = (string | number | null)[];

async function readWorkbook(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}

/** Cell values of a sheet's rows (1-based columns dropped to 0-based arrays), rows 1…lastRow. */
function rowsOf(ws: ExcelJS.Worksheet): Row[] {
  const rows: Row[] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const values = row.values as (string | number | null | undefined)[];
    // row.values is sparse and 1-based: empty cells are holes.
    rows.push(Array.from({ length: values.length - 1 }, (_, i) => values[i + 1] ?? null));
  });
  return rows;
}

/** RFC 4180 parser, enough for the exports. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') field += text[++i];
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

/** What the database says about each entry, computed here independently of the award code. */
async function databaseView(db: Db, contestId: number) {
  const rows = await db
    .selectFrom('entries')
    .innerJoin('categories', 'categories.id', 'entries.category_id')
    .select(['entries.id', 'entries.code', 'entries.title', 'entries.group_name', 'entries.status', 'categories.name as category'])
    .where('entries.contest_id', '=', contestId)
    .execute();
  const authors = await db.selectFrom('authors').selectAll().orderBy('position').execute();
  const reviews = await db
    .selectFrom('reviews')
    .innerJoin('users', 'users.id', 'reviews.expert_id')
    .select(['reviews.entry_id', 'reviews.total', 'reviews.scores_json', 'reviews.comment', 'users.display_name'])
    .where('reviews.status', '=', 'submitted')
    .where('reviews.contest_id', '=', contestId)
    .execute();
  return rows.map((e) => {
    const mine = authors.filter((a) => a.entry_id === e.id);
    const own = reviews.filter((r) => r.entry_id === e.id);
    const mean = own.reduce((s, r) => s + r.total!, 0) / own.length;
    return {
      ...e,
      authors: mine.map((a) => a.name).join('、'),
      units: [...new Set(mine.map((a) => a.unit))].join('、'),
      counties: [...new Set(mine.map((a) => a.county))].join('、'),
      score: Math.round(mean * 100) / 100,
      reviews: own,
    };
  });
}

/** 10/20/30 of n by cumulative rounding down, in integer arithmetic: the expected band of a rank position. */
function expectedBand(position: number, n: number): string | null {
  const ends = [10, 30, 60].map((p) => Math.floor((n * p) / 100));
  const i = ends.findIndex((end) => position < end);
  return i < 0 ? null : ['一等奖', '二等奖', '三等奖'][i];
}

describe.each(testDatabases)('award exports on $name', ({ open }) => {
  let db: Db;
  let built: BuiltContest;
  beforeEach(async () => {
    db = await open();
    built = await buildAwardContest(db, FUJIAN, 'regional-training', entries());
  });
  afterEach(() => db.destroy());

  it('writes the 评奖工作簿: 汇总 plus one sheet per category, every row matching the database', async () => {
    const file = await exportAwards(db, built.contestId, { kind: 'workbook', format: 'xlsx' });
    const { name } = await db.selectFrom('contests').select('name').where('id', '=', built.contestId).executeTakeFirstOrThrow();
    expect(file.fileName).toBe(`${name}评奖工作簿.xlsx`);
    const wb = await readWorkbook(file.body);
    const categories = await contestCategories(db, built.contestId);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', ...categories.map((c) => c.name)]);

    const view = await databaseView(db, built.contestId);
    for (const category of categories.slice(0, 2)) {
      const ws = wb.getWorksheet(category.name)!;
      const [header, ...rows] = rowsOf(ws);
      expect(header).toEqual(LIST_HEADERS);
      expect(ws.getRow(1).font?.bold).toBe(true);
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.pageSetup.printTitlesRow).toBe('1:1');

      const valid = view.filter((e) => e.category === category.name && e.status === 'eligible').sort((a, b) => b.score - a.score);
      const awarded = valid.map((e, i) => ({ e, band: expectedBand(i, valid.length) })).filter((x) => x.band !== null);
      expect(rows).toHaveLength(awarded.length);
      rows.forEach((row, i) => {
        const { e, band } = awarded[i];
        expect(row).toEqual([i + 1, e.code, e.title, e.authors, e.units, e.counties, e.group_name, e.score, band]);
      });
    }
    // Chinese text and the tricky titles come back unchanged.
    const regional = rowsOf(wb.getWorksheet('区域研修应用案例')!);
    expect(regional.map((r) => r[2])).toEqual(expect.arrayContaining(TITLES));
    expect(regional.map((r) => r[1])).not.toContain('QY99');

    const [summaryHeader, ...summary] = rowsOf(wb.getWorksheet('汇总')!);
    expect(summaryHeader).toEqual(['类别', '组别', '有效作品数', '计算基数', '奖项', '比例', '名额', '获奖数', '名额计算']);
    expect(summary.slice(0, 6).map((r) => r.slice(0, 8))).toEqual([
      ['区域研修应用案例', null, 20, 20, '一等奖', '10%', 2, 2],
      ['区域研修应用案例', null, 20, 20, '二等奖', '20%', 4, 4],
      ['区域研修应用案例', null, 20, 20, '三等奖', '30%', 6, 6],
      ['校本研修应用案例', null, 8, 8, '一等奖', '10%', 0, 0],
      ['校本研修应用案例', null, 8, 8, '二等奖', '20%', 2, 2],
      ['校本研修应用案例', null, 8, 8, '三等奖', '30%', 2, 2],
    ]);
    expect(summary[4][8]).toBe('一、二等奖合计 ⌊8×30%⌋=⌊2.4⌋=2');
    expect(summary.some((r) => r[0] === '数据来源：当前评审数据实时计算（尚未公示）')).toBe(true);
  });

  it('writes the 评分明细 workbook per entry, expert and criterion, with comments only when asked', async () => {
    const view = await databaseView(db, built.contestId);
    const plain = await readWorkbook((await exportAwards(db, built.contestId, { kind: 'details', format: 'xlsx' })).body);
    expect(plain.worksheets.map((w) => w.name).slice(-2)).toEqual(['专家评分概况', '评审信度']);
    const [header, ...rows] = rowsOf(plain.getWorksheet('区域研修应用案例')!);
    const criteria = [
      '完善工作机制（20分）',
      '用好平台资源和功能（20分）',
      '创新研修模式（20分）',
      '加大支持服务（20分）',
      '加强宣传交流（20分）',
    ];
    expect(header).toEqual(['编号', '作品名称', '学段', '专家', ...criteria, '合计', '标准化分（参考）', '最终得分', '计分说明', '奖项']);
    const valid = view.filter((e) => e.category === '区域研修应用案例' && e.status === 'eligible');
    expect(rows).toHaveLength(valid.reduce((s, e) => s + e.reviews.length, 0));
    for (const row of rows) {
      const e = valid.find((x) => x.code === row[0])!;
      const review = e.reviews.find((r) => r.display_name === row[3])!;
      const scores = JSON.parse(review.scores_json);
      expect(row.slice(1, 3)).toEqual([e.title, e.group_name]);
      expect(row.slice(4, 9)).toEqual(
        ['mechanism', 'platform-use', 'training-model', 'support-service', 'publicity'].map((k) => scores[k]),
      );
      expect(row[9]).toBe(review.total);
      expect(row[11]).toBe(e.score);
    }

    const withComments = await readWorkbook(
      (await exportAwards(db, built.contestId, { kind: 'details', format: 'xlsx', comments: true })).body,
    );
    const [h2, ...r2] = rowsOf(withComments.getWorksheet('区域研修应用案例')!);
    expect(h2.at(-1)).toBe('评语');
    for (const row of r2) {
      const e = valid.find((x) => x.code === row[0])!;
      expect(row.at(-1)).toBe(e.reviews.find((r) => r.display_name === row[3])!.comment);
    }
    const [icc] = rowsOf(withComments.getWorksheet('评审信度')!).slice(1);
    expect(icc.slice(0, 4)).toEqual(['区域研修应用案例', 20, 3, 60]);
  });

  it('writes CSV in UTF-8 with a BOM, quoting and guarding entrant text', async () => {
    const list = await exportAwards(db, built.contestId, { kind: 'workbook', format: 'csv' });
    expect([...list.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(list.contentType).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = parseCsv(list.body.toString('utf8').slice(1));
    // One CSV for all categories: their group labels differ (学段, 案例类型), so the column is 组别.
    expect(header).toEqual(['类别', ...LIST_HEADERS.map((h) => (h === '学段' ? '组别' : h))]);
    const xlsx = await readWorkbook((await exportAwards(db, built.contestId, { kind: 'workbook', format: 'xlsx' })).body);
    const sheetRows = ['区域研修应用案例', '校本研修应用案例'].flatMap((name) =>
      rowsOf(xlsx.getWorksheet(name)!)
        .slice(1)
        .map((r) => [name, r[1]]),
    );
    expect(rows.map((r) => [r[0], r[2]])).toEqual(sheetRows);
    expect(rows.find((r) => r[2] === 'QY02')![3]).toBe('基于"三个课堂"的区域研修, 第二期');
    expect(rows.find((r) => r[2] === 'QY03')![3]).toBe(`'=HYPERLINK("http://x")研修案例`);
    expect(rows.find((r) => r[2] === 'QY01')![8]).toBe('93.50'); // totals 94, 93.5, 93

    const details = await exportAwards(db, built.contestId, { kind: 'details', format: 'csv', comments: true });
    const [dh, ...drows] = parseCsv(details.body.toString('utf8').slice(1));
    expect(dh).toEqual(['类别', '编号', '作品名称', '组别', '专家', '评分项', '满分', '得分', '评语']);
    // 28 valid entries × 3 reviews × 5 criteria
    expect(drows).toHaveLength(28 * 3 * 5);
    expect(drows[0].slice(0, 8)).toEqual(['区域研修应用案例', 'QY01', TITLES[0], '小学', '张评委', '完善工作机制', '20', '19.2']);
  });

  it('adds the 推优 sheet when the rule set has quotas: each unit ranked, the best up to its quota recommended', async () => {
    const specs: EntrySpec[] = Array.from({ length: 8 }, (_, i) => {
      const f = (90 - i * 3) / 100;
      const crit = [20, 25, 25, 20, 10].map((max) => Math.round(max * f * 100) / 100);
      return {
        code: `SZ${i + 1}`,
        title: `市直学校国家平台应用案例${i + 1}`,
        group: '教师案例',
        authors: [{ name: `周${i + 1}`, unit: '市第一中学', county: '市直' }],
        reviews: [crit, crit, crit],
      };
    });
    const city = await buildAwardContest(
      db,
      'city-platform-application-special.yaml',
      'platform-application-cases',
      specs,
      cityPrizeQuotas,
    );
    const wb = await readWorkbook((await exportAwards(db, city.contestId, { kind: 'workbook', format: 'xlsx' })).body);
    expect(wb.worksheets.map((w) => w.name).at(-1)).toBe('推优');
    const [header, ...rows] = rowsOf(wb.getWorksheet('推优')!);
    expect(header).toEqual(['名额类别', '区县/单位', '名额', '名次', '编号', '作品名称', '作者', '最终得分', '结果']);
    const view = (await databaseView(db, city.contestId)).sort((a, b) => b.score - a.score);
    expect(rows.slice(0, 8).map((r) => [r[0], r[1], r[2], r[4], r[5], r[7], r[8]])).toEqual(
      view.map((e, i) => ['市管学校推荐名额', '市第一中学', 6, e.code, e.title, e.score, i < 6 ? '推优' : '未推优']),
    );
  });

  it('exports a published version exactly as frozen after later changes', async () => {
    const before = await exportAwards(db, built.contestId, { kind: 'workbook', format: 'xlsx' });
    await publish(db, built.contestId, null);
    await setAwardOverride(db, {
      contestId: built.contestId,
      entryId: built.ids.get('QY15')!,
      kind: 'band',
      value: '三等奖',
      reason: '补充材料后复议',
      userId: null,
    });
    const live = rowsOf(
      (await readWorkbook((await exportAwards(db, built.contestId, { kind: 'workbook', format: 'xlsx' })).body)).getWorksheet(
        '区域研修应用案例',
      )!,
    );
    const frozenFile = await exportAwards(db, built.contestId, { kind: 'workbook', format: 'xlsx', version: 1 });
    expect(frozenFile.fileName).toMatch(/评奖工作簿（第1版公示）\.xlsx$/);
    const frozen = await readWorkbook(frozenFile.body);
    const original = await readWorkbook(before.body);
    for (const name of ['区域研修应用案例', '校本研修应用案例'])
      expect(rowsOf(frozen.getWorksheet(name)!)).toEqual(rowsOf(original.getWorksheet(name)!));
    expect(live.map((r) => r[1])).toContain('QY15');
    expect(rowsOf(frozen.getWorksheet('区域研修应用案例')!).map((r) => r[1])).not.toContain('QY15');
    expect(rowsOf(frozen.getWorksheet('汇总')!).some((r) => String(r[0]).startsWith('数据来源：第 1 版公示'))).toBe(true);
    await expect(exportAwards(db, built.contestId, { kind: 'workbook', format: 'xlsx', version: 2 })).rejects.toThrow('没有第 2 版公示');
  });
});

describe('export CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-export-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the award list, the detail CSV with comments, and a published version', async () => {
    const dbFile = path.join(dir, 'cj.db');
    const db = await openMigratedDb(dbFile);
    const { contestId } = await buildAwardContest(db, FUJIAN, 'regional-training', entries());
    await db.destroy();
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const id = String(contestId);
      const out = path.join(dir, '名单', '获奖名单.xlsx');
      expect(await runCli(['export', id, '--out', out, '--db', dbFile])).toBe(0);
      expect((await readWorkbook(fs.readFileSync(out))).worksheets.map((w) => w.name)).toEqual(['获奖名单']);
      const internal = path.join(dir, '评奖工作簿.xlsx');
      expect(await runCli(['export', id, '--out', internal, '--workbook', '--db', dbFile])).toBe(0);
      expect((await readWorkbook(fs.readFileSync(internal))).worksheets[0].name).toBe('汇总');
      const csv = path.join(dir, '明细.csv');
      expect(await runCli(['export', id, '--out', csv, '--csv', '--details', '--comments', '--db', dbFile])).toBe(0);
      expect(fs.readFileSync(csv, 'utf8')).toMatch(/^\uFEFF类别,编号,作品名称,组别,专家,评分项,满分,得分,评语\r\n/);
      expect(await runCli(['export', id, '--out', out, '--comments', '--db', dbFile])).toBe(2);
      expect(await runCli(['export', id, '--out', out, '--version', '1', '--db', dbFile])).toBe(1);
      expect(await runCli(['publish', id, '--db', dbFile])).toBe(0);
      expect(await runCli(['export', id, '--out', out, '--version', '1', '--db', dbFile])).toBe(0);
    } finally {
      quiet.mockRestore();
    }
  });
});
