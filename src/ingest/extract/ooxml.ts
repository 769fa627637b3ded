import { cleanProperties, type DocumentProperties, joinParagraphs } from './parts.ts';
import { elementTexts, walkXml } from './xml.ts';

export interface WordXmlText {
  /** Paragraphs outside text boxes. */
  paragraphs: string[];
  /** Each text box's paragraphs, joined. */
  textboxes: string[];
}

/** Elements whose content never reaches a reader: moved-away text (the move's target is kept), field codes. */
const SKIPPED = new Set(['w:moveFrom', 'w:instrText', 'w:delInstrText']);

/**
 * Text of a WordprocessingML part (document, header, footer) the way Word shows it: `w:t` runs,
 * tabs and breaks, deleted revisions (`w:delText`) and moved-away text left out. A text box drawn
 * in both DrawingML and its VML fallback (`mc:AlternateContent`) is read once.
 */
export function wordXmlText(xml: string): WordXmlText {
  const paragraphs: string[] = [];
  const textboxes: string[] = [];
  // One frame per open text box: its finished paragraphs and the one being read.
  const frames: { paragraphs: string[]; current: string }[] = [{ paragraphs, current: '' }];
  let skipped = 0;
  let inText = false;
  // Per open mc:AlternateContent: whether its mc:Choice gave a text box (then mc:Fallback repeats it).
  const alternates: boolean[] = [];
  let fallbackDepth = 0;
  const frame = () => frames[frames.length - 1];
  walkXml(xml, {
    open(name) {
      if (fallbackDepth) {
        fallbackDepth++;
        return;
      }
      if (SKIPPED.has(name)) skipped++;
      if (skipped) return;
      switch (name) {
        case 'mc:AlternateContent':
          alternates.push(false);
          break;
        case 'mc:Fallback':
          if (alternates[alternates.length - 1]) fallbackDepth = 1;
          break;
        case 'w:txbxContent':
          frames.push({ paragraphs: [], current: '' });
          break;
        case 'w:t':
          inText = true;
          break;
        case 'w:tab':
          frame().current += '\t';
          break;
        case 'w:br':
        case 'w:cr':
          frame().current += '\n';
          break;
      }
    },
    close(name) {
      if (fallbackDepth) {
        fallbackDepth--;
        return;
      }
      if (SKIPPED.has(name)) {
        skipped--;
        return;
      }
      if (skipped) return;
      switch (name) {
        case 'w:t':
          inText = false;
          break;
        case 'w:p': {
          const f = frame();
          f.paragraphs.push(f.current);
          f.current = '';
          break;
        }
        case 'w:txbxContent': {
          const done = frames.pop();
          const text = done ? joinParagraphs(done.paragraphs) : '';
          if (text) {
            textboxes.push(text);
            if (alternates.length) alternates[alternates.length - 1] = true;
          }
          break;
        }
        case 'mc:AlternateContent':
          alternates.pop();
          break;
      }
    },
    text(t) {
      if (inText && !skipped && !fallbackDepth) frame().current += t;
    },
  });
  return { paragraphs, textboxes };
}

/** Author, last modifier and company from a .docx's docProps/core.xml and docProps/app.xml. */
export function officeProperties(coreXml: string | undefined, appXml: string | undefined): DocumentProperties | null {
  const core = coreXml ? elementTexts(coreXml, ['dc:creator', 'cp:lastModifiedBy']) : new Map<string, string>();
  const app = appXml ? elementTexts(appXml, ['Company']) : new Map<string, string>();
  return cleanProperties({ author: core.get('dc:creator'), lastModifiedBy: core.get('cp:lastModifiedBy'), company: app.get('Company') });
}
