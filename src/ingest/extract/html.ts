import { Parser } from 'htmlparser2';
import iconv from 'iconv-lite';
import { decodeText } from './plain.ts';
import { cleanProperties, type DocumentPart, type DocumentProperties, noteMarker } from './parts.ts';
import { sanitizeDocumentHtml } from './sanitize.ts';
import type { WordText } from './word.ts';

/**
 * Web pages saved as Word files: what many platforms export as "Word" (.doc holding HTML), and
 * Word's 单个文件网页 (.mht, a MIME message around the page). Read for their text, with the notes,
 * headers and footers Word and LibreOffice mark in their HTML (`mso-element:footnote`,
 * `sdfootnote`, `title="header"` …) as parts.
 */

const HEAD = /^\s*(?:<!--[\s\S]*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta[\s>])/i;

/** Whether the bytes are an HTML page (after a byte-order mark). */
export function isHtml(data: Buffer): boolean {
  const start = data.subarray(0, 2048);
  const text =
    start[0] === 0xff || start[0] === 0xfe ? iconv.decode(start, start[0] === 0xff ? 'utf16le' : 'utf16be') : start.toString('latin1');
  return HEAD.test(text.replace(/^\ufeff/, ''));
}

/** Whether the bytes are a MIME message whose root is an HTML page (.mht / .mhtml). */
export function isMht(data: Buffer): boolean {
  const head = data.subarray(0, 4096).toString('latin1');
  return /^(?:[\w-]+:.*\r?\n)*MIME-Version:/im.test(head) && /multipart\/related|text\/html/i.test(head);
}

const charsetOf = (s: string): string | null => /charset\s*=\s*["']?([\w-]+)/i.exec(s)?.[1]?.toLowerCase() ?? null;

function decodeHtml(data: Buffer, charset: string | null): string {
  const declared = charset ?? charsetOf(data.subarray(0, 4096).toString('latin1'));
  if (declared && !/^utf-?8$/.test(declared)) {
    const name = /^(gb2312|gbk|x-gbk|gb_2312-80)$/.test(declared) ? 'gb18030' : declared;
    if (iconv.encodingExists(name)) return iconv.decode(data, name);
  }
  return decodeText(data) ?? data.toString('utf8');
}

function decodeQuotedPrintable(body: string): Buffer {
  const bytes: number[] = [];
  const text = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

interface MimePart {
  type: string;
  location: string;
  html: string;
}

/** The HTML parts of a MIME message (the page first, then Word's header.htm and the like). */
function mimeHtmlParts(data: Buffer): MimePart[] {
  const raw = data.toString('latin1');
  const boundary = /boundary\s*=\s*"?([^"\r\n;]+)"?/i.exec(raw)?.[1];
  const chunks = boundary ? raw.split(`--${boundary}`).slice(1) : [raw];
  const parts: MimePart[] = [];
  for (const chunk of chunks) {
    const split = /\r?\n\r?\n/.exec(chunk);
    if (!split) continue;
    const headers = chunk.slice(0, split.index);
    const type = /^content-type:\s*([^;\r\n]+)/im.exec(headers)?.[1]?.trim().toLowerCase() ?? '';
    if (type !== 'text/html') continue;
    const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase() ?? '7bit';
    const body = chunk.slice(split.index + split[0].length);
    const bytes =
      encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
        : encoding === 'quoted-printable'
          ? decodeQuotedPrintable(body)
          : Buffer.from(body, 'latin1');
    const location = /^content-location:\s*(\S+)/im.exec(headers)?.[1] ?? '';
    parts.push({ type, location, html: decodeHtml(bytes, charsetOf(headers)) });
  }
  return parts;
}

const BLOCKS = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'tr',
  'table',
  'blockquote',
  'pre',
  'section',
  'article',
  'dd',
  'dt',
]);
const SKIPPED = new Set(['script', 'style', 'head', 'title', 'noscript', 'template', 'xml', 'o:p']);

type Story = 'body' | 'footnote' | 'endnote' | 'header' | 'footer' | 'comment';

/** Which story an element opens, by the marks Word (`mso-element:…`) and LibreOffice (`sdfootnote…`, `title="header"`) use. */
function storyOf(name: string, attrs: Record<string, string>): Story | null {
  if (name !== 'div') return null;
  const style = (attrs.style ?? '').toLowerCase().replace(/\s+/g, '');
  const id = (attrs.id ?? '').toLowerCase();
  const title = (attrs.title ?? '').toLowerCase();
  if (style.includes('mso-element:footnote') || /^sdfootnote\d+$/.test(id)) return 'footnote';
  if (style.includes('mso-element:endnote') || /^sdendnote\d+$/.test(id)) return 'endnote';
  if (style.includes('mso-element:header') || title === 'header') return 'header';
  if (style.includes('mso-element:footer') || title === 'footer') return 'footer';
  if (style.includes('mso-element:comment') && !style.includes('comment-list')) return 'comment';
  return null;
}

