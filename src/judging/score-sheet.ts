import ExcelJS from 'exceljs';
import type { ScoringCriterion } from './rubric.ts';
import { cellText, loadWorkbook } from '../spreadsheet/workbook.ts';
import { uniqueSheetName } from '../exports/workbook.ts';

/** The offline score sheet (评分表): one worksheet per category, one row per assigned entry and expert. */

export interface SheetRow {
  code: string;
  title: string;
  expert: string;
  /** Criterion key → points already given (exported drafts), if any. */
  scores?: Record<string, number | null>;
  comment?: string;
}

export interface SheetSection {
  /** Worksheet name: the category's name. */
  name: string;
  criteria: ScoringCriterion[];
  rows: SheetRow[];
}

export const FIXED_HEADERS = ['编号', '作品名称', '专家'] as const;
export const COMMENT_HEADER = '评语';

export const criterionHeader = (c: ScoringCriterion) => `${c.name}（${c.max}分）`;

export async function buildScoreSheet(sections: SheetSection[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'casejury';
  const used = new Set<string>();
  for (const section of sections) {
    const ws = wb.addWorksheet(uniqueSheetName(section.name, used), { views: [{ state: 'frozen', ySplit: 1, xSplit: 3 }] });
    const headers = [...FIXED_HEADERS, ...section.criteria.map(criterionHeader), COMMENT_HEADER];
    ws.addRow(headers).font = { bold: true };
    for (const r of section.rows) {
      ws.addRow([r.code, r.title, r.expert, ...section.criteria.map((c) => r.scores?.[c.key] ?? null), r.comment ?? '']);
    }
    ws.columns.forEach((col, i) => {
      col.width = i === 1 ? 40 : i === headers.length - 1 ? 50 : 14;
    });
    section.criteria.forEach((c, i) => {
      const column = ws.getColumn(FIXED_HEADERS.length + 1 + i);
      column.eachCell((cell, rowNumber) => {
        if (rowNumber === 1) return;
        cell.dataValidation = {
          type: 'decimal',
          operator: 'between',
          allowBlank: true,
          formulae: [0, c.max],
          showErrorMessage: true,
          errorTitle: '分数超出范围',
          error: `“${c.name}”须在 0 到 ${c.max} 之间`,
        };
      });
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface ParsedSheetRow {
  sheet: string;
  /** Row number as Excel shows it. */
  row: number;
  code: string;
  title: string;
  expert: string;
  /** Header (criterion header as written) → raw cell text. */
  cells: Record<string, string>;
  comment: string;
}

export interface ParsedSheet {
  sheet: string;
  headers: string[];
  rows: ParsedSheetRow[];
}

/** Reads every worksheet; rows without any score or comment are left out (not yet filled in). */
export async function parseScoreSheet(buffer: Buffer, fileName = '评分表.xlsx'): Promise<ParsedSheet[]> {
  const wb = await loadWorkbook(buffer, fileName);
  const sheets: ParsedSheet[] = [];
  wb.eachSheet((ws) => {
    const headers = ((ws.getRow(1).values as ExcelJS.CellValue[]) ?? []).slice(1).map(cellText);
    const rows: ParsedSheetRow[] = [];
    ws.eachRow((row, rowNumber) => {
      if (rowNumber === 1) return;
      const values = headers.map((_, i) => cellText(row.getCell(i + 1).value));
      const byHeader = Object.fromEntries(headers.map((h, i) => [h, values[i]]));
      const cells: Record<string, string> = {};
      for (const h of headers)
        if (!FIXED_HEADERS.includes(h as (typeof FIXED_HEADERS)[number]) && h !== COMMENT_HEADER) cells[h] = byHeader[h];
      const comment = byHeader[COMMENT_HEADER] ?? '';
      if (!Object.values(cells).some((v) => v !== '') && !comment) return;
      rows.push({
        sheet: ws.name,
        row: rowNumber,
        code: byHeader.编号 ?? '',
        title: byHeader.作品名称 ?? '',
        expert: byHeader.专家 ?? '',
        cells,
        comment,
      });
    });
    sheets.push({ sheet: ws.name, headers, rows });
  });
  return sheets;
}

/**
 * Maps a parsed row's cells onto criterion keys. A header may be the exported one (名称（N分）) or the bare name.
 * Returns the criteria whose column is missing from the sheet.
 */
export function rowScores(criteria: ScoringCriterion[], row: ParsedSheetRow): { raw: Record<string, string>; missingColumns: string[] } {
  const raw: Record<string, string> = {};
  const missingColumns: string[] = [];
  for (const c of criteria) {
    const header = [criterionHeader(c), c.name].find((h) => h in row.cells);
    if (header === undefined) missingColumns.push(c.name);
    else raw[c.key] = row.cells[header];
  }
  return { raw, missingColumns };
}
