import fsp from 'node:fs/promises';
import type ExcelJS from 'exceljs';
import path from 'node:path';
import { SpreadsheetError, gridOf, loadWorkbook } from '../spreadsheet/workbook.ts';
import type { ImportProblem } from './problems.ts';

/**
 * The 汇总表 organizers keep beside the files: one row per entry. Header names vary from
 * notice to notice, so columns are found by what their header says.
 */

export interface SheetAuthor {
  name: string;
  unit: string | null;
  county: string | null;
  phone: string | null;
}

export interface SheetRow {
  /** Row number as Excel shows it (1-based). */
  row: number;
  code: string | null;
  title: string;
  categoryLabel: string | null;
  group: string | null;
  authors: SheetAuthor[];
  /** Folder of the entry's files, relative to the sheet's folder. */
  folder: string | null;
  /** 来源编号: the entry's code at the level below (a recommendation package), its lasting identity. */
  sourceCode: string | null;
  /** 推荐单位: the unit (区县, 学校, 省) that sent it on. */
  recommender: string | null;
}

export interface SummarySheet {
  rows: SheetRow[];
  problems: ImportProblem[];
  /** A package's 评审结果 sheet, by 来源编号: what the level below found (its final score, prize, checks). */
  results?: Map<string, SourceResult>;
}

export interface SourceResult {
  score: number | null;
  /** 奖项 · 形式审查 · 重复率 as the sheet says them, joined. */
  summary: string;
}

/** The 评审结果 sheet of a recommendation package: 来源编号 and 最终得分, with 奖项, 形式审查 and 重复率 beside them. */
export function parseResultRows(grid: string[][]): Map<string, SourceResult> {
  const results = new Map<string, SourceResult>();
  const header = grid.findIndex((cells) => cells.some((c) => normalizeHeader(c) === '来源编号') && cells.some((c) => /得分/.test(c)));
  if (header < 0) return results;
  const cols = grid[header].map(normalizeHeader);
  const col = (re: RegExp) => cols.findIndex((c) => re.test(c));
  const [code, score] = [cols.indexOf('来源编号'), col(/^(最终)?得分$/)];
  const named = [col(/^奖项$/), col(/^形式审查/), col(/^重复率/)].map((i) => [i, i >= 0 ? cols[i] : ''] as const);
  for (const cells of grid.slice(header + 1)) {
    const key = (cells[code] ?? '').trim();
    if (!key) continue;
    const value = Number.parseFloat(cells[score] ?? '');
    const parts = named.filter(([i]) => i >= 0 && (cells[i] ?? '').trim()).map(([i, name]) => `${name}：${cells[i].trim()}`);
    results.set(key, { score: Number.isFinite(value) ? value : null, summary: parts.join('；') });
  }
  return results;
}

type Field = 'code' | 'title' | 'category' | 'group' | 'authors' | 'unit' | 'county' | 'phone' | 'folder' | 'sourceCode' | 'recommender';

const HEADERS: [Field, RegExp][] = [
  ['code', /^(作品|案例|报名|参赛)?编号$/],
  ['title', /^(作品|案例|课例|参赛作品|资源|成果)?(名称|题目|标题)$|^课题$/],
  ['category', /^(参赛)?(项目|项目类别|作品类别|类别|参赛类别|案例类型|作品类型|赛项)(名称)?$/],
  ['group', /^(学段|组别|参赛组别|学段组别|学段\/组别|学段或组别|参与对象|参赛对象)$/],
  ['authors', /^(作者|作者姓名|姓名|参赛教师|教师姓名|参赛人|主持人|作者信息)$/],
  ['unit', /^(作者)?(单位|学校|工作单位|所在单位|学校名称|单位名称|所在学校|学校\(单位\))$/],
  ['county', /^(所在)?(区县|县区|县\(市、区\)|县\(区\)|县市区|区\(县\)|地区|区域)$/],
  ['phone', /^(联系)?(电话|手机|手机号|手机号码|方式)$|^联系方式$/],
  ['folder', /^(作品)?(文件夹|文件夹名称|文件夹名|路径|文件路径|目录)$/],
  ['sourceCode', /^(来源编号|原编号|原作品编号|上级编号|推荐编号)$/],
  ['recommender', /^(推荐单位|报送单位|推荐区县|推荐省份|报送区县)$/],
];
/** `作者1`, `作者2`, `第一作者`, `第二作者姓名` … each holds one author. */
const NUMBERED_AUTHOR = /^(?:作者\s*([1-9])|第([一二三四五六])作者)(?:姓名)?$/;
const CHINESE_DIGITS = '一二三四五六';

const normalizeHeader = (text: string): string =>
  text
    .replace(/[\s*＊:：]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')');

interface Columns {
  single: Partial<Record<Field, number>>;
  /** Column indexes of numbered author columns, in author order. */
  numberedAuthors: number[];
}

