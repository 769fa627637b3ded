import { stripNumbering } from '../ingest/classify.ts';
import type { CategoryRules, Material, Section } from '../rules/schema.ts';
import type { CheckResult, EntryFile, Finding } from './types.ts';
import { combine, formatCount } from './types.ts';

/**
 * 字数 counted the way Word's 字数统计 counts it, which is the figure entrants and officials
 * hold against "不超过3000字": every Chinese character and every full-width punctuation mark
 * counts one (中文字符), every run of other letters or digits counts one (非中文单词: "AI",
 * "2024" and "3.5" are one each); spaces and half-width punctuation count nothing.
 */
const WORD_TOKEN = new RegExp(
  [
    '\\p{Script=Han}',
    '[\\u3000-\\u303f\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65\\u2014\\u2018\\u2019\\u201c\\u201d\\u2026\\u00b7]',
    "(?:(?!\\p{Script=Han})[\\p{L}\\p{N}])+(?:[.'’-](?:(?!\\p{Script=Han})[\\p{L}\\p{N}])+)*",
  ].join('|'),
  'gu',
);

export function countWords(text: string): number {
  let n = 0;
  WORD_TOKEN.lastIndex = 0;
  while (WORD_TOKEN.exec(text)) n++;
  return n;
}

/** A paragraph (or table cell, list item) of a document; `heading` when Word marked it as one (heading style or all bold). */
export interface Block {
  text: string;
  heading: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };
const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e] ?? m),
  );
const stripTags = (html: string) => decodeEntities(html.replace(/<[^>]*>/g, '')).trim();

const BLOCK = /<(h[1-6]|p|li)>([\s\S]*?)<\/\1>/g;
const BOLD = /<(strong|b)>[\s\S]*?<\/\1>/g;

/**
 * The blocks of a document: from the stored (sanitized) HTML of a .docx, where headings are
 * h1–h6 and bold-only paragraphs; otherwise from the plain text, one block per line.
 */
export function documentBlocks(file: Pick<EntryFile, 'text' | 'html'>): Block[] {
  if (file.html) {
    const blocks: Block[] = [];
    for (const [, tag, inner] of file.html.matchAll(BLOCK)) {
      const text = stripTags(inner);
      if (!text) continue;
      const bold = /<(strong|b)>/.test(inner) && stripTags(inner.replace(BOLD, '')) === '';
      blocks.push({ text, heading: tag[0] === 'h' || bold });
    }
    if (blocks.length) return blocks;
  }
  return (file.text ?? '')
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((text) => ({ text, heading: false }));
}

/** Numbering before a heading: 一、 （一） 1. 1.2 第一部分 … */
const withoutNumbering = (s: string): string =>
  stripNumbering(s.normalize('NFKC'))
    .replace(/^(?:第[一二三四五六七八九十\d]+(?:部分|章|节|条)|\d+(?:\.\d+)+)\s*[、.:：]?\s*/u, '')
    .trim();

/** Compared ignoring spaces, punctuation and the joining words 与/和/及/的 (特色与创新 = 特色创新). */
const looseKey = (s: string): string =>
  s
    .normalize('NFKC')
    .replace(/[\s\p{P}\p{S}与和及的]/gu, '')
    .toLowerCase();

/** Template prompts entrants leave in forms, e.g. （不超过300字）, are not their text. */
const withoutPrompts = (s: string): string => s.replace(/[（(][^（）()]*字[^（）()]*[）)]/g, '');

const namesOf = (s: Section): string[] => [s.name, ...s.aliases];

/**
 * Whether a block is the heading (or the label of a form field) of a section: its text, after
 * numbering, is the name; or a heading or short line contains the name (一、案例基本情况);
 * or the block starts with the name followed by a separator (案例概述：本案例……).
 */
