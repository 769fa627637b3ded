import { cleanProperties, type DocumentPart, joinParagraphs, noteMarker, partsOf } from './parts.ts';
import type { WordText } from './word.ts';
import { elementTexts, walkXml } from './xml.ts';
import { readZipTexts } from './zip.ts';

type Story = 'body' | 'footnote' | 'endnote' | 'comment' | 'textbox' | 'header' | 'footer';

interface Frame {
  story: Story;
  paragraphs: string[];
  current: string;
  /** Open text:p / text:h elements of this frame. */
  depth: number;
  author?: string;
}

/** Never read: revisions (deleted text lives here), alternative texts of frames, form controls. */
const SKIPPED = new Set(['text:tracked-changes', 'text:note-citation', 'svg:title', 'svg:desc', 'office:forms', 'dc:date']);
const STORIES: Record<string, Story> = {
  'draw:text-box': 'textbox',
  'office:annotation': 'comment',
  'style:header': 'header',
  'style:header-left': 'header',
  'style:header-first': 'header',
  'style:footer': 'footer',
  'style:footer-left': 'footer',
  'style:footer-first': 'footer',
};

interface OdfStories {
  body: string[];
  parts: DocumentPart[];
}

/**
 * Paragraphs of an ODF part (content.xml or styles.xml) by story. A text box's text is read into
 * the body before the paragraph it is anchored in, and listed as a text box too; a note leaves a
 * `[n]` marker where it is referenced; tracked deletions are skipped.
 */
function odfStories(xml: string): OdfStories {
  const body: Frame = { story: 'body', paragraphs: [], current: '', depth: 0 };
  const frames: Frame[] = [body];
  const parts: DocumentPart[] = [];
  const counters = { footnote: 0, endnote: 0 };
  let skipped = 0;
  let creator: Frame | null = null;
  const top = () => frames[frames.length - 1];
  walkXml(xml, {
    open(name, attrs) {
      if (skipped || SKIPPED.has(name)) {
        skipped++;
        return;
      }
      const f = top();
      const story = STORIES[name];
      if (story) frames.push({ story, paragraphs: [], current: '', depth: 0 });
      else if (name === 'text:note') {
        const kind = attrs['text:note-class'] === 'endnote' ? 'endnote' : 'footnote';
        f.current += noteMarker(kind, ++counters[kind]);
        frames.push({ story: kind, paragraphs: [], current: '', depth: 0 });
      } else if (name === 'dc:creator' && f.story === 'comment') creator = f;
      else if (name === 'text:p' || name === 'text:h') f.depth++;
      else if (name === 'text:s') f.current += ' '.repeat(Number(attrs['text:c'] ?? 1) || 1);
      else if (name === 'text:tab') f.current += '\t';
      else if (name === 'text:line-break') f.current += '\n';
    },
    close(name) {
      if (skipped) {
        skipped--;
        return;
      }
      const f = top();
      if (name === 'dc:creator') creator = null;
      else if (name === 'text:p' || name === 'text:h') {
        f.paragraphs.push(f.current);
        f.current = '';
        f.depth--;
      } else if (STORIES[name] || name === 'text:note') {
        frames.pop();
        const text = joinParagraphs(f.paragraphs);
        if (!text) return;
        if (f.story === 'textbox') top().paragraphs.push(text);
        parts.push({ kind: f.story as DocumentPart['kind'], text: f.author ? `${f.author}：${text}` : text });
      }
    },
    text(t) {
      if (skipped) return;
      if (creator) creator.author = (creator.author ?? '') + t.trim();
      else if (top().depth > 0) top().current += t;
    },
  });
  return { body: body.paragraphs, parts };
}

/** OpenDocument text (.odt, LibreOffice and WPS): body, notes, comments, text boxes, headers, footers and properties. */
export async function readOdt(data: Buffer): Promise<WordText> {
  const xml = await readZipTexts(data, (name) => name === 'content.xml' || name === 'styles.xml' || name === 'meta.xml');
  const content = xml.get('content.xml');
  if (!content) throw new Error('content.xml missing');
  const main = odfStories(content);
  const styles = xml.get('styles.xml') ? odfStories(xml.get('styles.xml') ?? '') : { body: [], parts: [] };
  const meta = xml.get('meta.xml') ? elementTexts(xml.get('meta.xml') ?? '', ['meta:initial-creator', 'dc:creator']) : new Map();
  const unique = (kind: 'header' | 'footer') => partsOf(kind, new Set(styles.parts.filter((p) => p.kind === kind).map((p) => p.text)));
  return {
    text: main.body.join('\n').trim(),
    html: null,
    parts: [...main.parts, ...unique('header'), ...unique('footer')],
    properties: cleanProperties({ author: meta.get('meta:initial-creator'), lastModifiedBy: meta.get('dc:creator') }),
  };
}
