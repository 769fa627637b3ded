import CFB from 'cfb';
import BufferReader from 'word-extractor/lib/buffer-reader.js';
import { clean } from 'word-extractor/lib/filters.js';
import WordOleExtractor, { type Piece } from 'word-extractor/lib/word-ole-extractor.js';
import type { WordDocument } from 'word-extractor';
import { cleanProperties, type DocumentPart, type DocumentProperties, noteMarker, partsOf } from './parts.ts';

/**
 * Word 97–2003 (.doc) and WPS Office (.wps, the same binary format) read by word-extractor, plus
 * what its public API leaves out, read from the file's own tables (MS-DOC): where each text box
 * and note reference stands in the body, each note and comment on its own, comment authors, and
 * the document properties. When those tables cannot be read, the text box texts follow the body.
 */

export interface DocText {
  body: string;
  parts: DocumentPart[];
  properties: DocumentProperties | null;
}

/** Offsets of FibRgFcLcb97 pairs (fc, lcb) in the FIB; every Word 97+ file has them at these places. */
const FIB = {
  plcffndRef: 0xaa,
  plcffndTxt: 0xb2,
  plcfandRef: 0xba,
  plcfandTxt: 0xc2,
  grpXstAtnOwners: 0x1ba,
  plcSpaMom: 0x1da,
  plcfendRef: 0x20a,
  plcfendTxt: 0x212,
  plcftxbxTxt: 0x25a,
} as const;

interface Layout {
  fib: Buffer;
  table: Buffer;
  pieces: Piece[];
  boundaries: WordOleExtractor['_boundaries'];
}

/** word-extractor's .doc reader, keeping the FIB, the table stream and the text pieces (deletions already blanked). */
class LayoutExtractor extends WordOleExtractor {
  fib: Buffer | null = null;
  table: Buffer | null = null;
  override normalizeHeaders(fib: Buffer, table: Buffer): void {
    this.fib = fib;
    this.table = table;
    super.normalizeHeaders(fib, table);
  }
}

/** Text between two character positions, as word-extractor's pieces hold it. */
function textRange(pieces: Piece[], start: number, end: number): string {
  let out = '';
  for (const p of pieces) {
    if (p.endCp <= start) continue;
    if (p.startCp >= end) break;
    out += p.text.slice(Math.max(0, start - p.startCp), Math.min(p.text.length, end - p.startCp));
  }
  return out;
}

/** A PLC: n+1 character positions followed by n data items of `dataSize` bytes. */
function readPlc(l: Layout, at: number, dataSize: number): { cps: number[]; data: (i: number) => Buffer } | null {
  const fc = l.fib.readUInt32LE(at);
  const lcb = l.fib.readUInt32LE(at + 4);
  if (lcb < 4 || fc + lcb > l.table.length) return null;
  const n = (lcb - 4) / (4 + dataSize);
  if (!Number.isInteger(n)) return null;
  const cps = Array.from({ length: n + 1 }, (_, i) => l.table.readInt32LE(fc + 4 * i));
  const dataAt = fc + 4 * (n + 1);
  return { cps, data: (i) => l.table.subarray(dataAt + dataSize * i, dataAt + dataSize * (i + 1)) };
}

/** The stories after the body, in the order the file keeps them. */
function storyStarts(b: Layout['boundaries']) {
  const footnotes = b.ccpText;
  const headers = footnotes + b.ccpFtn;
  const comments = headers + b.ccpHdd;
  const endnotes = comments + b.ccpAtn;
  const textboxes = endnotes + b.ccpEdn;
  return { footnotes, comments, endnotes, textboxes };
}

/** Each note or comment of a story on its own, from its PLC of text positions. */
function storyItems(l: Layout, plcAt: number, storyStart: number, count: number): string[] {
  const plc = readPlc(l, plcAt, 0);
  if (!plc) return [];
  return plc.cps
    .slice(0, Math.min(count, plc.cps.length - 1))
    .map((cp, i) => clean(textRange(l.pieces, storyStart + cp, storyStart + plc.cps[i + 1])));
}

