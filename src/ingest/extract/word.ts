import mammoth from 'mammoth';
import WordExtractor from 'word-extractor';
import { sanitizeDocumentHtml } from './sanitize.ts';

export interface WordText {
  text: string;
  html: string | null;
}

interface DocElement {
  type: string;
  value?: string;
  children?: DocElement[];
}

/** Same rules as mammoth's own extractRawText: paragraphs end with a blank line, tabs stay tabs. */
function rawText(element: DocElement): string {
  if (element.type === 'text') return element.value ?? '';
  if (element.type === 'tab') return '\t';
  const inner = (element.children ?? []).map(rawText).join('');
  return element.type === 'paragraph' ? inner + '\n\n' : inner;
}

/** Drops embedded images instead of inlining them as data URIs; the sanitizer removes the tag. */
const dropImages = mammoth.images.imgElement(async () => ({ src: '' }));

/**
 * .docx → text and sanitized HTML. The raw text is collected while mammoth converts to HTML,
 * so the document is unzipped and parsed once instead of twice.
 */
export async function readDocx(data: Buffer): Promise<WordText> {
  let text = '';
  const result = await mammoth.convertToHtml(
    { buffer: data },
    {
      convertImage: dropImages,
      transformDocument: (doc: DocElement) => {
        text = rawText(doc);
        return doc;
      },
    },
  );
  return { text: text.trim(), html: sanitizeDocumentHtml(result.value) };
}

const wordExtractor = new WordExtractor();

/** Word 97–2003 (.doc): text only; the binary format carries no structure worth rendering. */
export async function readDoc(data: Buffer): Promise<WordText> {
  const doc = await wordExtractor.extract(data);
  return { text: doc.getBody().trim(), html: null };
}
