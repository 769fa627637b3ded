import { acceptsFormat, type CategoryRules, type Material, type MaterialKind } from '../rules/schema.ts';
import type { CheckResult, EntryFile, Finding } from './types.ts';
import { BYTES_PER_MB, combine, formatMb } from './types.ts';

const VIDEO_KINDS: MaterialKind[] = ['课堂实录视频', '演示视频', '介绍视频', '数字故事'];

/**
 * Kinds the importer gives a file when no naming pattern of the rule set matched it, and the
 * material kinds such a file can stand for. It is assigned only when exactly one of those
 * materials is asked for, so a lone video is the 数字故事 of a category that wants one video.
 */
const FALLBACK_KINDS: Record<string, MaterialKind[]> = {
  视频: VIDEO_KINDS,
  总结报告: ['实施报告'],
  案例介绍: ['说明文档', '案例概述'],
};

export interface AssignedFiles {
  /** Files per material, in the order of `materials`. */
  byMaterial: EntryFile[][];
  /** Files that stand for no material of the category. */
  unassigned: EntryFile[];
}

/** Which submitted files are which required material. */
export function assignFiles(materials: Material[], files: EntryFile[]): AssignedFiles {
  const byMaterial: EntryFile[][] = materials.map(() => []);
  const unassigned: EntryFile[] = [];
  for (const f of files) {
    let i = materials.findIndex((m) => m.kind === f.kind);
    if (i < 0) {
      const candidates = materials.flatMap((m, j) => (FALLBACK_KINDS[f.kind]?.includes(m.kind) ? [j] : []));
      if (candidates.length === 1) i = candidates[0];
    }
    if (i >= 0) byMaterial[i].push(f);
    else unassigned.push(f);
  }
  return { byMaterial, unassigned };
}

const materialLabel = (m: Material): string => m.name ?? m.kind;

const listNames = (files: EntryFile[]): string =>
  files.length <= 3
    ? files.map((f) => f.name).join('、')
    : `${files
        .slice(0, 3)
        .map((f) => f.name)
        .join('、')} 等 ${files.length} 个`;

/** Whether the material is there, as many times as allowed. */
export function checkPresence(m: Material, files: EntryFile[], unassigned: EntryFile[]): CheckResult {
  const id = `material:${m.kind}`;
  const label = materialLabel(m);
  const n = files.length;
  const least = m.required ? Math.max(1, m.minCount ?? 1) : 0;
  if (n === 0 && least > 0) {
    const hint = unassigned.length ? `；未能归类的文件：${listNames(unassigned)}` : '';
    if (m.missing === 'warn') return { id, status: 'warn', message: `未提交${label}（通知要求提交，请核实）${hint}` };
    return { id, status: 'fail', message: `缺少${label}${hint}` };
  }
  if (n === 0) return { id, status: 'pass', message: `未提交${label}（非必交）` };
  if (m.minCount !== undefined && n < m.minCount)
    return { id, status: 'fail', message: `${label} ${n} 个（${listNames(files)}），至少需要 ${m.minCount} 个` };
  if (m.maxCount !== undefined && n > m.maxCount)
    return { id, status: 'fail', message: `${label} ${n} 个（${listNames(files)}），最多 ${m.maxCount} 个` };
  return { id, status: 'pass', message: `已提交：${listNames(files)}` };
}

/** Empty, or the importer found the content is not what the extension claims (a .docx that is a zip …). */
const isUnusable = (f: EntryFile) => f.size === 0 || (f.error?.startsWith('不是有效的') ?? false);

/**
 * Each file in an allowed format (by extension, or an alias of one: .wps for .doc/.docx) and really
 * of that format. Null when nothing to check.
 */
export function checkFileTypes(m: Material, files: EntryFile[], aliases: Record<string, string[]>): CheckResult | null {
  if (files.length === 0 || (m.formats.length === 0 && !files.some(isUnusable))) return null;
  const allowed = m.formats.map((f) => f.toUpperCase()).join('、');
  const findings: Finding[] = [];
  for (const f of files) {
    if (!acceptsFormat(m, f.ext, aliases))
      findings.push({ status: 'fail', message: `${f.name}：格式为 ${f.ext ? f.ext.toUpperCase() : '无扩展名'}，应为 ${allowed}` });
    else if (isUnusable(f)) findings.push({ status: 'fail', message: `${f.name}：${f.error ?? '空文件（0 字节）'}` });
  }
  return combine(`filetype:${m.kind}`, findings, `${listNames(files)}：格式为 ${allowed}`);
}

/** Per-file and per-kind size limits. Null when the material sets none. */
export function checkSizes(m: Material, files: EntryFile[]): CheckResult | null {
  if (files.length === 0 || (m.maxSizeMb === undefined && m.totalSizeMb === undefined)) return null;
  const findings: Finding[] = [];
  if (m.maxSizeMb !== undefined) {
    for (const f of files) {
      if (f.size > m.maxSizeMb * BYTES_PER_MB)
        findings.push({ status: 'fail', message: `${f.name}：${formatMb(f.size)}，超过 ${m.maxSizeMb} MB 的限制` });
    }
  }
  const total = files.reduce((s, f) => s + f.size, 0);
  if (m.totalSizeMb !== undefined && total > m.totalSizeMb * BYTES_PER_MB)
    findings.push({ status: 'fail', message: `${materialLabel(m)}共 ${formatMb(total)}，超过总量 ${m.totalSizeMb} MB 的限制` });
  const limits = [
    m.maxSizeMb !== undefined ? `单个不超过 ${m.maxSizeMb} MB` : '',
    m.totalSizeMb !== undefined ? `总量不超过 ${m.totalSizeMb} MB` : '',
  ]
    .filter(Boolean)
    .join('，');
  return combine(`size:${m.kind}`, findings, `${listNames(files)}：共 ${formatMb(total)}（${limits}）`);
}

/** Size of the whole entry against the category's limit. Null when it sets none. */
export function checkTotalSize(category: CategoryRules, files: EntryFile[]): CheckResult | null {
  if (!category.totalSize) return null;
  const { maxMb, warnOnly } = category.totalSize;
  const total = files.reduce((s, f) => s + f.size, 0);
  if (total <= maxMb * BYTES_PER_MB)
    return { id: 'total-size', status: 'pass', message: `全部材料共 ${formatMb(total)}（不超过 ${maxMb} MB）` };
  return {
    id: 'total-size',
    status: warnOnly ? 'warn' : 'fail',
    message: `全部材料共 ${formatMb(total)}，超过${warnOnly ? '建议的' : ''} ${maxMb} MB${warnOnly ? '' : ' 的限制'}`,
  };
}
