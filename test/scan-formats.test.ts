import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.ts';
import type { ScanReport } from '../src/similarity/store/folder-scan.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures/documents');

describe('casejury scan on documents written by office software', () => {
  const made: string[] = [];
  afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

  it('reads every Word format extraction knows (.docx, .doc, .wps, .rtf, .odt) and PDF, and finds them the same case', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'casejury-scan-formats-'));
    made.push(dir);
    const files = ['case.docx', 'case.doc', 'case.wps', 'case.rtf', 'case.odt', 'case-libreoffice.pdf'];
    for (const [i, file] of files.entries()) {
      const entry = path.join(dir, `小学+实验小学+教师${i}`, '区域研修应用案例', `案例${i}`);
      await mkdir(entry, { recursive: true });
      await copyFile(path.join(FIXTURES, file), path.join(entry, `案例介绍${path.extname(file)}`));
    }
    const out = path.join(dir, 'report.json');
    const log = console.log;
    console.log = () => undefined;
    try {
      expect(await runCli(['scan', dir, '--json', out])).toBe(0);
    } finally {
      console.log = log;
    }
    const report = JSON.parse(await readFile(out, 'utf8')) as ScanReport;
    expect(report.errors).toEqual([]);
    expect(report.documents.map((d) => path.extname(d.path)).sort()).toEqual(['.doc', '.docx', '.odt', '.pdf', '.rtf', '.wps']);
    // one document saved six ways: each is the others' copy
    for (const d of report.documents) expect(d.rate).toBeGreaterThan(0.8);
  });
});