/** Comment authors (GrpXstAtnOwners), indexed by each comment's ibst. */
function commentAuthors(l: Layout): string[] {
  const fc = l.fib.readUInt32LE(FIB.grpXstAtnOwners);
  const lcb = l.fib.readUInt32LE(FIB.grpXstAtnOwners + 4);
  const names: string[] = [];
  for (let at = fc; at + 2 <= fc + lcb && at + 2 <= l.table.length; ) {
    const cch = l.table.readUInt16LE(at);
    names.push(l.table.toString('utf16le', at + 2, at + 2 + 2 * cch));
    at += 2 + 2 * cch;
  }
  return names;
}

/** Where the paragraph holding `cp` starts: text boxes are read before the paragraph they are anchored in. */
function paragraphStart(main: string, cp: number): number {
  let i = Math.min(cp, main.length);
  while (i > 0 && !'\r\x07\x0c'.includes(main[i - 1])) i--;
  return i;
}

function readLayout(l: Layout): DocText {
  const starts = storyStarts(l.boundaries);
  let main = textRange(l.pieces, 0, l.boundaries.ccpText);
  const insertions: { at: number; text: string }[] = [];

  // Note references: numbered as Word numbers them by default (1, 2 … and i, ii … for endnotes).
  const footRefs = readPlc(l, FIB.plcffndRef, 2)?.cps.slice(0, -1) ?? [];
  const endRefs = readPlc(l, FIB.plcfendRef, 2)?.cps.slice(0, -1) ?? [];
  for (const [kind, refs] of [
    ['footnote', footRefs],
    ['endnote', endRefs],
  ] as const) {
    refs.forEach((cp, i) => {
      if (main[cp] === '\x02') insertions.push({ at: cp, text: noteMarker(kind, i + 1) });
    });
  }

  // Text boxes, each placed before the paragraph its shape is anchored in (FTXBXS.lid = FSPA.spid).
  const anchors = new Map<number, number>();
  const spa = readPlc(l, FIB.plcSpaMom, 26);
  spa?.cps.slice(0, -1).forEach((cp, i) => {
    anchors.set(spa.data(i).readInt32LE(0), cp);
  });
  const boxes = readPlc(l, FIB.plcftxbxTxt, 22);
  const textboxes: string[] = [];
  const unanchored: string[] = [];
  if (boxes && l.boundaries.ccpTxbx) {
    // The last FTXBXS only closes the list; reusable ones are deleted boxes kept for later.
    for (let i = 0; i < boxes.cps.length - 2; i++) {
      const ftxbxs = boxes.data(i);
      if (ftxbxs.readUInt16LE(8) !== 0) continue;
      const text = clean(textRange(l.pieces, starts.textboxes + boxes.cps[i], starts.textboxes + boxes.cps[i + 1])).trim();
      if (!text) continue;
      textboxes.push(text);
      const anchor = anchors.get(ftxbxs.readInt32LE(14));
      if (anchor === undefined) unanchored.push(text);
      else insertions.push({ at: paragraphStart(main, anchor), text: `${text}\r` });
    }
  }
  insertions.sort((a, b) => a.at - b.at);
  for (const ins of insertions.reverse()) {
    // A note reference replaces its \x02; a text box is put in front of its paragraph.
    const replaced = ins.text.endsWith('\r') ? 0 : 1;
    main = main.slice(0, ins.at) + ins.text + main.slice(ins.at + replaced);
  }
  const body = [clean(main), ...unanchored].join('\n');

  const authors = commentAuthors(l);
  const commentRefs = readPlc(l, FIB.plcfandRef, 30);
  const comments = storyItems(l, FIB.plcfandTxt, starts.comments, commentRefs ? commentRefs.cps.length - 1 : 0).map((text, i) => {
    const author = commentRefs ? authors[commentRefs.data(i).readUInt16LE(20)] : undefined;
    return author && text.trim() ? `${author}：${text.trim()}` : text;
  });
  return {
    body,
    parts: [
      ...partsOf('footnote', storyItems(l, FIB.plcffndTxt, starts.footnotes, footRefs.length)),
      ...partsOf('endnote', storyItems(l, FIB.plcfendTxt, starts.endnotes, endRefs.length)),
      ...partsOf('comment', comments),
      ...partsOf('textbox', textboxes),
    ],
    properties: null,
  };
}

