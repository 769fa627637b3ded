import { normalizeName } from './authors.ts';
import type { CheckResult, EntryAuthor, EntryFile, Finding } from './types.ts';
import { combine } from './types.ts';

/**
 * The signed 登记表 / 信息表 against the entry: the work's title, its authors and their units as
 * the form gives them (typed, or read by OCR from the scan the notices ask for) next to what the
 * entry says (folder, 汇总表). Every difference is a warning naming both values; a person decides,
 * the more so as OCR may misread a character.
 */

const LABELS = {
  title: [
    '作品名称',
    '案例名称',
    '作品题目',
    '案例题目',
    '课例名称',
    '成果名称',
    '项目名称',
    '作品标题',
    '案例标题',
    '课题名称',
    '名称',
    '题目',
  ],
  authors: ['作者姓名', '第一作者', '作者', '教师姓名', '参赛教师', '申报人', '主持人', '负责人', '姓名'],
  unit: ['工作单位', '作者单位', '所在单位', '单位名称', '所在学校', '学校名称', '申报单位', '学校', '单位'],
} as const;
type Field = keyof typeof LABELS;

/** Every label, longest first, so 作品名称 is found before 名称. */
const ALL_LABELS = (Object.entries(LABELS) as [Field, readonly string[]][])
  .flatMap(([field, labels]) => labels.map((label) => ({ field, label })))
  .sort((a, b) => b.label.length - a.label.length);

/** Values that point elsewhere instead of giving the value (见附件, 同上 …) say nothing to compare. */
const REFERENCE = /^(?:详?见|参见|同上|略|无)/;

/**
 * A cell that is a label: its field and whatever follows the label in the same cell, after a colon,
 * or glued on for the longer labels only (OCR may join 作者姓名 and its value; 作者信息 is a heading).
 */
function labelOf(cell: string): { field: Field; rest: string } | null {
  const compact = cell.replace(/\s+/g, '');
  for (const { field, label } of ALL_LABELS) {
    if (!compact.startsWith(label)) continue;
    const after = compact.slice(label.length);
    const rest = after.replace(/^[:：]/, '');
    if (rest && rest === after && label.length < 4) continue;
    // "作者单位" must not be read as the 作者 field with value 单位.
    if (rest && ALL_LABELS.some((l) => rest === l.label)) continue;
    return { field, rest };
  }
  return null;
}

/** Field values of a form: `label<tab>value` cells of one line, or `label：value` / `labelvalue` in one cell. */
export function formFields(text: string): Partial<Record<Field, string>> {
  const found: Partial<Record<Field, string>> = {};
  for (const line of text.split('\n')) {
    const cells = line
      .split(/\t|\s{2,}/)
      .map((c) => c.trim())
      .filter(Boolean);
    for (let i = 0; i < cells.length; i++) {
      const label = labelOf(cells[i]);
      if (!label || found[label.field] !== undefined) continue;
      let value = label.rest;
      if (!value && i + 1 < cells.length && !labelOf(cells[i + 1])) value = cells[++i].replace(/\s+/g, '');
      if (value && !REFERENCE.test(value)) found[label.field] = value;
    }
  }
  return found;
}

/** Bigram Dice similarity of two strings (1 for equal ones). */
function dice(a: string, b: string): number {
  if (a === b) return 1;
  const grams = (s: string) => Array.from({ length: Math.max(0, s.length - 1) }, (_, i) => s.slice(i, i + 2));
  const x = grams(a);
  const y = grams(b);
  if (!x.length || !y.length) return 0;
  const pool = new Map<string, number>();
  for (const g of x) pool.set(g, (pool.get(g) ?? 0) + 1);
  let shared = 0;
  for (const g of y) {
    const n = pool.get(g) ?? 0;
    if (n > 0) {
      shared++;
      pool.set(g, n - 1);
    }
  }
  return (2 * shared) / (x.length + y.length);
}

const loose = (s: string) =>
  normalizeName(s)
    .replace(/[\p{P}\p{S}]/gu, '')
    .toLowerCase();
const sameText = (a: string, b: string) => {
  const [x, y] = [loose(a), loose(b)];
  return x === y || (Math.min(x.length, y.length) >= 4 && (x.includes(y) || y.includes(x))) || dice(x, y) >= 0.8;
};

const NAME = /^[\p{Script=Han}·]{2,4}$/u;
const namesIn = (value: string) =>
  value
    .split(/[、,，;；/\s]+/)
    .map((n) => normalizeName(n).replace(/[（(].*$/, ''))
    .filter((n) => NAME.test(n));

/** The forms to read: their typed text, or for a scan the text OCR read from it. */
function formText(f: EntryFile): { text: string; ocr: { confidence: number | null } | null } | null {
  if (f.text) return { text: f.text, ocr: null };
  const ocr = f.parts.find((p) => p.kind === 'ocr');
  return ocr ? { text: ocr.text, ocr: { confidence: ocr.confidence ?? null } } : null;
}

/**
 * Checks each form of the entry against its title and authors. Null when there is no form with
 * text (a scan OCR has not read is the OCR's business, reported at import).
 */
export function checkRegistration(title: string, authors: EntryAuthor[], forms: EntryFile[]): CheckResult | null {
  const readable = forms.flatMap((f) => {
    const t = formText(f);
    return t ? [{ file: f, ...t }] : [];
  });
  if (readable.length === 0) return null;
  const findings: Finding[] = [];
  const checked: string[] = [];
  for (const { file, text, ocr } of readable) {
    const fields = formFields(text);
    const source = ocr ? `（扫描件识别${ocr.confidence !== null ? `，置信度 ${Math.round(ocr.confidence)}%` : ''}，请人工核对）` : '';
    const warn = (message: string) => findings.push({ status: 'warn', message: `${file.name}：${message}${source}` });
    if (fields.title !== undefined) {
      checked.push('作品名称');
      if (!sameText(fields.title, title)) warn(`登记表上的作品名称为“${fields.title}”，作品登记为“${title}”`);
    }
    const entryNames = authors.map((a) => normalizeName(a.name)).filter(Boolean);
    const formNames = fields.authors === undefined ? [] : namesIn(fields.authors);
    if (formNames.length && entryNames.length) {
      checked.push('作者');
      const strangers = formNames.filter((n) => !entryNames.includes(n));
      if (strangers.length) warn(`登记表上的作者为“${formNames.join('、')}”，作品登记的作者为“${authors.map((a) => a.name).join('、')}”`);
    }
    const units = [...new Set(authors.map((a) => a.unit).filter((u): u is string => !!u && !!normalizeName(u)))];
    if (fields.unit !== undefined && units.length) {
      checked.push('单位');
      if (!units.some((u) => sameText(u, fields.unit ?? '')))
        warn(`登记表上的单位为“${fields.unit}”，作品登记的单位为“${units.join('、')}”`);
    }
    // A typed form may lay its fields out in ways not read here; a scan that gives nothing is worth a look.
    if (ocr && fields.title === undefined && !formNames.length && fields.unit === undefined)
      warn('未能从登记表中读出作品名称、作者或单位，请人工核对');
  }
  if (!findings.length && !checked.length) return null;
  const what = [...new Set(checked)].join('、');
  return combine('registration', findings, `${readable.map((r) => r.file.name).join('、')}：${what}与作品信息一致`);
}
