import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openMigratedDb } from '../src/db/connect.ts';
import { createDemoContest } from '../scripts/demo.ts';

describe('demo contest', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

  it('imports 61 generated entries with their text, reports the planted bad files, assigns and reviews, and runs only once', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-demo-'));
    dirs.push(dir);
    process.env.CASEJURY_DATA = dir;
    const db = await openMigratedDb(path.join(dir, 'demo.db'));
    try {
      const demo = await createDemoContest(db, path.join(dir, 'submissions'));
      expect(demo).toMatchObject({ created: true, imported: 61, importProblems: 2 });
      const docs = await db.selectFrom('files').select(['name', 'text', 'error']).where('name', '=', '案例介绍.docx').execute();
      expect(docs).toHaveLength(61);
      expect(docs.every((d) => (d.text ?? '').length > 2000 && d.error === null)).toBe(true);
      const bad = await db.selectFrom('files').select(['name', 'error']).where('error', 'is not', null).execute();
      expect(bad.map((b) => b.name).sort()).toEqual(['信息表.pdf', '总结报告.docx']);
      expect(demo.assignments).toBe(183);
      expect(demo.submitted).toBeGreaterThan(100);
      // Three planted near-duplicates (80%, 45%, 35% copied) and the cross-project twin pair.
      expect(demo.flagged).toBeGreaterThanOrEqual(4);
      expect((await createDemoContest(db, path.join(dir, 'submissions'))).created).toBe(false);
    } finally {
      await db.destroy();
      delete process.env.CASEJURY_DATA;
    }
  });
});
