import type { Cell } from './workbook.ts';

const BOM = '\uFEFF';

/**
 * Text a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) gets a leading apostrophe:
 * titles and names come from entrants (CSV injection).
 */
function guard(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function field(value: Cell): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : guard(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV in UTF-8 with a BOM and CRLF line ends, so Excel opens Chinese text correctly. */
export function csvBuffer(header: readonly string[], rows: readonly Cell[][]): Buffer {
  const lines = [header, ...rows].map((r) => r.map(field).join(','));
  return Buffer.from(`${BOM}${lines.join('\r\n')}\r\n`, 'utf8');
}
