import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoContest } from '../scripts/demo.ts';
import { contestAwards } from '../src/awards/store/contest.ts';
import { openMigratedDb, type Db } from '../src/db/connect.ts';
import { runChecks } from '../src/eligibility/store/run.ts';
import { type EntryTableRow, entryTablePage } from '../src/entries/table.ts';
import { buildApp } from '../src/server/app.ts';
import { createUser } from '../src/users/accounts.ts';
import { addMember } from '../src/contests/members.ts';
import { Client, PASSWORD } from './server-helpers.ts';
import type { FastifyInstance } from 'fastify';

/** The 作品 table of a contest that was imported, checked, scanned and scored: every stage at a glance. */

interface Row {
  id: number;
  code: string;
  verdict: string;
  rate: string;
  rateLink: string | null;
  over: boolean;
  reviews: string;
  score: string;
  award: string;
}

const text = (html: string) => html.replace(/<[^>]+>/g, '').trim();
function rows(html: string): Row[] {
  return [...html.matchAll(/<tr id="entry-(\d+)"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => {
    const cell = (cls: string) => new RegExp(`<td class="[^"]*\\b${cls}\\b[^"]*">([\\s\\S]*?)</td>`).exec(m[2]);
    const rate = cell('rate');
    return {
      id: Number(m[1]),
      code: text(cell('code')?.[1] ?? ''),
      verdict: text(cell('verdict')?.[1] ?? ''),
      rate: text(rate?.[1] ?? ''),
      rateLink: /href="([^"]+)"/.exec(rate?.[1] ?? '')?.[1] ?? null,
      over: /class="num rate over"/.test(m[2]),
      reviews: text(cell('reviews')?.[1] ?? ''),
      score: text(cell('score')?.[1] ?? ''),
      award: text(cell('award')?.[1] ?? ''),
    };
  });
}

let dir: string;
let db: Db;
let app: FastifyInstance;
let organizer: Client;
let contestId: number;
let previousData: string | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-entries-table-'));
  previousData = process.env.CASEJURY_DATA;
  process.env.CASEJURY_DATA = dir;
  db = await openMigratedDb(path.join(dir, 'casejury.db'));
  ({ contestId } = await createDemoContest(db, path.join(dir, 'submissions')));
  await runChecks(db, contestId);
  await createUser(
    db,
    { username: 'organizer', displayName: '组织者', role: 'organizer', password: PASSWORD, mustChangePassword: false },
    null,
  );
  await addMember(db, contestId, 'organizer', 'organizer', null);
  app = await buildApp({ db, dataDir: dir, sessionKey: crypto.randomBytes(32), loginAttemptsPerMinute: 10_000 });
  await app.ready();
  organizer = new Client(app);
  await organizer.login('organizer');
}, 180_000);

afterAll(async () => {
  await app?.close();
  await db?.destroy();
  if (previousData === undefined) delete process.env.CASEJURY_DATA;
  else process.env.CASEJURY_DATA = previousData;
  fs.rmSync(dir, { recursive: true, force: true });
});

const page = async (query: string) => {
  const res = await organizer.get(`/contests/${contestId}/entries${query}`);
  expect(res.statusCode).toBe(200);
  return res.body;
};

