import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openMigratedDb } from '../src/db/connect.ts';
import { createDemoContest } from '../scripts/demo.ts';
import { contestAwards } from '../src/awards/store/contest.ts';

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
      // Case documents that read like cases: the notice's sections, sentences about the platform, numbers, lessons.
      for (const d of docs) {
        expect(d.error).toBeNull();
        expect((d.text ?? '').length).toBeGreaterThan(1200);
        for (const heading of ['一、基本情况', '二、过程与举措', '三、经验与成效', '四、特色与创新']) expect(d.text).toContain(heading);
        expect(d.text).toMatch(/平台/);
        expect(d.text).toMatch(/《[^》]+》/);
      }
      const bad = await db.selectFrom('files').select(['name', 'error']).where('error', 'is not', null).execute();
      expect(bad.map((b) => b.name).sort()).toEqual(['信息表.pdf', '总结报告.docx']);
      expect(demo.assignments).toBe(183);
      expect(demo.submitted).toBeGreaterThan(100);
      // Three planted near-duplicates (80%, 45%, 35% copied) with their sources, and the cross-project twin pair:
      // eight entries over 30%. Independently written cases stay well under it.
      expect(demo.flagged).toBe(8);
      const rates = (await db.selectFrom('similarity_reports').select('rate').execute()).map((r) => r.rate).sort((x, y) => x - y);
      expect(rates[rates.length - 9]).toBeLessThan(0.25);

      // Every entry at or above 30% is a blocker on the 评奖 page with no prize, unless the demo decided to keep it.
      const awards = await contestAwards(db, demo.contestId);
      const run = await db.selectFrom('similarity_runs').select('id').where('contest_id', '=', demo.contestId).executeTakeFirstOrThrow();
      const high = await db
        .selectFrom('similarity_reports as r')
        .innerJoin('entries as e', 'e.id', 'r.entry_id')
        .select(['e.id', 'e.code'])
        .where('r.run_id', '=', run.id)
        .where('r.rate', '>=', 0.3)
        .execute();
      const kept = new Set(
        (await db.selectFrom('similarity_decisions').select('entry_id').where('decision', '=', '保留').execute()).map((d) => d.entry_id),
      );
      expect(kept.size).toBe(1);
      const placed = new Map(awards.groups.flatMap((g) => g.entries.map((e) => [e.code, e] as const)));
      const blocked = new Set(awards.blockers.filter((b) => b.kind === 'similarity').map((b) => b.code));
      for (const e of high) {
        if (kept.has(e.id)) continue;
        expect(placed.get(e.code)?.band ?? null).toBeNull();
        expect(blocked).toContain(e.code);
      }
      // Entries come with the unit's 推荐汇总表: each prize winner's 区县 is known for the 获奖名单.
      const winners = awards.groups.flatMap((g) => g.entries).filter((e) => e.band);
      expect(winners.length).toBeGreaterThan(10);
      for (const w of winners) expect(w.county).toMatch(/^(鼓楼区|台江区|仓山区|闽侯县|长乐区)$/);
      const batch = await db
        .selectFrom('import_batches')
        .select('source')
        .where('contest_id', '=', demo.contestId)
        .executeTakeFirstOrThrow();
      expect(path.basename(batch.source)).toBe('推荐汇总表.xlsx');
      // The cross-project twin pair is undecided: both entries are held as 一稿多投 suspects.
      expect(awards.blockers.filter((b) => b.kind === 'suspect').length).toBeGreaterThanOrEqual(2);
      expect((await createDemoContest(db, path.join(dir, 'submissions'))).created).toBe(false);
    } finally {
      await db.destroy();
      delete process.env.CASEJURY_DATA;
    }
  });
});
