import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { decodeText } from '../ingest/extract/plain.ts';

/** Reading the spreadsheets organizers hand us (.xlsx, or .csv in UTF-8 or GBK) as plain text grids. */

export class SpreadsheetError extends Error {}

/** A cell as the person sees it: formulas by their result, rich text joined, dates as YYYY-MM-DD. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== 'object') return String(value).trim();
  if ('richText' in value)
    return value.richText
      .map((r) => r.text)
      .join('')
      .trim();
  if ('text' in value) return String(value.text).trim();
  if ('result' in value) return value.result === undefined ? '' : cellText(value.result as ExcelJS.CellValue);
  return '';
}

/** Rows of cell texts; row i of the grid is Excel's row i + 1, empty rows kept as []. */
export function gridOf(sheet: ExcelJS.Worksheet): string[][] {
  const grid: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    grid[rowNumber - 1] = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
  });
  return Array.from(grid, (cells) => cells ?? []);
}

/** Opens a workbook from bytes; a .csv becomes a one-sheet workbook named after the file. */
export async function loadWorkbook(bytes: Buffer, fileName: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    if (/\.csv$/i.test(fileName)) {
      const text = decodeText(bytes);
      if (text === null) throw new SpreadsheetError(`${fileName}：无法识别文字编码`);
      // Identity map: keep codes such as 0012 and phone numbers as written.
      await workbook.csv.read(Readable.from([text]), { map: (v: unknown) => v, sheetName: fileName });
    } else {
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    }
  } catch (err) {
    if (err instanceof SpreadsheetError) throw err;
    throw new SpreadsheetError(`${fileName}：无法打开，不是有效的 Excel（.xlsx）或 CSV 文件`);
  }
  return workbook;
}
