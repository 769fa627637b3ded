import mammoth from 'mammoth';
import { readDocBinary } from './doc.ts';
import { officeProperties, wordXmlText } from './ooxml.ts';
import { type DocumentPart, type DocumentProperties, joinParagraphs, noteMarker, partsOf } from './parts.ts';
import { sanitizeDocumentHtml } from './sanitize.ts';
import { byNumber, readZipTexts } from './zip.ts';

export interface WordText {
  /** Body with tables and text boxes, in reading order. */
  text: string;
  html: string | null;
  parts: DocumentPart[];
  properties: DocumentProperties | null;
}

interface DocElement {
  type: string;
  value?: string;
  children?: DocElement[];
  noteType?: 'footnote' | 'endnote';
  noteId?: string;
  body?: DocElement[];
  authorName?: string | null;
}

interface MammothDocument extends DocElement {
  notes: { resolve(reference: DocElement): DocElement | null };
  comments: DocElement[];
}

/**
 * Same rules as mammoth's own extractRawText (paragraphs end with a blank line, tabs stay tabs),
 * plus line breaks, and a `[n]` where a footnote or endnote is referenced.
 */
function rawText(element: DocElement, onNote: (ref: DocElement) => string): string {
  if (element.type === 'text') return element.value ?? '';
  if (element.type === 'tab') return '\t';
  if (element.type === 'break') return '\n';
  if (element.type === 'noteReference') return onNote(element);
  const inner = (element.children ?? []).map((c) => rawText(c, onNote)).join('');
  return element.type === 'paragraph' ? `${inner}\n\n` : inner;
}

/** Drops embedded images instead of inlining them as data URIs; the sanitizer removes the tag. */
const dropImages = mammoth.images.imgElement(async () => ({ src: '' }));

const EXTRA_PARTS = /^(word\/(header|footer)\d*\.xml|word\/document\.xml|docProps\/(core|app)\.xml)$/;

/**
 * .docx → body text, sanitized HTML and the other parts. mammoth reads the body (deleted
 * revisions left out, text boxes where their anchor is), notes and comments while it converts
 * to HTML; headers, footers, text boxes and document properties come from the XML, where mammoth
 * stops. A text box mammoth did not place (DrawingML without a VML fallback) follows the body.
 */
export async function readDocx(data: Buffer): Promise<WordText> {
  let text = '';
  const notes: DocumentPart[] = [];
  const comments: string[] = [];
  const counters = { footnote: 0, endnote: 0 };
  const result = await mammoth.convertToHtml(
    { buffer: data },
    {
      convertImage: dropImages,
      transformDocument: (doc: MammothDocument) => {
        const onNote = (ref: DocElement) => {
          const kind = ref.noteType === 'endnote' ? 'endnote' : 'footnote';
          const n = ++counters[kind];
          const note = doc.notes.resolve(ref);
          const noteText = note ? joinParagraphs((note.body ?? []).map((b) => rawText(b, () => ''))) : '';
          if (noteText) notes.push({ kind, text: noteText });
          return noteMarker(kind, n);
        };
        text = rawText(doc, onNote);
        for (const c of doc.comments) {
          const body = joinParagraphs((c.body ?? []).map((b) => rawText(b, () => '')));
          if (body) comments.push(c.authorName ? `${c.authorName}：${body}` : body);
        }
        return doc;
      },
    },
  );
  const xml = await readZipTexts(data, (name) => EXTRA_PARTS.test(name));
  const story = (prefix: 'header' | 'footer') =>
    [...xml.keys()]
      .filter((name) => name.startsWith(`word/${prefix}`))
      .sort(byNumber)
      .map((name) => {
        const { paragraphs, textboxes } = wordXmlText(xml.get(name) ?? '');
        return joinParagraphs([...paragraphs, ...textboxes]);
      });
  const document = xml.get('word/document.xml') ?? '';
  const fromXml = document.includes('txbxContent') || !text.trim() ? wordXmlText(document) : null;
  // Text in the XML that mammoth did not read (an unusual writer's markup) is read here rather than lost.
  if (!text.trim() && fromXml) text = joinParagraphs(fromXml.paragraphs);
  const textboxes = fromXml?.textboxes ?? [];
  const squeezed = text.replace(/\s+/g, '');
  const missing = textboxes.filter((t) => !squeezed.includes(t.replace(/\s+/g, '')));
  return {
    text: [text.trim(), ...missing].join('\n\n').trim(),
    html: sanitizeDocumentHtml(result.value),
    parts: [
      ...notes,
      ...partsOf('comment', comments),
      ...partsOf('textbox', textboxes),
      ...partsOf('header', dedupe(story('header'))),
      ...partsOf('footer', dedupe(story('footer'))),
    ],
    properties: officeProperties(xml.get('docProps/core.xml'), xml.get('docProps/app.xml')),
  };
}

/** Word 97–2003 (.doc) and WPS (.wps): text only; the binary format carries no structure worth rendering. */
export async function readDoc(data: Buffer): Promise<WordText> {
  const doc = await readDocBinary(data);
  return { text: doc.body.trim(), html: null, parts: doc.parts, properties: doc.properties };
}

/** First, even and first-page headers often repeat one text. */
const dedupe = (texts: string[]): string[] => [...new Set(texts.filter(Boolean))];