function readHeader(cells: string[]): Columns {
  const single: Partial<Record<Field, number>> = {};
  const numbered: [number, number][] = [];
  cells.forEach((cell, col) => {
    const header = normalizeHeader(cell);
    const n = NUMBERED_AUTHOR.exec(header);
    if (n) {
      numbered.push([n[1] ? Number(n[1]) : CHINESE_DIGITS.indexOf(n[2]) + 1, col]);
      return;
    }
    const field = HEADERS.find(([, re]) => re.test(header))?.[0];
    if (field && single[field] === undefined) single[field] = col;
  });
  return { single, numberedAuthors: numbered.sort((a, b) => a[0] - b[0]).map(([, col]) => col) };
}

const headerScore = (c: Columns): number => Object.keys(c.single).length + (c.numberedAuthors.length ? 1 : 0);

const splitNames = (text: string): string[] =>
  text
    .split(/[、，,；;/\s]+/)
    .map((n) => n.trim())
    .filter(Boolean);

/**
 * Rows of a summary sheet given as a grid of cell texts (`grid[0]` is Excel row 1). The header
 * is the row among the first ten that names the most known columns and includes 作品名称.
 */
export function parseSummaryRows(grid: string[][], sheetName: string): SummarySheet {
  const problems: ImportProblem[] = [];
  const where = (row: number) => `${sheetName} 第 ${row} 行`;
  let headerIndex = -1;
  let columns: Columns = { single: {}, numberedAuthors: [] };
  grid.slice(0, 10).forEach((cells, i) => {
    const candidate = readHeader(cells);
    if (candidate.single.title !== undefined && headerScore(candidate) > headerScore(columns)) [headerIndex, columns] = [i, candidate];
  });
  if (headerIndex < 0) {
    return { rows: [], problems: [{ path: sheetName, message: '汇总表中找不到表头：需要一行包含“作品名称”等列名' }] };
  }
  const at = (cells: string[], field: Field): string | null => {
    const col = columns.single[field];
    const value = col === undefined ? '' : (cells[col] ?? '').trim();
    return value || null;
  };
  const rows: SheetRow[] = [];
  const codeRows = new Map<string, number>();
  grid.slice(headerIndex + 1).forEach((cells, i) => {
    const row = headerIndex + i + 2;
    if (cells.every((c) => !c.trim())) return;
    const title = at(cells, 'title');
    if (!title) {
      problems.push({ path: where(row), message: '缺少作品名称，此行未导入' });
      return;
    }
    const code = at(cells, 'code');
    if (code && codeRows.has(code)) {
      problems.push({ path: where(row), message: `编号「${code}」与第 ${codeRows.get(code)} 行重复，此行未导入` });
      return;
    }
    if (code) codeRows.set(code, row);
    const names = [
      ...splitNames(at(cells, 'authors') ?? ''),
      ...columns.numberedAuthors.map((col) => (cells[col] ?? '').trim()).filter(Boolean),
    ];
    if (names.length === 0) problems.push({ path: where(row), message: '缺少作者姓名' });
    const unit = at(cells, 'unit');
    const county = at(cells, 'county');
    // The phone is the contact's: the first author.
    const phone = at(cells, 'phone');
    rows.push({
      row,
      code,
      title,
      categoryLabel: at(cells, 'category'),
      group: at(cells, 'group'),
      authors: names.map((name, k) => ({ name, unit, county, phone: k === 0 ? phone : null })),
      folder:
        at(cells, 'folder')
          ?.replace(/\\/g, '/')
          .replace(/^\.\/|\/+$/g, '') ?? null,
      sourceCode: at(cells, 'sourceCode'),
      recommender: at(cells, 'recommender'),
    });
  });
  return { rows, problems };
}

/** Reads a .xlsx (first sheet with a recognisable header) or a .csv in UTF-8 or GBK. */
export async function readSummarySheet(filePath: string): Promise<SummarySheet> {
  const fileName = path.basename(filePath);
  let workbook: ExcelJS.Workbook;
  try {
    workbook = await loadWorkbook(await fsp.readFile(filePath), fileName);
  } catch (err) {
    const encoding = err instanceof SpreadsheetError && /编码/.test(err.message);
    return {
      rows: [],
      problems: [
        { path: fileName, message: encoding ? '无法识别汇总表的文字编码' : '汇总表无法打开：不是有效的 Excel（.xlsx）或 CSV 文件' },
      ],
    };
  }
  let fallback: SummarySheet | null = null;
  const grids = workbook.worksheets.map((sheet) => gridOf(sheet));
  for (const [i, sheet] of workbook.worksheets.entries()) {
    const parsed = parseSummaryRows(grids[i], workbook.worksheets.length > 1 ? `${fileName}「${sheet.name}」` : fileName);
    if (parsed.rows.length > 0) {
      const results = grids
        .filter((_, j) => j !== i)
        .map(parseResultRows)
        .find((r) => r.size > 0);
      return results ? { ...parsed, results } : parsed;
    }
    fallback ??= parsed;
  }
  return fallback ?? { rows: [], problems: [{ path: fileName, message: '汇总表中没有工作表' }] };
}
