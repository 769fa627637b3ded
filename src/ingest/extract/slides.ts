import CFB from 'cfb';
import { oleProperties } from './doc.ts';
import { officeProperties } from './ooxml.ts';
import { joinParagraphs } from './parts.ts';
import type { WordText } from './word.ts';
import { walkXml } from './xml.ts';
import { byNumber, readZipTexts } from './zip.ts';

/**
 * Text of presentations (课件, 说课稿 slides) for rule sets that compare slides: .pptx from
 * PowerPoint, WPS and LibreOffice, and .ppt / .dps (PowerPoint 97–2003, WPS 演示). One paragraph
 * per line, slides in order, a blank line between slides.
 */

/** Paragraphs of one DrawingML slide: `a:t` runs, `a:br` breaks. */
function slideParagraphs(xml: string): string[] {
  const paragraphs: string[] = [];
  let current = '';
  let inText = false;
  walkXml(xml, {
    open(name) {
      if (name === 'a:t') inText = true;
      else if (name === 'a:br') current += '\n';
      else if (name === 'a:tab') current += '\t';
    },
    close(name) {
      if (name === 'a:t') inText = false;
      else if (name === 'a:p') {
        paragraphs.push(current);
        current = '';
      }
    },
    text(t) {
      if (inText) current += t;
    },
  });
  return paragraphs;
}

export async function readPptx(data: Buffer): Promise<WordText> {
  const xml = await readZipTexts(data, (name) => /^ppt\/slides\/slide\d+\.xml$/.test(name) || /^docProps\/(core|app)\.xml$/.test(name));
  const slides = [...xml.keys()].filter((n) => n.startsWith('ppt/slides/')).sort(byNumber);
  return {
    text: slides
      .map((n) => joinParagraphs(slideParagraphs(xml.get(n) ?? '')))
      .filter(Boolean)
      .join('\n\n'),
    html: null,
    parts: [],
    properties: officeProperties(xml.get('docProps/core.xml'), xml.get('docProps/app.xml')),
  };
}

/** Containers whose text no slide shows: slide masters, notes masters, handouts. */
const SKIPPED_CONTAINERS = new Set([0x03f8, 0x0fc9, 0x03f0]);
const TEXT_CHARS_ATOM = 0x0fa0;
const TEXT_BYTES_ATOM = 0x0fa8;

/**
 * The text atoms of a PowerPoint 97–2003 stream ([MS-PPT]), in stream order: every record is an
 * 8-byte header (version, instance, type, length); containers (version 0xF) hold records.
 */
export function readPpt(data: Buffer): WordText {
  const cfb = CFB.read(data, { type: 'buffer' });
  const entry = CFB.find(cfb, 'PowerPoint Document');
  if (!entry?.content) throw new Error('PowerPoint Document stream missing');
  const stream = Buffer.from(entry.content as Uint8Array);
  const texts: string[] = [];
  for (let at = 0; at + 8 <= stream.length; ) {
    const version = stream.readUInt16LE(at) & 0x0f;
    const type = stream.readUInt16LE(at + 2);
    const length = stream.readUInt32LE(at + 4);
    if (version === 0x0f) {
      at += SKIPPED_CONTAINERS.has(type) ? 8 + length : 8;
      continue;
    }
    const end = Math.min(stream.length, at + 8 + length);
    let text: string | null = null;
    if (type === TEXT_CHARS_ATOM) text = stream.toString('utf16le', at + 8, end);
    else if (type === TEXT_BYTES_ATOM) text = stream.toString('latin1', at + 8, end);
    // PowerPoint ends lines with \r and keeps vertical tabs for soft breaks.
    if (text !== null) {
      const clean = text.replace(/[\r\v]/g, '\n').trim();
      if (clean && clean !== texts[texts.length - 1]) texts.push(clean);
    }
    at = end;
  }
  return { text: texts.join('\n'), html: null, parts: [], properties: oleProperties(data) };
}
