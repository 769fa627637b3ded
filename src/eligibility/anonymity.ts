import { PART_LABELS, PROPERTY_LABELS, type DocumentProperties } from '../ingest/extract/parts.ts';
import { normalizeName } from './authors.ts';
import type { CheckResult, EntryAuthor, EntryFile, Finding } from './types.ts';
import { combine } from './types.ts';

/** Place names before a school's own name: 北京市东城区实验小学 → 实验小学. */
const ADMIN_PREFIX = /^(?:[^省市区县旗]{1,8}?(?:省|自治区|市|区|县|旗))+/u;

/** What to look for: each author's name, each unit in full and without its place names. */
function identityTerms(authors: EntryAuthor[]): { term: string; what: string }[] {
  const terms = new Map<string, string>();
  for (const a of authors) {
    const name = normalizeName(a.name);
    if (name.length >= 2) terms.set(name, '作者姓名');
    const unit = normalizeName(a.unit);
    if (unit.length >= 4) {
      terms.set(unit, '单位名称');
      const core = unit.replace(ADMIN_PREFIX, '');
      if (core.length >= 4 && core !== unit) terms.set(core, '单位名称');
    }
  }
  return [...terms].map(([term, what]) => ({ term, what }));
}

const occurrences = (text: string, term: string) => text.split(term).length - 1;

/** Where in a file a text stands: its body, one of its other parts, or one of its properties. */
function placesOf(f: EntryFile): { where: string; text: string; property?: boolean }[] {
  const places: { where: string; text: string; property?: boolean }[] = [];
  if (f.text) places.push({ where: '', text: f.text });
  for (const p of f.parts) places.push({ where: `${PART_LABELS[p.kind]}中`, text: p.text });
  for (const [key, value] of Object.entries(f.properties ?? {}) as [keyof DocumentProperties, string][])
    places.push({ where: `文档属性“${PROPERTY_LABELS[key]}”`, text: value, property: true });
  return places;
}

/**
 * Author or school names inside documents meant for blind review (warnings: a person decides
 * whether a mention gives the authors away): in the body, and in what travels with it — headers,
 * footers, notes, text boxes, comments, OCR text — and the document's own properties (author,
 * last modified by, company). `documents` are the work's own documents, not the forms and
 * evidence that name the authors by nature. Null when there is nothing to compare.
 */
export function checkAnonymity(authors: EntryAuthor[], documents: EntryFile[]): CheckResult | null {
  const terms = identityTerms(authors);
  const readable = documents.filter((f) => placesOf(f).length);
  if (terms.length === 0 || readable.length === 0) return null;
  const findings: Finding[] = [];
  for (const f of readable) {
    const said: string[] = [];
    for (const place of placesOf(f)) {
      const text = normalizeName(place.text);
      const hits = terms.map((t) => ({ ...t, n: occurrences(text, t.term) })).filter((t) => t.n > 0);
      // A unit's short name inside its full name is one mention, not two.
      const shown = hits.filter((h) => !hits.some((o) => o !== h && o.term.includes(h.term) && o.n >= h.n));
      if (!shown.length) continue;
      said.push(
        place.property
          ? `${place.where}为“${place.text}”（${shown.map((h) => h.what).join('、')}）`
          : `${place.where}出现${shown.map((h) => `${h.what}“${h.term}”（${h.n} 处）`).join('、')}`,
      );
    }
    if (said.length) findings.push({ status: 'warn', message: `${f.name}：${said.join('；')}，盲评材料中应隐去` });
  }
  return combine('anonymity', findings, `${readable.length} 份盲评文档中未发现作者姓名或单位名称`);
}
