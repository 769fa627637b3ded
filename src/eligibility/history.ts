import ExcelJS from 'exceljs';
import { normalizeName } from './authors.ts';
import type { CheckResult, EntryAuthor } from './types.ts';

/** One row of a 往届获奖名单: a work that already won an award. */
export interface PriorAward {
  title: string;
  authors: string[];
  unit: string | null;
  year: string | null;
  /** 奖项, e.g. 一等奖, when the list gives it. */
  award: string | null;
}

const HEADERS: Record<keyof PriorAward, RegExp> = {
  title: /作品名称|案例名称|成果名称|作品题目|课例名称|^名称$|^题目$|^作品$/,
  authors: /作者|姓名|主持人|获奖人|获奖教师|^教师$/,
  unit: /单位|学校/,
  year: /年份|年度|届次|获奖时间|^年$|^时间$/,
  award: /奖项|等次|等级|获奖情况|^奖次$/,
};

/** Names in one cell: 张三、李四 / 张三,李四 / 张三 李四. */
export const splitNames = (cell: string): string[] =>
  cell
    .split(/[，,、；;/\s]+/u)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Reads a 往届获奖名单 (.xlsx) the organizer uploads: the header row (within the first 10 rows
 * of the first sheet) names the columns 作品名称, 作者, 单位, 年份 (and optionally 奖项).
 */
export async function readPriorAwards(data: Buffer, fileName: string): Promise<PriorAward[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new Error(`${fileName}：不是有效的 .xlsx 文件`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error(`${fileName}：没有工作表`);
  const text = (row: ExcelJS.Row, col: number | undefined) => (col ? row.getCell(col).text.trim() : '');
  let headerRow = 0;
  let columns: Partial<Record<keyof PriorAward, number>> = {};
  for (let r = 1; r <= Math.min(10, sheet.rowCount) && !headerRow; r++) {
    const found: Partial<Record<keyof PriorAward, number>> = {};
    sheet.getRow(r).eachCell((cell, col) => {
      const label = cell.text.replace(/\s+/g, '');
      for (const key of Object.keys(HEADERS) as (keyof PriorAward)[]) if (!found[key] && HEADERS[key].test(label)) found[key] = col;
    });
    if (found.title) [headerRow, columns] = [r, found];
  }
  if (!headerRow) throw new Error(`${fileName}：前 10 行中找不到“作品名称”列`);
  if (!columns.authors) throw new Error(`${fileName}：找不到“作者”列`);
  const awards: PriorAward[] = [];
  for (let r = headerRow + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const title = text(row, columns.title);
    if (!title) continue;
    awards.push({
      title,
      authors: splitNames(text(row, columns.authors)),
      unit: text(row, columns.unit) || null,
      year: text(row, columns.year) || null,
      award: text(row, columns.award) || null,
    });
  }
  return awards;
}

/** Titles compared without spaces, punctuation, 《》 and quotes, in one width and case. */
const normalizeTitle = (t: string): string =>
  t
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');

/** Dice coefficient of character bigrams: 1 for equal strings, near 0 for unrelated ones. */
function titleSimilarity(a: string, b: string): number {
  const bigrams = (s: string) => {
    const m = new Map<string, number>();
    for (let i = 0; i + 1 < s.length; i++) m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
    return m;
  };
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const [x, y] = [bigrams(a), bigrams(b)];
  let shared = 0;
  for (const [g, n] of x) shared += Math.min(n, y.get(g) ?? 0);
  return (2 * shared) / (a.length - 1 + (b.length - 1));
}

/** Titles at least this similar, with an author in common, are shown to a person. */
const NEAR_TITLE = 0.8;

const describe = (p: PriorAward) =>
  `${p.year ? `${p.year}年` : ''}“${p.title}”（${[p.authors.join('、'), p.unit, p.award].filter(Boolean).join('，')}）`;

/**
 * 已参加过往届活动并获奖的作品: fails when a prior winner has the same title and shares an
 * author; warns (for a person to judge) on the same title with other authors, or a similar
 * title with a shared author.
 */
export function checkHistory(title: string, authors: EntryAuthor[], prior: PriorAward[]): CheckResult {
  const mine = normalizeTitle(title);
  const names = new Set(authors.map((a) => normalizeName(a.name)).filter(Boolean));
  const same: string[] = [];
  const near: string[] = [];
  for (const p of prior) {
    const theirs = normalizeTitle(p.title);
    if (!mine || !theirs) continue;
    const shared = p.authors.map(normalizeName).filter((n) => names.has(n));
    const similarity = titleSimilarity(mine, theirs);
    if (mine === theirs && shared.length) same.push(describe(p));
    else if (mine === theirs) near.push(`${describe(p)}：名称相同，作者不同`);
    else if (similarity >= NEAR_TITLE && shared.length)
      near.push(`${describe(p)}：名称相似度 ${Math.round(similarity * 100)}%，共同作者 ${shared.join('、')}`);
  }
  if (same.length) return { id: 'history', status: 'fail', message: `与往届获奖作品相同：${same.join('；')}` };
  if (near.length) return { id: 'history', status: 'warn', message: `与往届获奖作品相近，请人工判断：${near.join('；')}` };
  return { id: 'history', status: 'pass', message: `未在往届获奖名单（${prior.length} 件）中找到相同或相近的作品` };
}
