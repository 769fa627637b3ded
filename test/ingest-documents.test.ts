import fs from 'node:fs';
import path from 'node:path';
import CFB from 'cfb';
import { describe, expect, it } from 'vitest';
import { type ExtractResult, extractText } from '../src/ingest/extract/index.ts';
import type { PartKind } from '../src/ingest/extract/parts.ts';
import { DOCUMENT_FIXTURES, documentSource, hanRecall } from './helpers/documents.ts';

/** Files written by LibreOffice, XeTeX and Microsoft Word: see test/fixtures/documents/README.md. */
const DIR = DOCUMENT_FIXTURES;
const source = documentSource;

const read = (name: string): Promise<ExtractResult> => extractText(fs.readFileSync(path.join(DIR, name)), name);

/** The body as written: title, paragraphs, the table and the tracked insertion (the deletion is gone). */
const expectedBody = [
  source.title,
  ...source.paragraphs.slice(0, 3),
  ...source.table.flat(),
  source.paragraphs[3],
  source.inserted,
  source.paragraphs[4],
].join('\n');
const partTexts = (r: ExtractResult, kind: PartKind) => r.parts.filter((p) => p.kind === kind).map((p) => p.text);

describe('Word processors’ files: every part a reader sees', () => {
  it.each([
    ['case.docx', 'mammoth'],
    ['case.doc', 'word-extractor'],
    ['case.wps', 'word-extractor'],
    ['case.odt', 'odt'],
    ['case.rtf', 'rtf'],
  ])(
    '%s: body in reading order with its text box, notes, comment, header and footer as parts; the deletion absent',
    async (name, extractor) => {
      const r = await read(name);
      expect(r.error).toBeNull();
      expect(r.extractor).toBe(extractor);
      const body = r.text ?? '';
      expect(hanRecall(expectedBody, body)).toBeGreaterThanOrEqual(0.98);
      // The text box counts with the body, where it stands (before or after the first paragraph's text) …
      const box = body.indexOf(source.textbox);
      expect(box).toBeGreaterThan(body.indexOf(source.title));
      expect(box).toBeLessThan(body.indexOf(source.paragraphs[1]));
      // … and the notes, header and footer do not, each in its own part.
      expect(body).not.toContain(source.deleted);
      expect(body).not.toContain(source.footnote);
      expect(body).not.toContain(source.header);
      expect(body).not.toContain(source.footer);
      expect(body).toContain(`${source.paragraphs[2]}[1]`);
      expect(partTexts(r, 'footnote')).toEqual([source.footnote]);
      expect(partTexts(r, 'endnote')).toEqual([source.endnote]);
      expect(partTexts(r, 'header')).toEqual([source.header]);
      expect(partTexts(r, 'footer')).toEqual([source.footer]);
      expect(partTexts(r, 'textbox')).toEqual([source.textbox]);
      expect(partTexts(r, 'comment').join('')).toContain(source.comment);
      for (const p of r.parts) expect(p.text).not.toContain(source.deleted);
      expect(r.properties?.author).toBe(source.author);
    },
  );

  it.each(['case-html.doc', 'case-mht.doc'])('%s: a web page saved as Word is read, with its notes, header and footer', async (name) => {
    const r = await read(name);
    expect(r.error).toBeNull();
    expect(r.extractor).toBe('html');
    expect(hanRecall(expectedBody.replace(source.textbox, ''), r.text ?? '')).toBeGreaterThanOrEqual(0.98);
    expect(r.text).not.toContain(source.header);
    expect(partTexts(r, 'footnote')).toEqual([source.footnote]);
    expect(partTexts(r, 'endnote')).toEqual([source.endnote]);
    expect(partTexts(r, 'header')).toEqual([source.header]);
    expect(partTexts(r, 'footer')).toEqual([source.footer]);
    expect(r.properties?.author).toBe(source.author);
    // What reviewers read on screen leaves the header (with its name) out.
    expect(r.html).toContain(source.paragraphs[0].slice(0, 20));
    expect(r.html).not.toContain('张明远');
  });

  it('Word’s own .doc files: footnotes and endnotes, and text boxes placed where they are anchored', async () => {
    const notes = await read('word-extractor/test13.doc');
    expect(notes.text).toBe('Endnotes and footnotes test\n\nParagraph 1[1]\n\nParagraph 2[i]');
    expect(partTexts(notes, 'footnote')).toEqual(['This is a footnote']);
    expect(partTexts(notes, 'endnote')).toEqual(['This is an endnote']);

    const boxes = await read('word-extractor/test16.doc');
    const body = boxes.text ?? '';
    expect(body.indexOf('First text box, regular')).toBeLessThan(body.indexOf('Paragraph 1'));
    expect(body.indexOf('A shape with text inside')).toBeGreaterThan(body.indexOf('Paragraph 2'));
    expect(body.indexOf('A shape with text inside')).toBeLessThan(body.indexOf('Paragraph 3'));
    expect(partTexts(boxes, 'textbox')).toHaveLength(4);
    expect(partTexts(boxes, 'header')[0]).toContain('Header box 1');
    expect(body).not.toContain('Header box');
  });
});

