import ExcelJS from 'exceljs';
import type { AwardEntry, ContestAwards } from '../awards/contest.ts';
import { compareText } from '../util/collate.ts';
import { TERMS } from '../util/terms.ts';

/**
 * 获奖名单 as an official attachment (附件) lists it, to paste into a notice: a title, then per category and band one
 * table of 序号 / 作品名称 / 作者 / 单位 (and 区县 / 学段 where the contest has them). No 编号, no scores, no
 * derivations: those are in the organizer's 评奖工作簿. Entries of a band are listed by 区县, 单位 and title
 * (排名不分先后), not by score. Entries held by an undecided 边界并列 are not listed until decided.
 */

export interface OfficialTable {
  band: string;
  /** Cells in the order of the section's headers. */
  rows: string[][];
}

export interface OfficialSection {
  category: string;
  headers: string[];
  /** Relative widths of the columns (characters). */
  widths: number[];
  tables: OfficialTable[];
}

export interface OfficialList {
  title: string;
  sections: OfficialSection[];
  /** Entries left out because a boundary tie is still open. */
  pending: number;
}

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1 → 一, 12 → 十二, 21 → 二十一: the numbering of a notice's headings. */
export function chineseNumeral(n: number): string {
  if (n <= 10) return NUMERALS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : NUMERALS[tens]}十${ones ? NUMERALS[ones] : ''}`;
}

const filled = (values: string[]) => values.some((v) => v.trim() !== '');

export function officialAwardList(awards: ContestAwards): OfficialList {
  const countyQuota = awards.quotas.some((q) => q.per === 'county');
  const sections: OfficialSection[] = [];
  let pending = 0;
  for (const category of awards.categories) {
    const groups = awards.groups.filter((g) => g.categoryKey === category.key);
    const entries = groups.flatMap((g) => g.entries);
    pending += entries.filter((e) => e.band === null && e.pending).length;
    const bands = [...new Set(groups.flatMap((g) => g.bands.map((b) => b.name)))];
    const awarded = entries.filter((e) => e.band !== null);
    if (awarded.length === 0) continue;
    const withCounty = countyQuota || filled(awarded.map((e) => e.county));
    const withGroup = filled(awarded.map((e) => e.group ?? ''));
    const headers = ['序号', '作品名称', '作者', '单位', ...(withCounty ? ['区县'] : []), ...(withGroup ? [category.groupLabel] : [])];
    const widths = [8, 40, 20, 30, ...(withCounty ? [16] : []), ...(withGroup ? [10] : [])];
    const row = (e: AwardEntry, i: number): string[] => [
      String(i + 1),
      e.title,
      e.authors.map((a) => a.name).join('、'),
      e.unit,
      ...(withCounty ? [e.county] : []),
      ...(withGroup ? [e.group ?? ''] : []),
    ];
    const byPlace = (a: AwardEntry, b: AwardEntry) =>
      compareText(a.county, b.county) || compareText(a.unit, b.unit) || compareText(a.title, b.title);
    // Bands of the rule set in order, then any band an organizer's decision added.
    const names = [...bands, ...new Set(awarded.map((e) => e.band as string).filter((b) => !bands.includes(b)))];
    const tables = names
      .map((band) => ({
        band,
        rows: awarded
          .filter((e) => e.band === band)
          .sort(byPlace)
          .map(row),
      }))
      .filter((t) => t.rows.length > 0);
    sections.push({ category: category.name, headers, widths, tables });
  }
  return { title: `${awards.contest.name}${TERMS.awardList}`, sections, pending };
}

/** "一、区域研修应用案例" */
export const sectionHeading = (s: OfficialSection, i: number) => `${chineseNumeral(i + 1)}、${s.category}`;
/** "（一）一等奖（3件）" */
export const tableHeading = (t: OfficialTable, i: number) => `（${chineseNumeral(i + 1)}）${t.band}（${t.rows.length}件）`;
export const UNORDERED_NOTE = '（排名不分先后）';

/** Fonts and sizes of an official attachment (after GB/T 9704): 宋体 二号 title, 黑体 and 楷体 三号 headings, 仿宋 小四 tables. */
export const OFFICIAL_FONTS = {
  title: { name: '宋体', pt: 22 },
  heading: { name: '黑体', pt: 16 },
  subheading: { name: '楷体', pt: 16 },
  tableHeader: { name: '黑体', pt: 12 },
  table: { name: '仿宋', pt: 12 },
} as const;

/** Width of text in spreadsheet column units at 12 pt: about 2.2 for a Chinese character, 1.1 for a Latin one. */
const displayWidth = (text: string): number => [...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e7f ? 2.2 : 1.1), 0);

const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** The list as one worksheet: title row, then a heading, a header row and rows per category and band. */
export async function officialListWorkbook(list: OfficialList): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'casejury';
  wb.title = list.title;
  const ws = wb.addWorksheet(TERMS.awardList, {
    pageSetup: {
      paperSize: 9 as ExcelJS.PaperSize,
      orientation: 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.6, right: 0.6, top: 0.8, bottom: 0.8, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  const span = Math.max(4, ...list.sections.map((s) => s.headers.length));
  const widths = Array.from({ length: span }, (_, i) => Math.max(...list.sections.map((s) => s.widths[i] ?? 0), [8, 40, 20, 30][i] ?? 10));
  ws.columns = widths.map((width) => ({ width }));
  const line = (text: string, font: { name: string; pt: number }, opts: { bold?: boolean; center?: boolean; height?: number } = {}) => {
    const row = ws.addRow([text]);
    ws.mergeCells(row.number, 1, row.number, span);
    row.getCell(1).font = { name: font.name, size: font.pt, bold: opts.bold };
    row.getCell(1).alignment = { vertical: 'middle', horizontal: opts.center ? 'center' : 'left' };
    if (opts.height) row.height = opts.height;
  };
  line(list.title, { name: OFFICIAL_FONTS.title.name, pt: 18 }, { bold: true, center: true, height: 36 });
  list.sections.forEach((section, si) => {
    ws.addRow([]);
    line(sectionHeading(section, si), OFFICIAL_FONTS.heading, { height: 24 });
    section.tables.forEach((table, ti) => {
      line(`${tableHeading(table, ti)}${UNORDERED_NOTE}`, OFFICIAL_FONTS.subheading, { height: 22 });
      const header = ws.addRow(section.headers);
      header.eachCell((cell) => {
        cell.font = { name: OFFICIAL_FONTS.tableHeader.name, size: OFFICIAL_FONTS.tableHeader.pt };
        cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
        cell.border = BORDER;
      });
      for (const values of table.rows) {
        const row = ws.addRow(values);
        // Excel grows a wrapped row by itself, other spreadsheets do not: the height is set from the longest cell.
        row.height = 18 * Math.max(1, ...values.map((v, i) => Math.ceil(displayWidth(v) / Math.max(1, widths[i] - 2))));
        values.forEach((_, i) => {
          const cell = row.getCell(i + 1);
          cell.font = { name: OFFICIAL_FONTS.table.name, size: OFFICIAL_FONTS.table.pt };
          cell.alignment = { vertical: 'middle', horizontal: i === 0 ? 'center' : 'left', wrapText: true };
          cell.border = BORDER;
        });
      }
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