function isSectionStart(block: Block, names: string[]): boolean {
  const text = withoutNumbering(block.text);
  const loose = looseKey(text);
  return names.some((name) => {
    const key = looseKey(name);
    if (!key) return false;
    if (loose === key) return true;
    // Containment only for names long enough not to turn up by chance (科目, 学段 must stand alone).
    const short = text.length <= name.length + 12 && !/[。；;]$/.test(text);
    if ((block.heading || short) && key.length >= 4 && loose.includes(key)) return true;
    return text.startsWith(name) && /^[\s:：(（]/u.test(text.slice(name.length));
  });
}

interface FoundSection {
  section: Section;
  /** Index of its heading block. */
  at: number;
}

function findSections(blocks: Block[], sections: Section[]): FoundSection[] {
  return sections.flatMap((section) => {
    const at = blocks.findIndex((b) => isSectionStart(b, namesOf(section)));
    return at >= 0 ? [{ section, at }] : [];
  });
}

/** The text of a section: what follows its label in the heading block, then the blocks up to the next heading or section. */
function sectionText(blocks: Block[], found: FoundSection, all: Section[]): string {
  const head = withoutNumbering(blocks[found.at].text);
  const label = namesOf(found.section).find((n) => head.startsWith(n));
  const parts = [label ? head.slice(label.length).replace(/^[\s:：]+/, '') : ''];
  for (let i = found.at + 1; i < blocks.length; i++) {
    if (blocks[i].heading || all.some((s) => isSectionStart(blocks[i], namesOf(s)))) break;
    parts.push(blocks[i].text);
  }
  return withoutPrompts(parts.join('\n')).trim();
}

/**
 * A file as the text checks read it: its own text, or for a scan (the signed 登记表 the notices ask
 * for) the text OCR read from it, marked `scanned`.
 */
function readable(f: EntryFile): EntryFile & { scanned: boolean } {
  const ocr = f.text || f.html ? undefined : f.parts.find((p) => p.kind === 'ocr');
  return ocr ? { ...f, text: ocr.text, scanned: true } : { ...f, scanned: false };
}

/** What a check read from OCR text is for a person to confirm: never a fail, and it says where it comes from. */
const judged = (f: { scanned: boolean }, finding: Finding): Finding =>
  f.scanned
    ? { status: finding.status === 'fail' ? 'warn' : finding.status, message: `${finding.message}（按扫描件的识别文字，请人工核对）` }
    : finding;

/** Runs a per-file check on what can be read of each file. */
const eachReadable = (files: EntryFile[], check: (f: EntryFile) => Finding): Finding[] =>
  files.map((file) => {
    const f = readable(file);
    return judged(f, check(f));
  });

const unreadable = (f: EntryFile, what: string): Finding => ({
  status: 'warn',
  message: `${f.name}：无法读取文字（${f.error ?? '未提取到文字'}），请人工核对${what}`,
});

function describeLimit(w: { min?: number; max?: number; about?: number }): string {
  if (w.about !== undefined) return `${formatCount(w.about)} 字左右`;
  if (w.min !== undefined && w.max !== undefined) return `${formatCount(w.min)}–${formatCount(w.max)} 字`;
  if (w.max !== undefined) return `不超过 ${formatCount(w.max)} 字`;
  if (w.min !== undefined) return `不少于 ${formatCount(w.min)} 字`;
  throw new Error('A length limit needs about, min or max');
}

/** The document's 字数 against the material's limit. */
export function checkWords(m: Material, files: EntryFile[]): CheckResult | null {
  const w = m.words;
  if (!w || files.length === 0) return null;
  const miss: 'warn' | 'fail' = w.warnOnly ? 'warn' : 'fail';
  const findings = eachReadable(files, (f): Finding => {
    if (!f.text) return unreadable(f, '字数');
    const n = countWords(f.text);
    const found = `${f.name}：正文约 ${formatCount(n)} 字`;
    if (w.about !== undefined) {
      const [low, high] = [w.about * (1 - w.tolerance), w.about * (1 + w.tolerance)];
      if (n < low || n > high)
        return { status: miss, message: `${found}，与“${describeLimit(w)}”相差超过 ${Math.round(w.tolerance * 100)}%` };
    }
    if (w.max !== undefined && n > w.max) return { status: miss, message: `${found}，超过 ${formatCount(w.max)} 字的要求` };
    if (w.min !== undefined && n < w.min) return { status: miss, message: `${found}，少于 ${formatCount(w.min)} 字的要求` };
    return { status: 'pass', message: `${found}（要求${describeLimit(w)}）` };
  });
  return combine(`words:${m.kind}`, findings, '');
}

/** Every required section present as a heading (or form field). Null when the material requires none. */
export function checkSections(m: Material, files: EntryFile[]): CheckResult | null {
  const required = m.sections.filter((s) => s.required);
  if (required.length === 0 || files.length === 0) return null;
  const names = required.map((s) => s.name).join('、');
  const findings = eachReadable(files, (f): Finding => {
    if (!f.text && !f.html) return unreadable(f, `是否包含${names}`);
    const found = new Set(findSections(documentBlocks(f), required).map((x) => x.section));
    const missing = required.filter((s) => !found.has(s));
    return missing.length
      ? { status: 'fail', message: `${f.name}：缺少${missing.map((s) => `“${s.name}”`).join('')}部分（应包含${names}）` }
      : { status: 'pass', message: `${f.name}：包含${names}` };
  });
  return combine(`sections:${m.kind}`, findings, '');
}

/** Length limits of single sections or form fields (案例概述不超过300字). Null when the material sets none. */
export function checkSectionLengths(m: Material, files: EntryFile[]): CheckResult | null {
  const limited = m.sections.filter((s) => s.minChars !== undefined || s.maxChars !== undefined);
  if (limited.length === 0 || files.length === 0) return null;
  const findings: Finding[] = [];
  for (const file of files) {
    const f = readable(file);
    if (!f.text && !f.html) {
      findings.push(unreadable(f, `${limited.map((s) => `“${s.name}”`).join('')}的字数`));
      continue;
    }
    const blocks = documentBlocks(f);
    for (const found of findSections(blocks, limited)) {
      const { name, minChars, maxChars } = found.section;
      const n = countWords(sectionText(blocks, found, m.sections));
      const what = `${f.name}：“${name}”约 ${formatCount(n)} 字`;
      if (maxChars !== undefined && n > maxChars)
        findings.push(judged(f, { status: 'fail', message: `${what}，超过 ${formatCount(maxChars)} 字` }));
      else if (minChars !== undefined && n < minChars)
        findings.push(judged(f, { status: 'fail', message: `${what}，少于 ${formatCount(minChars)} 字` }));
      else findings.push(judged(f, { status: 'pass', message: `${what}（${describeLimit({ min: minChars, max: maxChars })}）` }));
    }
  }
  return combine(`fields:${m.kind}`, findings, `未找到${limited.map((s) => `“${s.name}”`).join('')}，字数无从核对`);
}

/** How many keywords the form's keyword field lists (案例关键词不超过4个). Null when the material sets no limit. */
export function checkKeywords(m: Material, files: EntryFile[]): CheckResult | null {
  if (!m.keywords || files.length === 0) return null;
  const { field, max } = m.keywords;
  const findings = eachReadable(files, (f): Finding => {
    if (!f.text && !f.html) return unreadable(f, field);
    const blocks = documentBlocks(f);
    const at = blocks.findIndex((b) => isSectionStart(b, [field]));
    if (at < 0) return { status: 'warn', message: `${f.name}：未找到“${field}”栏目` };
    const section: Section = { name: field, aliases: [], required: true };
    const value = sectionText(blocks, { section, at }, [...m.sections, section]);
    const keywords = value.split(/[，,、；;\s]+/u).filter(Boolean);
    if (keywords.length === 0) return { status: 'warn', message: `${f.name}：“${field}”未填写` };
    const listed = `${field} ${keywords.length} 个（${keywords.join('、')}）`;
    return keywords.length > max
      ? { status: 'fail', message: `${f.name}：${listed}，超过 ${max} 个` }
      : { status: 'pass', message: `${f.name}：${listed}，不超过 ${max} 个` };
  });
  return combine(`keywords:${m.kind}`, findings, '');
}

/** The work's name (作品名称) against the category's title rules, e.g. no 《》. Null when there are none. */
export function checkTitle(title: string, category: CategoryRules): CheckResult | null {
  const rules = category.title;
  if (!rules || (rules.forbiddenChars.length === 0 && rules.maxChars === undefined)) return null;
  const findings: Finding[] = [];
  const forbidden = rules.forbiddenChars.filter((c) => title.includes(c));
  if (forbidden.length)
    findings.push({ status: 'fail', message: `作品名称“${title}”含有${forbidden.map((c) => `“${c}”`).join('')}，名称中不应使用` });
  const length = [...title.replace(/\s/g, '')].length;
  if (rules.maxChars !== undefined && length > rules.maxChars)
    findings.push({ status: 'fail', message: `作品名称 ${length} 个字，超过 ${rules.maxChars} 个字的限制` });
  return combine('title', findings, `作品名称“${title}”符合要求`);
}
