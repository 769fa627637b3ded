import { describe, expect, it } from 'vitest';
import type { ExtractedFile } from '../src/cli/commands/extract.ts';
import { cli } from './helpers/cli.ts';
import { documentSource } from './helpers/documents.ts';

/** `casejury extract`: what the similarity scan, word counts and the anonymity check read from each file. */
const DIR = 'test/fixtures/documents';
const source = documentSource;

describe('casejury extract', () => {
  it('prints every part of each file with its kind, the extractor and errors, as JSON', async () => {
    const r = await cli('extract', `${DIR}/case.docx`, `${DIR}/registration-scan.pdf`, `${DIR}/不存在.doc`, '--json');
    expect(r.code).toBe(1);
    const { files } = JSON.parse(r.stdout) as { files: ExtractedFile[] };
    expect(files.map((f) => [f.path, f.extractor, f.error])).toEqual([
      [`${DIR}/case.docx`, 'mammoth', null],
      [`${DIR}/registration-scan.pdf`, 'tesseract', null],
      [`${DIR}/不存在.doc`, null, '文件不存在'],
    ]);
    const [docx, scan] = files;
    expect(docx.parts.map((p) => p.kind)).toEqual(['body', 'footnote', 'endnote', 'comment', 'textbox', 'header', 'footer']);
    expect(docx.parts.find((p) => p.kind === 'header')?.text).toBe(source.header);
    expect(docx.parts.find((p) => p.kind === 'footnote')?.text).toBe(source.footnote);
    expect(docx.properties).toMatchObject({ author: source.author });
    expect(scan.parts).toHaveLength(1);
    expect(scan.parts[0]).toMatchObject({ kind: 'ocr' });
    expect(scan.parts[0].text).toContain('作者姓名');
    expect(scan.parts[0].confidence).toBeGreaterThan(70);
  });

  it('lists kinds and lengths for a person', async () => {
    const r = await cli('extract', `${DIR}/case-xelatex.pdf`, `${DIR}/case.doc`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${DIR}/case-xelatex.pdf（pdftotext）\n  正文：`);
    expect(r.stdout).toMatch(/case\.doc（word-extractor）\n {2}正文：\d+ 字符\n {2}脚注：\d+ 字符/);
    expect(r.stdout).toContain(`文档属性：文档作者 ${source.author}`);
  });
});
