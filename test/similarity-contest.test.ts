import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContest } from '../src/contests/index.ts';
import { type Db, nowIso, openMigratedDb } from '../src/db/connect.ts';
import { sha256Of } from '../src/storage/blobs.ts';
import { workerEngine } from '../src/similarity/store/engine.ts';
import { decideOnEntry, listDecisions } from '../src/similarity/store/decisions.ts';
import { excludeCommonPassage, listExclusions, restoreCommonPassage } from '../src/similarity/store/exclusions.ts';
import { addLibraryUpload, listLibrary, removeLibraryDocument } from '../src/similarity/store/library.ts';
import { fileKey } from '../src/similarity/store/members.ts';
import { freshness, getRun, latestRun, listCommon, listPairs, listReports, type ReportRow } from '../src/similarity/store/queries.ts';
import { runContestScan } from '../src/similarity/store/scan.ts';
import { normalize, unitsToString } from '../src/similarity/text/normalize.ts';
import { ProseGenerator } from '../scripts/lib/prose.ts';
import { Random } from '../scripts/lib/random.ts';
import { cli } from './helpers/cli.ts';
import { testDatabases } from './helpers/db.ts';
import { makeDocx } from './helpers/docx.ts';
import { makeZip } from './server-helpers.ts';

const RULES = 'rules/2024-platform-cases-teacher-training.yaml';
/** Passage of the notice an uploaded template holds; one entry quotes it in full. */
const NOTICE = '案例介绍应围绕依托国家中小学智慧教育平台开展教师研修的实践过程进行撰写，突出机制创新与应用成效，字数控制在三千字以内。';

const normalized = (text: string): string => unitsToString(normalize(text).chars);

async function newContest(db: Db): Promise<number> {
  return createContest(db, { rulesYaml: fs.readFileSync(RULES, 'utf8'), rulesSource: path.basename(RULES), userId: null });
}