describe('PDFs', () => {
  it('reads a LibreOffice PDF with pdf.js', async () => {
    const r = await read('case-libreoffice.pdf');
    expect(r).toMatchObject({ error: null, extractor: 'unpdf', ocr: null });
    expect(hanRecall(expectedBody, r.text ?? '')).toBeGreaterThanOrEqual(0.98);
  });

  it('falls back to pdftotext for a xelatex PDF whose Chinese font has no ToUnicode map', async () => {
    const r = await read('case-xelatex.pdf');
    expect(r).toMatchObject({ error: null, extractor: 'pdftotext', ocr: null });
    const expected = [source.title, ...source.paragraphs, source.inserted].join('\n');
    expect(hanRecall(expected, r.text ?? '')).toBeGreaterThanOrEqual(0.98);
  });

  it('without pdftotext the same PDF is reported, naming the reason, and not stored as read', async () => {
    process.env.CASEJURY_PDFTOTEXT = 'off';
    try {
      const r = await read('case-xelatex.pdf');
      expect(r.text).toBeNull();
      expect(r.error).toMatch(/几乎没有中文.*ToUnicode.*未安装 poppler-utils/);
    } finally {
      delete process.env.CASEJURY_PDFTOTEXT;
    }
  });

  it('marks an image-only PDF for OCR instead of calling it empty', async () => {
    expect(await read('registration-scan.pdf')).toMatchObject({ text: null, error: null, ocr: 'pdf', extractor: null });
  });
});

describe('slides', () => {
  it('reads the text of a .pptx slide by slide', async () => {
    const r = await read('slides.pptx');
    expect(r).toMatchObject({ error: null, extractor: 'pptx' });
    expect(r.text).toBe(`${source.paragraphs[0]}\n\n${source.paragraphs[1]}`);
  });
});

describe('PowerPoint 97–2003 (.ppt, WPS .dps)', () => {
  /** A record: version/instance, type, length, body ([MS-PPT] 2.3.1). */
  const record = (version: number, type: number, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt16LE(version, 0);
    head.writeUInt16LE(type, 2);
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  const container = (type: number, ...children: Buffer[]) => record(0x0f, type, Buffer.concat(children));
  const chars = (text: string) => record(0, 0x0fa0, Buffer.from(text, 'utf16le'));

  it('reads the slides’ text atoms in order and leaves out the master’s placeholders', async () => {
    const stream = Buffer.concat([
      container(
        0x03e8,
        container(0x03f8, chars('单击此处编辑母版标题样式')),
        container(0x0ff0, chars('古诗教学课件\r学习目标'), chars('小组合作探究')),
      ),
    ]);
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, 'PowerPoint Document', stream);
    const data = Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Uint8Array);
    for (const name of ['课件.ppt', '课件.dps']) {
      const r = await extractText(data, name);
      expect(r).toMatchObject({ error: null, extractor: 'ppt', text: '古诗教学课件\n学习目标\n小组合作探究' });
    }
  });
});