/** What word-extractor gives through its public API, when the file's tables cannot be read. */
function plainParts(doc: WordDocument): DocText {
  const raw = { filterUnicode: false };
  const textboxes = doc.getTextboxes({ ...raw, includeHeadersAndFooters: false });
  return {
    body: [doc.getBody(raw), textboxes].join('\n'),
    parts: [
      ...partsOf('footnote', [doc.getFootnotes(raw)]),
      ...partsOf('endnote', [doc.getEndnotes(raw)]),
      ...partsOf('comment', [doc.getAnnotations(raw)]),
      ...partsOf('textbox', [textboxes]),
    ],
    properties: null,
  };
}

/** Reads a .doc or .wps: body with its text boxes and note markers, and every other part. */
export async function readDocBinary(data: Buffer): Promise<DocText> {
  const extractor = new LayoutExtractor();
  const doc = await extractor.extract(new BufferReader(data));
  let text: DocText;
  const { fib, table } = extractor;
  try {
    if (!fib || !table || fib.readUInt16LE(0x20) !== 0x0e || fib.readUInt16LE(0x3e) !== 0x16) throw new Error('unexpected FIB');
    text = readLayout({ fib, table, pieces: extractor._pieces, boundaries: extractor._boundaries });
  } catch {
    text = plainParts(doc);
  }
  const raw = { filterUnicode: false };
  const headerTextboxes = doc.getTextboxes({ ...raw, includeBody: false });
  return {
    body: text.body,
    parts: [
      ...text.parts,
      ...partsOf('header', [[doc.getHeaders({ ...raw, includeFooters: false }), headerTextboxes].join('\n')]),
      ...partsOf('footer', [doc.getFooters(raw)]),
    ],
    properties: oleProperties(data),
  };
}

/**
 * Author and last author (SummaryInformation) and company (DocumentSummaryInformation) of an
 * OLE file: Word, WPS, Excel and PowerPoint 97–2003 all keep them there.
 */
export function oleProperties(data: Buffer): DocumentProperties | null {
  try {
    const cfb = CFB.read(data, { type: 'buffer' });
    const stream = (name: string) => {
      const entry = CFB.find(cfb, name);
      return entry?.content ? Buffer.from(entry.content as Uint8Array) : null;
    };
    const summary = propertySet(stream('\u0005SummaryInformation'));
    const docSummary = propertySet(stream('\u0005DocumentSummaryInformation'));
    return cleanProperties({ author: summary.get(4), lastModifiedBy: summary.get(8), company: docSummary.get(15) });
  } catch {
    return null;
  }
}

/** String properties of the first section of an OLE property set stream ([MS-OLEPS]), by property id. */
function propertySet(stream: Buffer | null): Map<number, string> {
  const out = new Map<number, string>();
  if (!stream || stream.length < 48) return out;
  const section = stream.readUInt32LE(44);
  const count = stream.readUInt32LE(section + 4);
  let codePage = 1252;
  const entries: [number, number][] = [];
  for (let i = 0; i < count; i++) entries.push([stream.readUInt32LE(section + 8 + 8 * i), stream.readUInt32LE(section + 12 + 8 * i)]);
  for (const [id, offset] of entries) if (id === 1) codePage = stream.readUInt16LE(section + offset + 4);
  for (const [id, offset] of entries) {
    const at = section + offset;
    const type = stream.readUInt16LE(at);
    if (type === 0x1e) {
      const length = stream.readUInt32LE(at + 4);
      const bytes = stream.subarray(at + 8, at + 8 + length);
      out.set(id, decodeCodePage(bytes, codePage).replace(/\0+$/, ''));
    } else if (type === 0x1f) {
      const length = stream.readUInt32LE(at + 4);
      out.set(id, stream.toString('utf16le', at + 8, at + 8 + 2 * length).replace(/\0+$/, ''));
    }
  }
  return out;
}

const CODE_PAGES: Record<number, string> = { 936: 'gbk', 950: 'big5', 65001: 'utf-8', 1200: 'utf-16le', 1252: 'windows-1252' };

function decodeCodePage(bytes: Buffer, codePage: number): string {
  const label = CODE_PAGES[codePage] ?? 'gbk';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}
