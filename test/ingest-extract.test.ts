import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { extractText } from '../src/ingest/extract/index.ts';
import { sanitizeDocumentHtml } from '../src/ingest/extract/sanitize.ts';
import { decodeText } from '../src/ingest/extract/plain.ts';
import { makeDocx } from './helpers/docx.ts';

/** A one-page PDF whose content stream is `content` (PDF operators), with a Helvetica font. */
function makePdf(content: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const offset = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

const sampleDocx = () =>
  makeDocx({
    title: '智慧课堂里的古诗教学',
    byline: 'XX市实验小学 张三',
    sections: [
      { heading: '基本情况', paragraphs: ['学校依托国家中小学智慧教育平台开展校本研修。', '<script>alert(1)</script> 应作为文字保留'] },
      { heading: '过程与举措', paragraphs: ['教研组每周开展一次主题研修活动。'] },
    ],
    table: [
      ['阶段', '内容'],
      ['第一阶段', '集体备课'],
    ],
  });

describe('extractText', () => {
  it('reads a .docx into text and sanitized HTML with headings, tables and emphasis', async () => {
    const result = await extractText(await sampleDocx(), '案例介绍.docx');
    expect(result.error).toBeNull();
    expect(result.mime).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(result.text).toContain('学校依托国家中小学智慧教育平台开展校本研修。');
    expect(result.text).toContain('集体备课');
    expect(result.html).toContain('<h1>智慧课堂里的古诗教学</h1>');
    expect(result.html).toContain('<h2>过程与举措</h2>');
    expect(result.html).toContain('<table>');
    expect(result.html).toContain('<strong>阶段</strong>');
    expect(result.html).toContain('<em>XX市实验小学 张三</em>');
    expect(result.html).not.toContain('<script');
  });

  it('goes by content, not extension: a .doc that is really a .docx is read', async () => {
    const result = await extractText(await sampleDocx(), '旧版.doc');
    expect(result.error).toBeNull();
    expect(result.text).toContain('教研组每周开展一次主题研修活动。');
  });

  it('names what is wrong with files that are not what they claim', async () => {
    const docx = await sampleDocx();
    expect((await extractText(docx.subarray(0, docx.length / 2), '案例介绍.docx')).error).toBe('不是有效的 Word 文档（.docx）：文件已损坏');
    expect((await extractText(Buffer.from('这不是 Word 文件'), '案例介绍.docx')).error).toBe('不是有效的 Word 文档（.docx）：文件已损坏');
    expect((await extractText(Buffer.alloc(0), '案例介绍.docx')).error).toBe('空文件（0 字节）');

    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('表1').addRow(['作品名称']);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    expect((await extractText(xlsx, '案例介绍.docx')).error).toBe('不是有效的 Word 文档（.docx）：内容是 Excel 表格（.xlsx）');
    // A PDF named .docx is still read as the PDF it is.
    expect(await extractText(makePdf('BT /F1 12 Tf 20 100 Td (Saved as PDF) Tj ET'), '介绍.docx')).toMatchObject({
      text: 'Saved as PDF',
      error: null,
    });
  });

  it('reads the text layer of a PDF and marks a PDF without one for OCR', async () => {
    const withText = await extractText(makePdf('BT /F1 12 Tf 20 100 Td (Case report text) Tj ET'), '信息表.pdf');
    expect(withText).toMatchObject({ text: 'Case report text', error: null, mime: 'application/pdf' });
    const scanned = await extractText(makePdf('0 0 m 100 100 l S'), '信息表.pdf');
    expect(scanned).toMatchObject({ text: null, error: null, ocr: 'pdf' });
    expect((await extractText(Buffer.from('%PDF-1.4\n垃圾'), '信息表.pdf')).error).toBe('不是有效的 PDF 文件：文件已损坏');
  });

  it('decodes .txt in UTF-8, GBK and UTF-16', async () => {
    const text = '国家中小学智慧教育平台应用案例：校本研修';
    expect((await extractText(Buffer.from(text), 'a.txt')).text).toBe(text);
    expect((await extractText(iconv.encode(text, 'gbk'), 'a.txt')).text).toBe(text);
    expect((await extractText(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]), 'a.txt')).text).toBe(text);
    expect(decodeText(iconv.encode('短', 'gbk'))).toBe('短');
  });

  it('returns nothing and no error for videos, images and archives', async () => {
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64)]);
    const nothing = { text: null, html: null, parts: [], properties: null, extractor: null, ocr: null, error: null };
    expect(await extractText(mp4, '数字故事.mp4')).toEqual({ ...nothing, mime: 'video/mp4' });
    expect(await extractText(Buffer.from('random bytes'), '照片.jpg')).toEqual({ ...nothing, mime: null });
  });
});

describe('sanitizeDocumentHtml', () => {
  it('keeps structure and drops scripts, styles, handlers, links and images', () => {
    const dirty =
      '<h1 style="color:red">标题</h1><p onclick="x()">段落<strong>加粗</strong><em>斜体</em></p><script>alert(1)</script>' +
      '<style>p{}</style><img src="https://evil.example/x.png"><a href="javascript:alert(1)">链接文字</a>' +
      '<ul><li>一</li></ul><table><tr><td colspan="2" class="x">格</td></tr></table><iframe src="https://x"></iframe>';
    expect(sanitizeDocumentHtml(dirty)).toBe(
      '<h1>标题</h1><p>段落<strong>加粗</strong><em>斜体</em></p>链接文字<ul><li>一</li></ul><table><tr><td colspan="2">格</td></tr></table>',
    );
  });
});