/** An entry with one stored document, as an import leaves it. */
async function addEntry(
  db: Db,
  contestId: number,
  code: string,
  categoryKey: string,
  text: string,
  kind = '案例介绍',
): Promise<{ entryId: number; fileId: number }> {
  const category = await db
    .selectFrom('categories')
    .select('id')
    .where('contest_id', '=', contestId)
    .where('key', '=', categoryKey)
    .executeTakeFirstOrThrow();
  const now = nowIso();
  const { id: entryId } = await db
    .insertInto('entries')
    .values({
      contest_id: contestId,
      category_id: category.id,
      code,
      title: `作品${code}`,
      group_name: null,
      status: 'submitted',
      source_path: code,
      category_label: null,
      batch_id: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id: fileId } = await db
    .insertInto('files')
    .values({
      entry_id: entryId,
      original_path: `${kind}.docx`,
      name: `${kind}.docx`,
      kind,
      ext: 'docx',
      size: text.length,
      sha256: sha256Of(Buffer.from(text)),
      mime: null,
      text,
      html: null,
      error: null,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { entryId, fileId };
}

/** Paragraphs of generated prose; copies take whole sentences with the punctuation changed. */
function sentences(seed: number, n: number): string[] {
  const g = new ProseGenerator(new Random(seed));
  return Array.from({ length: n }, () => g.sentence());
}
const asText = (s: string[]): string => s.join('\n\n');

/** A run's results without ids, comparable between runs. */
async function snapshot(db: Db, runId: number) {
  const { rows } = await listReports(db, runId, { offset: 0, limit: 1000 });
  const reports = rows.map(({ id, runId: _run, ...r }: ReportRow) => r).sort((x, y) => x.docKey.localeCompare(y.docKey));
  const pairs = (await listPairs(db, runId))
    .map(({ id, runId: _run, ...p }) => p)
    .sort((x, y) => `${x.aKey}-${x.bKey}`.localeCompare(`${y.aKey}-${y.bKey}`));
  const common = (await listCommon(db, runId)).map(({ id, ...c }) => c);
  return { reports, pairs, common };
}

describe.each(testDatabases)('similarity of a contest ($name)', ({ open }) => {
  let db: Db;
  let contestId: number;
  let work: string;
  const original = sentences(1, 60);
  const e: Record<string, { entryId: number; fileId: number }> = {};

  beforeEach(async () => {
    db = await open();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-sim-'));
    contestId = await newContest(db);
    const own = (seed: number) => sentences(seed, 50);
    // E02 copies 70% of E01 with its commas changed; E07 is E03 entered in another category (一稿多投);
    // E05 copies half of a library document; E06 quotes the notice a template holds.
    e.E01 = await addEntry(db, contestId, 'E01', 'regional-training', asText(original));
    e.E02 = await addEntry(
      db,
      contestId,
      'E02',
      'regional-training',
      asText([...original.slice(0, 42).map((s) => s.replace(/，/g, ', ')), ...own(2).slice(0, 18)]),
    );
    e.E03 = await addEntry(db, contestId, 'E03', 'school-based-training', asText(own(3)));
    e.E04 = await addEntry(db, contestId, 'E04', 'school-based-training', asText(own(4)));
    e.E05 = await addEntry(db, contestId, 'E05', 'online-studio', asText([...sentences(50, 25), ...own(5).slice(0, 25)]));
    e.E06 = await addEntry(db, contestId, 'E06', 'online-studio', `${NOTICE}\n\n${asText(own(6))}`);
    e.E07 = await addEntry(db, contestId, 'E07', 'regional-training', asText(own(3)));
    // not a ranked kind: never scanned
    await addEntry(db, contestId, 'E08', 'online-studio', asText(original), '信息表');
  });

  afterEach(async () => {
    await db.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const upload = async (role: 'library' | 'template', name: string, data: Buffer) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, data);
    return addLibraryUpload(db, contestId, role, { name, path: file }, null, fs.mkdtempSync(path.join(work, 'up-')));
  };

  it('stores a scan: rates, sources, pairs with spans into the text, the library compared not ranked, templates uncounted', async () => {
    const library = await upload(
      'library',
      '往届获奖案例.zip',
      makeZip([
        {
          name: '2023/一等奖案例.docx',
          data: await makeDocx({ title: '往届案例', sections: [{ heading: '一、基本情况', paragraphs: sentences(50, 25) }] }),
        },
        { name: '2023/损坏.docx', data: Buffer.from('不是 Word 文件') },
        { name: '2023/照片.jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) },
      ]),
    );
    expect(library.added).toEqual(['往届获奖案例.zip/2023/一等奖案例.docx']);
    expect(library.errors.map((x) => x.path)).toEqual(['往届获奖案例.zip/2023/损坏.docx', '往届获奖案例.zip/2023/照片.jpg']);
    expect((await upload('template', '通知.txt', Buffer.from(`各有关单位：\n${NOTICE}`))).added).toEqual(['通知.txt']);
    expect((await upload('template', '通知副本.txt', Buffer.from(`各有关单位：\n${NOTICE}`))).duplicates).toEqual(['通知副本.txt']);

    const done = await runContestScan(db, contestId, { userId: null });
    expect(done).toMatchObject({ version: 1, mode: 'full', documents: 7, libraryDocuments: 1, added: 8 });
    const run = (await latestRun(db, contestId))!;
    expect(run).toMatchObject({ id: done.runId, status: 'done', documents: 7, flagged: done.flagged });
    const { rows, total } = await listReports(db, run.id, { offset: 0, limit: 100 });
    expect(total).toBe(7);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    // ordered by rate
    expect(rows.map((r) => r.rate)).toEqual([...rows.map((r) => r.rate)].sort((x, y) => y - x));

    const copier = byCode.get('E02')!;
    expect(copier.flagged).toBe(true);
    expect(copier.rate).toBeGreaterThan(0.6);
    expect(copier.sources[0]).toMatchObject({ key: fileKey(e.E01.fileId), library: false });
    // the original shares text too, and says with whom
    expect(byCode.get('E01')!.sources.map((s) => s.key)).toContain(fileKey(e.E02.fileId));
    expect(byCode.get('E05')!.sources[0].library).toBe(true);
    expect(byCode.get('E05')!.rate).toBeGreaterThan(0.4);
    expect(byCode.get('E04')!.rate).toBe(0);
    expect(byCode.get('E04')!.flagged).toBe(false);
    // the notice's text is template text: in neither numerator nor denominator
    const quoting = byCode.get('E06')!;
    expect(quoting.templateChars).toBeGreaterThanOrEqual(normalized(NOTICE).length - 2);
    expect(quoting.rate).toBe(0);

    const pairs = await listPairs(db, run.id);
    const copied = pairs.find((p) => p.aKey === fileKey(e.E01.fileId) && p.bKey === fileKey(e.E02.fileId))!;
    const [textA, textB] = [
      asText(original),
      (await db.selectFrom('files').select('text').where('id', '=', e.E02.fileId).executeTakeFirstOrThrow()).text!,
    ];
    expect(copied.spans.length).toBeGreaterThan(0);
    for (const [as, ae, bs, be] of copied.spans) expect(normalized(textB.slice(bs, be))).toBe(normalized(textA.slice(as, ae)));
    const twins = pairs.filter((p) => p.suspect);
    expect(twins.map((p) => [p.aKey, p.bKey])).toEqual([[fileKey(e.E03.fileId), fileKey(e.E07.fileId)]]);
    expect(twins[0].crossProject).toBe(true);
    // a library pair lists the entry first
    const libraryPair = pairs.find((p) => p.bLibrary)!;
    expect(libraryPair).toMatchObject({ aKey: fileKey(e.E05.fileId), aLibrary: false });

    const cached = await listLibrary(db, contestId);
    expect(cached.map((l) => [l.role, l.name])).toEqual([
      ['library', '往届获奖案例.zip/2023/一等奖案例.docx'],
      ['template', '通知.txt'],
    ]);
    const audits = await db.selectFrom('audit_log').select('action').where('contest_id', '=', contestId).execute();
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(['similarity.library.add', 'similarity.template.add', 'similarity.scan']),
    );
  });

  it('updates after an import by extending the corpus cached on the engine worker, with the same results as a full scan', async () => {
    const engine = workerEngine();
    const first = await runContestScan(db, contestId, { userId: null, engine });
    expect(first.mode).toBe('full');
    expect((await freshness(db, contestId, await latestRun(db, contestId))).upToDate).toBe(true);

    // a new import: one entry copying E04, one of its own; and a library upload
    const copierText = asText([...sentences(4, 50).slice(0, 40), ...sentences(9, 10)]);
    const added = await addEntry(db, contestId, 'E09', 'regional-training', copierText);
    await addEntry(db, contestId, 'E10', 'online-studio', asText(sentences(10, 50)));
    await upload('library', '参考资料.txt', Buffer.from(asText(sentences(10, 30))));
    const stale = await freshness(db, contestId, await latestRun(db, contestId));
    expect(stale).toMatchObject({ upToDate: false, settingsChanged: false, added: 2, changed: 0, removed: 0 });

    const progress: [number, number][] = [];
    const incremental = await runContestScan(db, contestId, { userId: null, engine, onProgress: (d, t) => progress.push([d, t]) });
    expect(incremental).toMatchObject({ mode: 'incremental', added: 3, documents: 9, libraryDocuments: 1, version: 2 });
    expect(progress.at(-1)).toEqual([5, 5]);
    const full = await runContestScan(db, contestId, { userId: null });
    expect(full).toMatchObject({ mode: 'full', added: 10, version: 3 });
    const [a, b] = [await snapshot(db, incremental.runId), await snapshot(db, full.runId)];
    expect(a).toEqual(b);
    const report = a.reports.find((r) => r.docKey === fileKey(added.fileId))!;
    expect(report.flagged).toBe(true);
    expect(report.sources[0].key).toBe(fileKey(e.E04.fileId));

    // a changed document cannot extend the cache: the next scan is full again
    const changed = asText(sentences(77, 40));
    await db
      .updateTable('files')
      .set({ text: changed, sha256: sha256Of(Buffer.from(changed)), created_at: nowIso() })
      .where('id', '=', e.E04.fileId)
      .execute();
    expect(await freshness(db, contestId, await latestRun(db, contestId))).toMatchObject({ upToDate: false, added: 0, changed: 1 });
    expect((await runContestScan(db, contestId, { userId: null, engine })).mode).toBe('full');
    // new settings neither
    await removeLibraryDocument(db, contestId, (await listLibrary(db, contestId))[0].id, null);
    await upload('template', '模板.txt', Buffer.from(NOTICE));
    expect((await freshness(db, contestId, await latestRun(db, contestId))).settingsChanged).toBe(true);
    expect((await runContestScan(db, contestId, { userId: null, engine })).mode).toBe('full');
    await engine.close();
  });

  it('records the organizer’s decisions: 取消资格 through the eligibility decision, 保留 kept; reasons required and audited', async () => {
    await expect(decideOnEntry(db, contestId, e.E02.entryId, '取消资格', '抄袭', null)).rejects.toThrow('不在最近一次查重结果中');
    const run = await runContestScan(db, contestId, { userId: null });
    await expect(decideOnEntry(db, contestId, e.E02.entryId, '取消资格', '  ', null)).rejects.toThrow('请填写处理理由');
    await decideOnEntry(db, contestId, e.E02.entryId, '取消资格', '与 E01 大段雷同', null);
    const entry = await db.selectFrom('entries').select('status').where('id', '=', e.E02.entryId).executeTakeFirstOrThrow();
    expect(entry.status).toBe('disqualified');
    const eligibility = await db
      .selectFrom('eligibility_decisions')
      .selectAll()
      .where('entry_id', '=', e.E02.entryId)
      .executeTakeFirstOrThrow();
    expect(eligibility).toMatchObject({ status: 'disqualified', previous_status: 'submitted' });
    expect(eligibility.reason).toMatch(/^查重（重复率 \d+\.\d%）：与 E01 大段雷同$/);
    await expect(decideOnEntry(db, contestId, e.E02.entryId, '保留', '复核后保留', null)).rejects.toThrow('已被取消资格');

    await decideOnEntry(db, contestId, e.E01.entryId, '保留', 'E01 为原创，被他人抄袭', null);
    expect((await db.selectFrom('entries').select('status').where('id', '=', e.E01.entryId).executeTakeFirstOrThrow()).status).toBe(
      'submitted',
    );
    const decisions = await listDecisions(db, contestId);
    expect(decisions.map((d) => [d.entryId, d.decision, d.runVersion])).toEqual([
      [e.E01.entryId, '保留', run.version],
      [e.E02.entryId, '取消资格', run.version],
    ]);
    expect(decisions[1].rate).toBeGreaterThan(0.6);
    const audits = await db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'reason'])
      .where('action', 'in', ['similarity.decide', 'eligibility.decide'])
      .orderBy('id')
      .execute();
    expect(audits.map((a) => [a.action, a.subject_id])).toEqual([
      ['eligibility.decide', String(e.E02.entryId)],
      ['similarity.decide', String(e.E02.entryId)],
      ['similarity.decide', String(e.E01.entryId)],
    ]);
    expect(audits[2].reason).toBe('E01 为原创，被他人抄袭');
  });

  it('lets the organizer exclude a common passage, which then counts as neither duplicate nor length', async () => {
    const slogan = '坚持以教育数字化赋能教师专业发展为主线全面提升教师数字素养和教学创新能力';
    const codes = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'];
    const keys: string[] = [];
    for (const [i, code] of codes.entries())
      keys.push(
        fileKey((await addEntry(db, contestId, code, 'school-based-training', `${asText(sentences(100 + i, 30))}\n\n${slogan}。`)).fileId),
      );
    await runContestScan(db, contestId, { userId: null });
    let run = (await latestRun(db, contestId))!;
    const common = (await listCommon(db, run.id)).find((c) => c.text === normalized(slogan))!;
    expect(common.documents).toEqual([...keys].sort());
    const before = (await snapshot(db, run.id)).reports.find((r) => r.docKey === keys[0])!;
    expect(before.commonChars).toBe(normalized(slogan).length);

    await expect(excludeCommonPassage(db, contestId, common.id, '', null)).rejects.toThrow('请填写理由');
    await excludeCommonPassage(db, contestId, common.id, '通知要求的统一表述', null);
    await expect(excludeCommonPassage(db, contestId, common.id, '再次排除', null)).rejects.toThrow('已经排除');
    expect((await freshness(db, contestId, run)).settingsChanged).toBe(true);
    await runContestScan(db, contestId, { userId: null });
    run = (await latestRun(db, contestId))!;
    expect((await listCommon(db, run.id)).some((c) => c.text === normalized(slogan))).toBe(false);
    const after = (await snapshot(db, run.id)).reports.find((r) => r.docKey === keys[0])!;
    expect(after).toMatchObject({ commonChars: 0, duplicateChars: 0, rate: 0 });
    expect(after.templateChars).toBe(normalized(slogan).length);

    const [exclusion] = await listExclusions(db, contestId);
    expect(exclusion).toMatchObject({ text: normalized(slogan), reason: '通知要求的统一表述' });
    await expect(restoreCommonPassage(db, contestId, exclusion.id, '', null)).rejects.toThrow('请填写理由');
    await restoreCommonPassage(db, contestId, exclusion.id, '误操作', null);
    expect(await listExclusions(db, contestId)).toEqual([]);
    expect((await freshness(db, contestId, run)).settingsChanged).toBe(true);
  });

  it('numbers runs per contest and keeps the details of the latest five', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push((await runContestScan(db, contestId, { userId: null })).runId);
    expect((await getRun(db, contestId, ids[6]))!.version).toBe(7);
    for (const [i, id] of ids.entries()) {
      const { total } = await listReports(db, id, { offset: 0, limit: 1 });
      expect(total).toBe(i < 2 ? 0 : 7);
      expect((await listPairs(db, id)).length > 0).toBe(i >= 2);
    }
  });
});

