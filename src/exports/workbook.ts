import ExcelJS from 'exceljs';

/** Shared layout of casejury's Excel exports: a bold, shaded, frozen header row, bordered cells, A4 printing. */

export type Cell = string | number | null;

export interface Column {
  header: string;
  /** Width in characters; a CJK character counts about 2. */
  width: number;
  /** Excel number format, e.g. '0.00'. */
  numFmt?: string;
  /** Long text wraps instead of running into the next cell. */
  wrap?: boolean;
}

export interface TableSheet {
  name: string;
  columns: Column[];
  /** Rows, possibly still being made (a sheet waits for them in its turn). */
  rows: Iterable<Cell[]> | AsyncIterable<Cell[]>;
  /** Rows (by index) filled in red, e.g. entries over a threshold. */
  flagged?: (row: number) => boolean;
  /** Lines printed below the table after one blank row (notes, derivations). */
  notes?: string[];
}

/** Excel allows 31 characters and no []:*?/\ in a sheet name; names must be unique in a workbook. */
export function uniqueSheetName(name: string, used: Set<string>): string {
  const base =
    name
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .slice(0, 28) || '工作表';
  let candidate = base;
  for (let i = 2; used.has(candidate); i++) candidate = `${base}${i}`;
  used.add(candidate);
  return candidate;
}

const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FLAGGED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };

/** A workbook built in memory, or one streamed to its file row by row (whose rows are committed as they are added). */
type AnyWorkbook = Pick<ExcelJS.Workbook, 'addWorksheet'>;

async function addTable(wb: AnyWorkbook, sheet: TableSheet, used: Set<string>): Promise<void> {
  const ws = wb.addWorksheet(uniqueSheetName(sheet.name, used), {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: {
      paperSize: 9 as ExcelJS.PaperSize, // A4
      orientation: sheet.columns.length > 6 ? 'landscape' : 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      printTitlesRow: '1:1',
    },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  ws.columns = sheet.columns.map((c) => ({ width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  const header = ws.addRow(sheet.columns.map((c) => c.header));
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    cell.border = BORDER;
  });
  header.commit();
  // one style object per column (and per flagged column) shared by its cells: the writer looks a style up by its object,
  // where a style of each cell's own is serialized again for every cell
  const plain: Partial<ExcelJS.Style>[] = sheet.columns.map((c) => ({
    numFmt: c.numFmt ?? 'General',
    border: BORDER,
    alignment: { vertical: 'middle', wrapText: c.wrap ?? false },
  }));
  const flagged = plain.map((style) => ({ ...style, fill: FLAGGED_FILL }));
  let index = 0;
  for await (const values of sheet.rows) {
    const row = ws.addRow(values);
    const styles = sheet.flagged?.(index++) ? flagged : plain;
    for (let i = 0; i < styles.length; i++) row.getCell(i + 1).style = styles[i];
    row.commit();
  }
  if (sheet.notes?.length) {
    ws.addRow([]).commit();
    for (const line of sheet.notes) ws.addRow([line]).commit();
  }
  ws.commit?.();
}

/**
 * The same workbook streamed to a file: rows are written as they are produced and never held
 * together, so a report of any size fits in memory.
 */
export async function writeTablesWorkbook(file: string, sheets: TableSheet[], title: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  wb.creator = 'casejury';
  wb.title = title;
  const used = new Set<string>();
  for (const sheet of sheets) await addTable(wb, sheet, used);
  await wb.commit();
}

/** A workbook of bordered tables, one per sheet, in order. */
export async function tablesWorkbook(sheets: TableSheet[], title: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'casejury';
  wb.title = title;
  const used = new Set<string>();
  for (const sheet of sheets) await addTable(wb, sheet, used);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
