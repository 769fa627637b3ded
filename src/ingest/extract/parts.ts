/**
 * What casejury reads from a document, part by part. The body (with its tables and text boxes, in
 * reading order) is what word counts and the similarity scan use; the other parts are kept beside
 * it so they can be shown and searched (a name in a header is what the anonymity check must see),
 * and never counted twice.
 */

export const PART_KINDS = ['body', 'footnote', 'endnote', 'header', 'footer', 'textbox', 'comment', 'ocr'] as const;
export type PartKind = (typeof PART_KINDS)[number];

/** A part other than the body; a text box's text is also in the body, where it stands in the document. */
export interface DocumentPart {
  kind: Exclude<PartKind, 'body'>;
  text: string;
  /** OCR only: mean word confidence of the recognizer, 0–100. */
  confidence?: number | null;
}

/** Who wrote and last saved a document, as its own properties say (Word, WPS, LibreOffice, RTF, HTML). */
export interface DocumentProperties {
  author?: string;
  lastModifiedBy?: string;
  company?: string;
}

/**
 * Where OCR of a scan or picture stands: queued for the background job, read, failed (the file's
 * error says why), or not possible on this machine (tesseract is not installed; said once per import).
 */
export type OcrStatus = 'pending' | 'done' | 'failed' | 'unavailable';

export const PART_LABELS: Record<PartKind, string> = {
  body: '正文',
  footnote: '脚注',
  endnote: '尾注',
  header: '页眉',
  footer: '页脚',
  textbox: '文本框',
  comment: '批注',
  ocr: '文字识别（OCR）',
};

export const PROPERTY_LABELS: Record<keyof DocumentProperties, string> = {
  author: '文档作者',
  lastModifiedBy: '最后修改者',
  company: '单位（公司）',
};

/** Paragraph texts as one part text: trimmed, empty ones dropped, one per line. */
export const joinParagraphs = (paragraphs: Iterable<string>): string =>
  [...paragraphs]
    .map((p) => p.trim())
    .filter(Boolean)
    .join('\n');

/** Parts of one kind given as separate texts (one per footnote, header …), empty ones dropped. */
export const partsOf = (kind: DocumentPart['kind'], texts: Iterable<string>): DocumentPart[] =>
  [...texts].map((t) => t.trim()).flatMap((text) => (text ? [{ kind, text }] : []));

/** Properties with blank values dropped; null when none is left. */
export function cleanProperties(p: DocumentProperties): DocumentProperties | null {
  const out: DocumentProperties = {};
  for (const key of Object.keys(PROPERTY_LABELS) as (keyof DocumentProperties)[]) {
    const v = p[key]?.replace(/\s+/g, ' ').trim();
    if (v) out[key] = v;
  }
  return Object.keys(out).length ? out : null;
}

/**
 * The marker the n-th note reference leaves in the body, numbered as Word numbers notes by default
 * (footnotes 1, 2 …, endnotes i, ii …) and bracketed as GB/T 7714 prints citations: `[1]`, `[i]`.
 * The similarity scan treats the sentence it closes as cited text (去除引用).
 */
export const noteMarker = (kind: 'footnote' | 'endnote', n: number): string => `[${kind === 'endnote' ? romanLower(n) : n}]`;

const ROMAN: [number, string][] = [
  [1000, 'm'],
  [900, 'cm'],
  [500, 'd'],
  [400, 'cd'],
  [100, 'c'],
  [90, 'xc'],
  [50, 'l'],
  [40, 'xl'],
  [10, 'x'],
  [9, 'ix'],
  [5, 'v'],
  [4, 'iv'],
  [1, 'i'],
];

function romanLower(n: number): string {
  let out = '';
  for (const [value, letters] of ROMAN) for (; n >= value; n -= value) out += letters;
  return out;
}