describe('scan --contest', () => {
  it('scans a contest from the command line and prints the report as the folder scan does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-sim-cli-'));
    const url = path.join(dir, 'casejury.db');
    try {
      const db = await openMigratedDb(url);
      const contestId = await newContest(db);
      const text = asText(sentences(1, 40));
      const a = await addEntry(db, contestId, 'A01', 'regional-training', text);
      await addEntry(db, contestId, 'A02', 'online-studio', text);
      await addEntry(db, contestId, 'A03', 'online-studio', asText(sentences(3, 40)));
      await db.destroy();

      const json = await cli('scan', '--contest', String(contestId), '--db', url, '--json');
      expect(json.code).toBe(0);
      const report = JSON.parse(json.stdout);
      expect(report.documents.map((d: { path: string; flagged: boolean }) => [d.path, d.flagged])).toEqual([
        ['A01 作品A01/案例介绍.docx', true],
        ['A02 作品A02/案例介绍.docx', true],
        ['A03 作品A03/案例介绍.docx', false],
      ]);
      expect(report.pairs).toHaveLength(1);
      expect(report.pairs[0].crossProject).toBe(true);

      const xlsx = path.join(dir, 'out.xlsx');
      const printed = await cli('scan', '--contest', String(contestId), '--db', url, '--xlsx', xlsx);
      expect(printed.code).toBe(0);
      expect(printed.stdout).toContain('第 2 次查重：3 篇作品文档');
      expect(printed.stdout).toMatch(/一稿多投\S*嫌疑 1 对/);
      expect(fs.statSync(xlsx).size).toBeGreaterThan(0);
      const check = await openMigratedDb(url);
      expect((await latestRun(check, contestId))!.version).toBe(2);
      expect((await listReports(check, (await latestRun(check, contestId))!.id, { offset: 0, limit: 10 })).rows[0].docKey).toBe(
        fileKey(a.fileId),
      );
      await check.destroy();

      expect((await cli('scan', '--contest', String(contestId), '--db', url, '--threshold', '0.5')).code).toBe(2);
      expect((await cli('scan', 'folder', '--contest', String(contestId), '--db', url)).code).toBe(2);
      expect((await cli('scan', '--contest', '999', '--db', url)).code).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