/** Footnote and endnote anchors in the text: Word's `#_ftn1` / `#_edn1`, LibreOffice's `sdfootnoteanc` / `sdendnoteanc`. */
function anchorOf(attrs: Record<string, string>): 'footnote' | 'endnote' | null {
  const href = (attrs.href ?? '').toLowerCase();
  const cls = (attrs.class ?? '').toLowerCase();
  if (/^#_ftn\d+$/.test(href) || cls === 'sdfootnoteanc') return 'footnote';
  if (/^#_edn\d+$/.test(href) || cls === 'sdendnoteanc') return 'endnote';
  return null;
}

interface PageText {
  body: string;
  parts: DocumentPart[];
  properties: DocumentProperties;
}

function pageText(html: string): PageText {
  const stories: { story: Story; text: string; depth: number }[] = [{ story: 'body', text: '', depth: 0 }];
  const parts: DocumentPart[] = [];
  const properties: DocumentProperties = {};
  const counters = { footnote: 0, endnote: 0 };
  let depth = 0;
  /** Depth of the skipped element (script, style …) being read through, 0 when none. */
  let skippedAt = 0;
  let anchorAt = 0;
  const top = () => stories[stories.length - 1];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        depth++;
        if (name === 'meta' && (attrs.name === 'author' || attrs.name === 'changedby'))
          properties[attrs.name === 'author' ? 'author' : 'lastModifiedBy'] = attrs.content;
        if (skippedAt) return;
        if (SKIPPED.has(name)) {
          skippedAt = depth;
          return;
        }
        const story = storyOf(name, attrs);
        if (story) {
          stories.push({ story, text: '', depth });
          return;
        }
        const anchor = name === 'a' ? anchorOf(attrs) : null;
        if (anchor && top().story === 'body') {
          top().text += noteMarker(anchor, ++counters[anchor]);
          anchorAt = depth;
        } else if (name === 'br') top().text += '\n';
        else if (name === 'td' || name === 'th') top().text += '\t';
        else if (BLOCKS.has(name)) top().text += '\n';
      },
      ontext(text) {
        // Line breaks in the source are spaces to a browser; only elements break lines.
        if (!skippedAt && !anchorAt) top().text += text.replace(/[ \t\r\n\f]+/g, ' ');
      },
      onclosetag(name) {
        const at = depth--;
        if (skippedAt) {
          if (at === skippedAt) skippedAt = 0;
          return;
        }
        if (anchorAt === at) anchorAt = 0;
        const t = top();
        if (t.story !== 'body' && t.depth === at) {
          stories.pop();
          // A note repeats its own number before its text; the body already marks where it is cited.
          const text = tidy(t.text).replace(/^\s*\[?[\divxlc]+\]?\s*/i, '');
          if (text) parts.push({ kind: t.story, text });
        } else if (BLOCKS.has(name)) t.text += '\n';
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return { body: tidy(stories[0].text), parts, properties };
}

const tidy = (text: string): string =>
  text
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((l) =>
      l
        .replace(/ *\t[ \t]*/g, '\t')
        .replace(/ +/g, ' ')
        .trim(),
    )
    .filter(Boolean)
    .join('\n');

/** Drops the header, footer and note areas from the page shown to reviewers: they are parts of their own. */
const withoutStories = (html: string) =>
  html.replace(/<div[^>]*(?:mso-element:\s*(?:header|footer)|title="(?:header|footer)")[^>]*>[\s\S]*?<\/div>/gi, '');

/** An HTML page (.html, or saved as .doc) or a Word .mht: body text, display HTML, parts, properties. */
export function readHtmlDocument(data: Buffer): WordText {
  const pages = isMht(data) ? mimeHtmlParts(data) : [{ type: 'text/html', location: '', html: decodeHtml(data, null) }];
  if (!pages.length) throw new Error('no HTML part');
  const [page, ...others] = pages;
  const main = pageText(page.html);
  // Word's .mht keeps headers and footers in a header.htm part of their own.
  const extra = others.flatMap((p) => pageText(p.html).parts);
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(page.html)?.[1] ?? page.html;
  return {
    text: main.body,
    html: sanitizeDocumentHtml(withoutStories(body)),
    parts: [...main.parts, ...extra],
    properties: cleanProperties(main.properties),
  };
}
