import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContest } from '../src/contests/index.ts';
import type { Db } from '../src/db/connect.ts';
import { documentProperties } from '../src/db/columns.ts';
import { importPath } from '../src/ingest/import.ts';
import { LocalBlobStore } from '../src/storage/blobs.ts';
import { testDatabases } from './helpers/db.ts';
import { DOCUMENT_FIXTURES, documentSource } from './helpers/documents.ts';

/** The parts of an imported document are stored beside its body, and files read by an older extraction are read again. */
const FIXTURES = DOCUMENT_FIXTURES;
const RULES = 'rules/2024-platform-cases-teacher-training.yaml';
const source = documentSource;

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-parts-'));
  process.env.CASEJURY_DATA = path.join(tmp, 'data');
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe.each(testDatabases)('document parts on $name', ({ open }) => {
  let db: Db;
  let contestId: number;
  let blobs: LocalBlobStore;
  let root: string;

  beforeEach(async () => {
    db = await open();
    blobs = new LocalBlobStore(await fs.mkdtemp(path.join(tmp, 'blobs-')));
    contestId = await createContest(db, { rulesYaml: await fs.readFile(RULES, 'utf8'), rulesSource: path.basename(RULES), userId: null });
    root = await fs.mkdtemp(path.join(tmp, 'submission-'));
    const dir = path.join(root, '小学+实验小学+张明远', '区域研修应用案例', '信息技术与语文教学');
    await fs.mkdir(dir, { recursive: true });
    await fs.copyFile(path.join(FIXTURES, 'case.docx'), path.join(dir, '案例介绍.docx'));
  });
  afterEach(() => db.destroy());

  const stored = async () => {
    const file = await db.selectFrom('files').selectAll().executeTakeFirstOrThrow();
    const parts = await db.selectFrom('file_parts').selectAll().where('file_id', '=', file.id).orderBy('position').execute();
    return { file, parts };
  };

  it('stores notes, headers, footers, text boxes and properties beside the body', async () => {
    await importPath(db, contestId, root, { blobs });
    const { file, parts } = await stored();
    expect(file.extractor).toBe('mammoth');
    expect(file.text).toContain(source.textbox);
    expect(file.text).not.toContain(source.footnote);
    expect(parts.map((p) => [p.kind, p.text])).toEqual(
      expect.arrayContaining([
        ['footnote', source.footnote],
        ['header', source.header],
        ['footer', source.footer],
        ['textbox', source.textbox],
      ]),
    );
    expect(file.properties_json && documentProperties.read(file.properties_json)).toMatchObject({ author: source.author });
  });

  it('reads a file again when an older extraction read it, although its bytes are unchanged', async () => {
    await importPath(db, contestId, root, { blobs });
    expect((await importPath(db, contestId, root, { blobs })).unchanged).toBe(1);
    // As a file imported before parts were read is stored.
    const { file } = await stored();
    await db.deleteFrom('file_parts').where('file_id', '=', file.id).execute();
    await db.updateTable('files').set({ extract_version: 0, properties_json: null }).where('id', '=', file.id).execute();
    const again = await importPath(db, contestId, root, { blobs });
    expect(again.imported).toBe(1);
    const after = await stored();
    expect(after.file.id).toBe(file.id);
    expect(after.parts.map((p) => p.kind)).toContain('header');
    expect(after.file.properties_json).not.toBeNull();
  });
});
