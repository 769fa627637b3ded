/** Experts (评审专家) of a contest: reading the organizer's list, accounts, and panels per category. */

/** What the organizer records about an expert, on a list or a form, and what the experts page shows. */
export interface ExpertDetails {
  name: string;
  unit: string | null;
  county: string | null;
  phone: string | null;
  email: string | null;
  specialties: string | null;
}

export interface ExpertRow extends ExpertDetails {
  /** Row number as Excel shows it. */
  row: number;
  /** 评审组 or 类别 column: which category's panel the expert joins; empty means every category. */
  panel: string | null;
}

export interface RowProblem {
  row: number;
  message: string;
}

type Field = Exclude<keyof ExpertRow, 'row'>;

const HEADERS: [Field, RegExp][] = [
  ['name', /^(专家)?姓名$/],
  ['unit', /^(工作)?(单位|学校|所在单位)$/],
  ['county', /^(所在)?(区县|县区|地区)$/],
  ['phone', /^(手机|手机号|手机号码|电话|联系电话)$/],
  ['email', /^(邮箱|电子邮箱|e-?mail)$/i],
  ['specialties', /^(专业|学科|专长|研究方向|学科专业)$/],
  ['panel', /^(评审组|评审项目|类别|参评项目|项目)$/],
];

/** Reads a grid (see src/spreadsheet/workbook.ts) whose first non-empty row is the header. */
export function parseExpertRows(grid: string[][], fileName: string): { rows: ExpertRow[]; problems: RowProblem[] } {
  const headerIndex = grid.findIndex((cells) => cells.some((c) => c.trim()));
  if (headerIndex < 0) return { rows: [], problems: [{ row: 0, message: `${fileName}：没有内容` }] };
  const columns: Partial<Record<Field, number>> = {};
  grid[headerIndex].forEach((cell, i) => {
    const field = HEADERS.find(([, re]) => re.test(cell.replace(/[\s*＊:：]/g, '')))?.[0];
    if (field && columns[field] === undefined) columns[field] = i;
  });
  if (columns.name === undefined) return { rows: [], problems: [{ row: headerIndex + 1, message: `${fileName}：找不到“姓名”列` }] };

  const rows: ExpertRow[] = [];
  const problems: RowProblem[] = [];
  for (let i = headerIndex + 1; i < grid.length; i++) {
    const cells = grid[i];
    if (!cells.some((c) => c.trim())) continue;
    const at = (f: Field) => {
      const column = columns[f];
      return column === undefined ? null : cells[column]?.trim() || null;
    };
    const row: ExpertRow = {
      row: i + 1,
      name: at('name') ?? '',
      unit: at('unit'),
      county: at('county'),
      phone: at('phone'),
      email: at('email'),
      specialties: at('specialties'),
      panel: at('panel'),
    };
    const problem = expertRowProblem(row);
    if (problem) problems.push({ row: row.row, message: `第 ${row.row} 行：${problem}` });
    else rows.push(row);
  }
  return { rows, problems };
}

/** What is wrong with one expert's details (from a sheet row or the organizer's form), or null. */
export function expertRowProblem(row: Omit<ExpertRow, 'row'>): string | null {
  if (!row.name) return '缺少姓名';
  if (row.phone && !/^\+?[\d-]{7,20}$/.test(row.phone)) return `手机号“${row.phone}”格式不对`;
  if (row.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(row.email)) return `邮箱“${row.email}”格式不对`;
  return null;
}
