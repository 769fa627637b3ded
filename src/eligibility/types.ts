/**
 * What every eligibility check (形式审查) returns, and the plain data the checks read.
 * The checks themselves are pure functions in the sibling modules; src/eligibility/run.ts
 * loads the data from the database and stores the results.
 */

import type { DocumentPart, DocumentProperties } from '../ingest/extract/parts.ts';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  /** Stable id, e.g. `authors.count` or `words:案例介绍` (check name, then the material kind it is about). */
  id: string;
  status: CheckStatus;
  /** Chinese explanation naming the file and the number found. */
  message: string;
}

/** One submitted file as the checks see it (a row of `files`, without the stored bytes). */
export interface EntryFile {
  id: number;
  name: string;
  /** Path inside the entry folder. */
  path: string;
  /** Material kind assigned by the importer (信息表, 案例介绍 …, or 视频/其他). */
  kind: string;
  ext: string;
  size: number;
  sha256: string;
  text: string | null;
  html: string | null;
  /** Why the text could not be read, in Chinese. */
  error: string | null;
  /** Everything else a reader sees of it: notes, headers, footers, text boxes, comments, and the OCR text of a scan. */
  parts: Pick<DocumentPart, 'kind' | 'text' | 'confidence'>[];
  /** Author, last modified by and company, as the document's own properties say. */
  properties: DocumentProperties | null;
}

export interface EntryAuthor {
  name: string;
  unit: string | null;
  role: string | null;
}

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** The most serious of several statuses; `pass` for none. */
export const worstStatus = (statuses: Iterable<CheckStatus>): CheckStatus => {
  let worst: CheckStatus = 'pass';
  for (const s of statuses) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
};

/** A finding about one file (or the material as a whole) that is folded into one check result. */
export interface Finding {
  status: CheckStatus;
  message: string;
}

/**
 * One result from several findings: the worst status, and the messages of the findings with
 * that status (a failing check does not bury its reason under passes). `passMessage` is used
 * when there are no findings at all.
 */
export function combine(id: string, findings: Finding[], passMessage: string): CheckResult {
  if (findings.length === 0) return { id, status: 'pass', message: passMessage };
  const status = worstStatus(findings.map((f) => f.status));
  const shown = findings.filter((f) => f.status === status || status === 'pass');
  return { id, status, message: shown.map((f) => f.message).join('；') };
}

/** 3412 → "3,412", the way an official reads counts. */
export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');

export const BYTES_PER_MB = 1024 * 1024;

/** 612345678 → "584.0 MB" */
export const formatMb = (bytes: number): string => `${(bytes / BYTES_PER_MB).toFixed(1)} MB`;

/** Minutes as the notices write them: "12 分 5 秒". */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m === 0 ? `${s} 秒` : s === 0 ? `${m} 分钟` : `${m} 分 ${s} 秒`;
}

/** Check names (the part of an id before `:`) in Chinese, for column headers and the board. */
const CHECK_NAMES: Record<string, string> = {
  category: '参赛类别',
  title: '作品名称',
  'authors.count': '作者人数',
  'authors.unit': '作者单位',
  'authors.role': '作者角色',
  'authors.works': '第一作者报送件数',
  material: '是否提交',
  filetype: '文件格式',
  size: '文件大小',
  'total-size': '作品总大小',
  words: '字数',
  sections: '必备章节',
  fields: '栏目字数',
  keywords: '关键词',
  typeset: '排版格式',
  'video-duration': '视频时长',
  'video-picture': '视频画面',
  'video-encoding': '视频编码',
  history: '往届获奖',
  registration: '登记表核对',
  anonymity: '匿名要求',
};

/** `words:案例介绍` → "案例介绍·字数"; `authors.count` → "作者人数". */
export function checkLabel(id: string): string {
  const [name, kind] = id.split(':', 2);
  const label = CHECK_NAMES[name] ?? name;
  return kind ? `${kind}·${label}` : label;
}

export const STATUS_LABELS: Record<CheckStatus, string> = { pass: '通过', warn: '需核对', fail: '不通过' };