describe('作品 table of a scored and scanned contest', () => {
  it('shows each entry’s 审查结果, 重复率 linked to its report, reviews, final score and award', async () => {
    const html = await page('?sort=rate&desc=true');
    expect(html).toMatch(/<th class="sortable num" aria-sort="descending"><a [^>]*>重复率 ▼<\/a><\/th>/);
    const shown = rows(html);
    expect(shown).toHaveLength(50);
    const awards = await contestAwards(db, contestId);
    const byId = new Map(awards.groups.flatMap((g) => g.entries).map((e) => [e.id, e]));
    const reports = await db
      .selectFrom('similarity_reports as r')
      .innerJoin('similarity_runs as s', 's.id', 'r.run_id')
      .select(['r.entry_id', 'r.file_id', 'r.rate', 'r.flagged'])
      .where('s.contest_id', '=', contestId)
      .execute();
    const checks = await db.selectFrom('eligibility_results').select(['entry_id', 'verdict']).execute();
    const statusOf = new Map((await db.selectFrom('entries').select(['id', 'status']).execute()).map((e) => [e.id, e.status]));
    const VERDICT = { pass: '通过', warn: '需核对', fail: '不通过' };

    // Highest rate first; the planted copy (80% of another entry) leads, over the 30% threshold, linked to its report.
    const top = shown[0];
    expect(Number.parseFloat(top.rate)).toBeGreaterThanOrEqual(30);
    expect(top.over).toBe(true);
    const topReport = reports.filter((r) => r.entry_id === top.id).sort((a, b) => Number(b.rate) - Number(a.rate))[0];
    expect(top.rateLink).toBe(`/contests/${contestId}/similarity/files/${topReport.file_id}`);
    const rates = shown.map((r) => Number.parseFloat(r.rate));
    expect(rates).toEqual([...rates].sort((a, b) => b - a));

    for (const r of shown) {
      const best = Math.max(...reports.filter((x) => x.entry_id === r.id).map((x) => Number(x.rate)));
      expect(r.rate).toBe(`${(Math.floor(best * 1000 + 1e-9) / 10).toFixed(1)}%`); // cut, never rounded up to the limit
      const verdict = checks.find((c) => c.entry_id === r.id)?.verdict ?? 'pass';
      // a verdict short of 通过 that the organizer confirmed says so beside it
      const confirmed = statusOf.get(r.id) === 'eligible' && verdict !== 'pass';
      expect(r.verdict).toBe(`${VERDICT[verdict]}${confirmed ? ' 已确认' : ''}`);
      const e = byId.get(r.id);
      expect(r.score).toBe(e?.score == null ? '—' : e.score.toFixed(2));
      expect(r.award).toBe(e?.band ?? (e?.pending ? '待定' : '—'));
      expect(r.reviews).toMatch(/^\d+\/3$/);
    }
    // The demo scored most reviews: scores and awards are there to see.
    expect(shown.filter((r) => r.score !== '—').length).toBeGreaterThan(30);
    expect(shown.some((r) => /等奖$/.test(r.award))).toBe(true);
    expect(shown.some((r) => r.verdict.endsWith('已确认'))).toBe(true);
  });

  it('filters by award and by 重复率 over the threshold, and sorts by award from 一等奖 down', async () => {
    const awards = await contestAwards(db, contestId);
    const firsts = awards.groups.flatMap((g) => g.entries).filter((e) => e.band === '一等奖');
    const onlyFirst = rows(await page(`?award=${encodeURIComponent('一等奖')}`));
    expect(onlyFirst.map((r) => r.id).sort()).toEqual(firsts.map((e) => e.id).sort());
    expect(new Set(onlyFirst.map((r) => r.award))).toEqual(new Set(['一等奖']));

    const flagged = rows(await page('?flagged=true'));
    expect(flagged.length).toBeGreaterThanOrEqual(4);
    expect(flagged.every((r) => r.over)).toBe(true);

    const byAward = rows(await page('?sort=award'));
    const order = ['一等奖', '二等奖', '三等奖', '待定', '—'];
    const ranks = byAward.map((r) => order.indexOf(r.award));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(byAward[0].award).toBe('一等奖');
  });
});

describe('entry table paging and order (pure)', () => {
  const row = (code: string, title: string, unit: string, score: number | null): EntryTableRow => ({
    id: Number(code.slice(1)),
    code,
    title,
    categoryId: 1,
    category: '区域研修应用案例',
    group: '小学',
    unit,
    authors: [],
    status: 'submitted',
    verdict: 'pass',
    rate: null,
    rateFileId: null,
    rateFlagged: false,
    reviewsAssigned: 3,
    reviewsSubmitted: 3,
    score,
    award: null,
  });
  const all = [
    row('A1', '张家口的研修', '赵县实验小学', 80),
    row('A2', '李庄的研修', '王村中学', null),
    row('A3', '王府的研修', '李庄小学', 90),
    row('A4', '赵州的研修', '张店一中', 70),
  ];
  const base = { sort: 'code' as const, desc: false, page: 1 };

  it('sorts titles and units by pinyin, and missing scores last in either direction', () => {
    expect(entryTablePage(all, { ...base, sort: 'title' }, []).rows.map((r) => r.code)).toEqual(['A2', 'A3', 'A1', 'A4']);
    expect(entryTablePage(all, { ...base, sort: 'unit', desc: true }, []).rows.map((r) => r.code)).toEqual(['A1', 'A4', 'A2', 'A3']);
    expect(entryTablePage(all, { ...base, sort: 'score', desc: true }, []).rows.map((r) => r.code)).toEqual(['A3', 'A1', 'A4', 'A2']);
    expect(entryTablePage(all, { ...base, sort: 'score' }, []).rows.map((r) => r.code)).toEqual(['A4', 'A1', 'A3', 'A2']);
  });

  it('pages, and searches titles, units and codes', () => {
    const p = entryTablePage(all, { ...base, page: 9 }, [], 3);
    expect([p.page, p.pages, p.total, p.rows.map((r) => r.code)]).toEqual([2, 2, 4, ['A4']]);
    expect(entryTablePage(all, { ...base, q: '李庄' }, []).rows.map((r) => r.code)).toEqual(['A2', 'A3']);
  });
});
