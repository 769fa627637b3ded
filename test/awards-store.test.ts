import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Db, openMigratedDb } from '../src/db/connect.ts';
import { entriesInBand, nextStageSeed, type AwardGroup } from '../src/awards/contest.ts';
import { contestAwards } from '../src/awards/store/contest.ts';
import { canonicalJson, sha256Hex } from '../src/awards/publication.ts';
import { getSnapshot, listPublications, publish } from '../src/awards/store/publication.ts';
import { clearAwardOverride, entryIdByCode, listAwardOverrides, setAwardOverride } from '../src/awards/store/overrides.ts';
import { runCli } from '../src/cli/main.ts';
import { updateContestRules } from '../src/contests/index.ts';
import { buildAwardContest, type BuiltContest, cityPrizeQuotas, type EntrySpec } from './helpers/awards-contest.ts';
import { testDatabases } from './helpers/db.ts';

const FUJIAN = 'fujian-platform-cases-training-and-scenarios.yaml';
const code = (i: number) => `FJ${String(i).padStart(3, '0')}`;
const codes = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => code(from + i));

/**
 * 47 valid 区域研修应用案例 at 10/20/30 (5 criteria of 20 points; tie-break 创新研修模式, then 用好平台资源和功能).
 * Entry i scores 19.5 − 0.25(i−1) on every criterion, so totals are distinct, except:
 *  - FJ005 copies FJ004 exactly: a full tie on ranks 4–5, across the 一等奖/二等奖 boundary;
 *  - FJ011 has FJ010's total but more on 创新研修模式: ranked above FJ010 by the tie-break.
 * Experts vary by ±0.5 on one criterion each, which leaves the means unchanged.
 * FJ048 (disqualified) and FJ049 (withdrawn) would top the list and must be left out.
 */
function regionalEntries(): EntrySpec[] {
  const level = (i: number) => 19.5 - (i - 1) * 0.25;
  const specs: EntrySpec[] = [];
  for (let i = 1; i <= 49; i++) {
    let c = Array(5).fill(level(i === 5 ? 4 : i));
    if (i === 11) c = [level(10) - 0.5, level(10) - 0.5, level(10) + 1, level(10), level(10)];
    if (i >= 48) c = Array(5).fill(20);
    specs.push({
      code: code(i),
      title: `利用国家平台开展区域研修的实践探索（${i}）`,
      status: i === 48 ? 'disqualified' : i === 49 ? 'withdrawn' : 'eligible',
      authors: [
        { name: `林老师${i}`, unit: `福州市第${i}中学`, county: i % 2 ? '鼓楼区' : '仓山区' },
        { name: `陈老师${i}`, unit: `福州市第${i}中学`, county: i % 2 ? '鼓楼区' : '仓山区' },
      ],
      reviews: [c.map((v, j) => (j === 0 ? v + 0.5 : v)), c, c.map((v, j) => (j === 4 ? v - 0.5 : v))],
    });
  }
  return specs;
}

const regional = (groups: AwardGroup[]) => groups.find((g) => g.categoryKey === 'regional-training')!;
const bandCodes = (g: AwardGroup, band: string) => entriesInBand(g, band).map((e) => e.code);

describe.each(testDatabases)('contest awards on $name', ({ open }) => {
  let db: Db;
  let built: BuiltContest;
  beforeEach(async () => {
    db = await open();
  });
  afterEach(() => db.destroy());

  const band = (entry: string, value: string | null, reason: string) =>
    setAwardOverride(db, { contestId: built.contestId, entryId: built.ids.get(entry)!, kind: 'band', value, reason, userId: null });

  it('bands 47 valid entries 4/10/14 without disqualified or withdrawn ones, holds the boundary tie until a decision', async () => {
    built = await buildAwardContest(db, FUJIAN, 'regional-training', regionalEntries());
    let awards = await contestAwards(db, built.contestId);
    let g = regional(awards.groups);
    expect([g.valid, g.denominator, g.scored]).toEqual([47, 47, 47]);
    expect(g.bands.map((b) => [b.name, b.cap])).toEqual([
      ['一等奖', 4],
      ['二等奖', 10],
      ['三等奖', 14],
    ]);
    expect(g.derivation).toContain(
      '有效作品 47 件：一等奖 ⌊47×10%⌋=⌊4.7⌋=4；一、二等奖合计 ⌊47×30%⌋=⌊14.1⌋=14；一、二、三等奖合计 ⌊47×60%⌋=⌊28.2⌋=28',
    );
    expect(g.entries.map((e) => e.code)).not.toContain('FJ048');
    expect(g.entries.map((e) => e.code)).not.toContain('FJ049');
    // The other categories of the rule set are shown, empty.
    expect(awards.groups.map((x) => x.category)).toEqual(awards.categories.map((c) => c.name));
    expect(awards.groups.filter((x) => x !== g).every((x) => x.valid === 0 && x.bands.every((b) => b.cap === 0))).toBe(true);

    // Final score = mean of the review totals read back from the database, 2 decimals.
    const reviews = await db.selectFrom('reviews').select(['entry_id', 'total']).where('status', '=', 'submitted').execute();
    for (const e of g.entries) {
      const totals = reviews.filter((r) => r.entry_id === e.id).map((r) => r.total!);
      expect(e.score).toBe(Math.round((totals.reduce((a, b) => a + b, 0) / totals.length) * 100) / 100);
      expect(e.authors.map((a) => a.name)).toEqual([`林老师${Number(e.code.slice(2))}`, `陈老师${Number(e.code.slice(2))}`]);
    }

    // FJ004/FJ005 tie on rank 4 across the boundary: held, its seat left open, never pushed over the cap.
    expect(bandCodes(g, '一等奖')).toEqual(codes(1, 3));
    expect(g.ties).toHaveLength(1);
    expect(g.ties[0]).toMatchObject({
      upperBand: '一等奖',
      lowerBand: '二等奖',
      rank: 4,
      entryIds: ['FJ004', 'FJ005'],
      seatsLeft: 1,
      resolved: false,
    });
    // The tie-break chain puts FJ011 (more on 创新研修模式) above FJ010 with the same total.
    expect(bandCodes(g, '二等奖')).toEqual(['FJ006', 'FJ007', 'FJ008', 'FJ009', 'FJ011', 'FJ010', 'FJ012', 'FJ013', 'FJ014']);
    expect(bandCodes(g, '三等奖')).toEqual(codes(15, 28));
    expect(awards.canFinalize).toBe(false);
    expect(awards.blockers).toEqual([expect.objectContaining({ kind: 'tie', entryCodes: ['FJ004', 'FJ005'] })]);
    expect(awards.blockers[0].message).toContain('2 件作品并列第 4 名，跨越“一等奖”与“二等奖”的边界');

    // Refusals name the problem.
    await expect(band('FJ004', '一等奖', '  ')).rejects.toThrow('必须填写理由');
    await expect(band('FJ004', '特等奖', '会议决定')).rejects.toThrow('奖项“特等奖”不存在（可选：一等奖、二等奖、三等奖，或不获奖）');
    await expect(band('FJ048', '一等奖', '会议决定')).rejects.toThrow('作品 FJ048 不是有效作品（状态：取消资格）');

    await band('FJ004', '一等奖', '评审会议讨论：FJ004 的研修模式创新更突出');
    await band('FJ005', '二等奖', '评审会议讨论：与 FJ004 比较后列二等奖');
    awards = await contestAwards(db, built.contestId);
    g = regional(awards.groups);
    expect(g.bands.map((b) => b.count)).toEqual([4, 10, 14]);
    expect(bandCodes(g, '一等奖')).toEqual(codes(1, 4));
    expect(bandCodes(g, '二等奖')[0]).toBe('FJ005');
    expect(g.ties[0].resolved).toBe(true);
    expect(g.entries.find((e) => e.code === 'FJ004')!.override).toEqual({
      band: '一等奖',
      reason: '评审会议讨论：FJ004 的研修模式创新更突出',
    });
    expect(awards.canFinalize).toBe(true);

    // Replacing a decision keeps one row and audits old and new.
    await band('FJ005', '三等奖', '复议后调整');
    expect((await listAwardOverrides(db, built.contestId)).map((o) => [o.code, o.value])).toEqual([
      ['FJ004', '一等奖'],
      ['FJ005', '三等奖'],
    ]);
    const log = await db.selectFrom('audit_log').selectAll().where('action', '=', 'award.override.band').orderBy('id').execute();
    expect(log.map((l) => l.reason)).toEqual([
      '评审会议讨论：FJ004 的研修模式创新更突出',
      '评审会议讨论：与 FJ004 比较后列二等奖',
      '复议后调整',
    ]);
    expect(JSON.parse(log[2].old_value!)).toEqual({ value: '二等奖', reason: '评审会议讨论：与 FJ004 比较后列二等奖' });
    expect(log[2].subject_id).toBe(String(built.ids.get('FJ005')));

    // Settled the other way round, the tied pair is listed by band, not by code.
    await band('FJ004', '二等奖', '复议：FJ005 更突出');
    await band('FJ005', '一等奖', '复议：FJ005 更突出');
    const rankFour = regional((await contestAwards(db, built.contestId)).groups).entries.filter((e) => e.rank === 4);
    expect(rankFour.map((e) => [e.code, e.band])).toEqual([
      ['FJ005', '一等奖'],
      ['FJ004', '二等奖'],
    ]);

    // Advisory figures: one panel (the category), the experts agree closely.
    expect(awards.panels).toHaveLength(1);
    expect(awards.panels[0].reliability.oneWay).toMatchObject({ ok: true });
    const icc = awards.panels[0].reliability.oneWay;
    expect(icc.ok && icc.average).toBeGreaterThan(0.99);
    expect(awards.panels[0].experts.map((x) => x.name).sort()).toEqual(['张评委', '李评委', '王评委'].sort());
    expect(g.entries.every((e) => e.normalizedScore !== null)).toBe(true);

    // With denominator 'submitted' every entry received counts: 49 → ⌊4.9⌋=4, ⌊14.7⌋=14, ⌊29.4⌋=29.
    const yaml = fs.readFileSync(path.join('rules', FUJIAN), 'utf8');
    expect(yaml).toContain('denominator: valid');
    await updateContestRules(db, built.contestId, yaml.replace('denominator: valid', 'denominator: submitted'), null, '按报送作品数计算');
    g = regional((await contestAwards(db, built.contestId)).groups);
    expect([g.valid, g.denominator, g.denominatorKind]).toEqual([47, 49, 'submitted']);
    expect(g.bands.map((b) => b.cap)).toEqual([4, 10, 15]);
    expect(g.derivation).toMatch(/^报送作品 49 件：/);
  });

  it('holds entries missing reviews or disagreeing out of the bands and the denominator, and lets one through with a reason', async () => {
    const full = [19, 19, 19, 19, 19];
    built = await buildAwardContest(db, FUJIAN, 'regional-training', [
      { code: 'A01', title: '甲', reviews: [full, full, full] },
      { code: 'A02', title: '乙', reviews: [[19, 19, 19, 19, 18], [19, 19, 19, 19, 18], full], drafts: [2] },
      { code: 'A03', title: '丙', reviews: [full, full, [14, 14, 14, 14, 14]] }, // totals 95, 95, 70: spread 25 > 20% of 100
      { code: 'A04', title: '丁', reviews: [full, full, full], drafts: [0, 1, 2] },
    ]);
    let awards = await contestAwards(db, built.contestId);
    let g = regional(awards.groups);
    // Only A01 passed every gate: it alone is ranked and counted.
    expect([g.valid, g.held, g.scored, g.denominator]).toEqual([1, 3, 1, 1]);
    expect(g.derivation).toContain('未计入有效作品的：待处理 3 件：A02（评审）、A03（评审）、A04（评审）');
    const a04 = g.entries.find((e) => e.code === 'A04')!;
    expect([a04.score, a04.rank, a04.band]).toEqual([null, null, null]);
    expect(g.entries.find((e) => e.code === 'A02')?.holds.map((h) => h.kind)).toEqual(['review']);
    expect(awards.blockers.map((b) => [b.code, b.kind, b.message])).toEqual([
      ['A02', 'review', '作品 A02：缺少 1 份评审；须补齐评审或在评奖中放行'],
      ['A03', 'review', '作品 A03：评分差异过大（最高与最低相差 25 分）；须补齐评审或在评奖中放行'],
      ['A04', 'review', '作品 A04：缺少 3 份评审；须补齐评审或在评奖中放行'],
    ]);

    const id = (c: string) => entryIdByCode(db, built.contestId, c);
    await setAwardOverride(db, {
      contestId: built.contestId,
      entryId: await id('A03'),
      kind: 'release',
      value: null,
      reason: '第三位专家复核后维持原分',
      userId: null,
    });
    await setAwardOverride(db, {
      contestId: built.contestId,
      entryId: await id('A04'),
      kind: 'band',
      value: '三等奖',
      reason: '试一试',
      userId: null,
    });
    awards = await contestAwards(db, built.contestId);
    expect(awards.blockers.map((b) => b.entryCodes)).toEqual([['A02'], ['A04']]);
    expect(awards.released).toEqual([expect.objectContaining({ entryId: 'A03', overrideReason: '第三位专家复核后维持原分' })]);
    expect(awards.warnings).toEqual(['作品 A04 的奖项调整（三等奖）未生效：该作品尚有待处理的问题']);
    // Released, A03 is ranked and counted again.
    g = regional(awards.groups);
    expect([g.valid, g.scored]).toEqual([2, 2]);

    await expect(
      clearAwardOverride(db, { contestId: built.contestId, entryId: await id('A01'), kind: 'band', reason: '撤销', userId: null }),
    ).rejects.toThrow('作品 A01 没有可撤销的调整奖项');
    await clearAwardOverride(db, {
      contestId: built.contestId,
      entryId: await id('A03'),
      kind: 'release',
      reason: '复核意见撤回',
      userId: null,
    });
    awards = await contestAwards(db, built.contestId);
    expect(awards.blockers.map((b) => b.entryCodes)).toEqual([['A02'], ['A03'], ['A04']]);
    const actions = (await db.selectFrom('audit_log').select('action').where('action', 'like', 'award.%').orderBy('id').execute()).map(
      (a) => a.action,
    );
    expect(actions).toEqual(['award.override.release', 'award.override.band', 'award.override.release.clear']);
  });

  it('bands each 学段 separately when the rule set says perGroup', async () => {
    const entry = (group: string, i: number): EntrySpec => {
      const v = 24 - i * 0.5;
      return {
        code: `${group === '小学' ? 'X' : 'C'}${String(i).padStart(2, '0')}`,
        title: `${group}主题学习资源${i}`,
        category: 'learning-resources',
        group,
        reviews: [
          [v, v, 18, 13, 13],
          [v, v, 18, 13, 13],
          [v, v, 18, 13, 13],
        ],
      };
    };
    built = await buildAwardContest(db, '2025-district-digital-literacy.yaml', 'learning-resources', [
      ...Array.from({ length: 7 }, (_, i) => entry('初中', i + 1)),
      ...Array.from({ length: 12 }, (_, i) => entry('小学', i + 1)),
    ]);
    const awards = await contestAwards(db, built.contestId);
    const groups = awards.groups.filter((g) => g.categoryKey === 'learning-resources');
    // Rule-set order of the groups: … 小学, 初中 …
    expect(groups.map((g) => [g.group, g.valid, g.bands.map((b) => b.cap)])).toEqual([
      ['小学', 12, [1, 2, 4]], // ⌊1.2⌋=1, ⌊3.6⌋=3, ⌊7.2⌋=7
      ['初中', 7, [0, 2, 2]], // ⌊0.7⌋=0, ⌊2.1⌋=2, ⌊4.2⌋=4
    ]);
    expect(groups[1].derivation).toContain('一等奖 ⌊7×10%⌋=⌊0.7⌋=0');
    expect(groups[0].entries.every((e) => e.group === '小学')).toBe(true);
    expect(bandCodes(groups[0], '一等奖')).toEqual(['X01']);
    expect(bandCodes(groups[1], '二等奖')).toEqual(['C01', 'C02']);
  });

  it('recommends per county and per city school under the quotas, exempt groups aside, and seeds the next stage', async () => {
    const city = 'city-platform-application-special.yaml';
    const entry = (c: string, i: number, county: string, unit: string, group = '教师案例'): EntrySpec => {
      const f = (95 - i) / 100;
      const crit = [20, 25, 25, 20, 10].map((max) => Math.round(max * f * 100) / 100);
      return { code: c, title: `${unit}应用案例${i}`, group, authors: [{ name: `教师${c}`, unit, county }], reviews: [crit, crit, crit] };
    };
    built = await buildAwardContest(
      db,
      city,
      'platform-application-cases',
      [
        ...Array.from({ length: 8 }, (_, i) => entry(`S${i + 1}`, i + 1, '市直', '市第一中学')),
        entry('T1', 9, '市直', '市第二中学'),
        entry('K1', 10, '高新开发区', '开发区实验小学'),
        entry('K2', 11, '高新开发区', '开发区实验小学', '学校案例'),
        entry('Q1', 12, '鼓楼区', '鼓楼区教育局', '区县案例'),
        entry('G1', 13, '鼓楼区', '鼓楼第一小学'),
      ],
      cityPrizeQuotas,
    );
    let awards = await contestAwards(db, built.contestId);
    const byName = (name: string) => awards.quotas.find((q) => q.name === name)!;
    expect(awards.quotas.map((q) => q.name)).toEqual(['开发区推优名额', '市管学校推荐名额', '县（市）区推优名额']);
    expect(byName('开发区推优名额').units.map((u) => [u.unit, u.quota, u.recommended])).toEqual([['高新开发区', 30, ['K1', 'K2']]]);
    const schools = byName('市管学校推荐名额').units;
    expect(schools.map((u) => [u.unit, u.candidates, u.recommended.length])).toEqual([
      ['市第一中学', 8, 6],
      ['市第二中学', 1, 1],
    ]);
    expect(schools[0].recommended).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
    expect(byName('县（市）区推优名额').units.map((u) => [u.unit, u.recommended])).toEqual([['鼓楼区', ['G1']]]);
    expect(byName('县（市）区推优名额').exempt).toEqual(['Q1']);

    const id = (c: string) => built.ids.get(c)!;
    await setAwardOverride(db, {
      contestId: built.contestId,
      entryId: id('S6'),
      kind: 'quota',
      value: 'withhold',
      reason: '该校已有同主题案例入选',
      userId: null,
    });
    await setAwardOverride(db, {
      contestId: built.contestId,
      entryId: id('S7'),
      kind: 'quota',
      value: 'recommend',
      reason: '递补',
      userId: null,
    });
    await expect(
      setAwardOverride(db, { contestId: built.contestId, entryId: id('S8'), kind: 'quota', value: 'maybe', reason: '？', userId: null }),
    ).rejects.toThrow('应为推优（recommend）或不推优（withhold）');
    awards = await contestAwards(db, built.contestId);
    expect(byName('市管学校推荐名额').units[0].recommended).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S7']);

    // 13 valid entries at 15/25/35: ⌊1.95⌋=1, ⌊5.2⌋=5, ⌊9.75⌋=9 → 1/4/4
    expect(awards.groups[0].bands.map((b) => b.cap)).toEqual([1, 4, 4]);
    const seed = nextStageSeed(awards, ['一等奖', '推优']);
    expect(seed.seeded.find((s) => s.entryId === 'S1')!.via).toEqual(['一等奖', '推优']);
    expect(seed.seeded.map((s) => s.entryId)).not.toContain('S6');
    expect(seed.seeded.map((s) => s.entryId)).toContain('S7');
  });

  it('publishes versioned, hashed snapshots that later changes do not touch', async () => {
    built = await buildAwardContest(db, FUJIAN, 'regional-training', regionalEntries());
    await expect(publish(db, built.contestId, null)).rejects.toThrow('尚有 1 项问题未解决，不能公示');
    const first = await publish(db, built.contestId, null, '边界并列待评审会议决定，先行公示其余名单');
    expect(first.version).toBe(1);
    const v1 = (await getSnapshot(db, built.contestId, 1))!;
    expect(v1.intact).toBe(true);
    expect(v1.sha256).toBe(sha256Hex(canonicalJson(v1.snapshot)));
    expect(v1.snapshot.rules.yaml).toBe(fs.readFileSync(path.join('rules', FUJIAN), 'utf8'));
    expect(v1.snapshot.awards).toEqual(JSON.parse(JSON.stringify(await contestAwards(db, built.contestId))));

    await expect(publish(db, built.contestId, null)).rejects.toThrow('已有第 1 版公示，再次公示须填写理由');
    // Nothing changed: same content, same hash.
    const second = await publish(db, built.contestId, null, '公示期满重新确认');
    expect([second.version, second.sha256]).toEqual([2, first.sha256]);

    await band('FJ004', '一等奖', '评审会议决定');
    await band('FJ005', '二等奖', '评审会议决定');
    const third = await publish(db, built.contestId, null, '边界并列已决定');
    expect(third.version).toBe(3);
    expect(third.sha256).not.toBe(first.sha256);
    expect((await listPublications(db, built.contestId)).map((p) => [p.version, p.reason])).toEqual([
      [1, '边界并列待评审会议决定，先行公示其余名单'],
      [2, '公示期满重新确认'],
      [3, '边界并列已决定'],
    ]);
    expect((await getSnapshot(db, built.contestId))!.version).toBe(3);
    // Version 1 still holds the tie as it was.
    const frozen = regional((await getSnapshot(db, built.contestId, 1))!.snapshot.awards.groups);
    expect(frozen.ties[0].resolved).toBe(false);
    expect(bandCodes(frozen, '一等奖')).toEqual(codes(1, 3));
    expect(await getSnapshot(db, built.contestId, 9)).toBeUndefined();
    expect((await db.selectFrom('audit_log').select('reason').where('action', '=', 'award.publish').execute()).length).toBe(3);

    // A stored snapshot that was altered no longer matches its hash.
    const row = await db
      .selectFrom('award_publications')
      .select(['id', 'snapshot_json'])
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('award_publications')
      .set({ snapshot_json: row.snapshot_json.replace('FJ001', 'FJ999') as typeof row.snapshot_json })
      .where('id', '=', row.id)
      .execute();
    expect((await getSnapshot(db, built.contestId, 1))!.intact).toBe(false);
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined members, so equal content hashes equally', () => {
    expect(canonicalJson({ b: 1, a: [{ d: '二', c: 2 }, undefined], e: undefined })).toBe('{"a":[{"c":2,"d":"二"},null],"b":1}');
    expect(canonicalJson({ a: [{ c: 2, d: '二' }, null], b: 1 })).toBe(canonicalJson({ b: 1, a: [{ d: '二', c: 2 }, null] }));
    expect(() => canonicalJson({ x: Number.NaN })).toThrow('数值 NaN 无法写入');
  });
});

describe('awards CLI', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-awards-'));
    file = path.join(dir, 'cj.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[]): Promise<{ code: number; out: string }> {
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      chunks.push(String(chunk));
      return true;
    });
    try {
      return { code: await runCli([...args, '--db', file]), out: chunks.join('') };
    } finally {
      spy.mockRestore();
    }
  }

  it('prints the bands as JSON from 一等奖 down in rank order, adjusts with a reason and publishes', async () => {
    const db = await openMigratedDb(file);
    const built = await buildAwardContest(db, FUJIAN, 'regional-training', regionalEntries());
    const live = await contestAwards(db, built.contestId);
    await db.destroy();
    const id = String(built.contestId);

    const { code, out } = await cli(['awards', id, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    const g = json.groups.find((x: { categoryKey: string }) => x.categoryKey === 'regional-training');
    expect(g).toMatchObject({ category: '区域研修应用案例', group: null, valid: 47 });
    expect(g.bands.map((b: { name: string; count: number }) => [b.name, b.count])).toEqual([
      ['一等奖', 3],
      ['二等奖', 9],
      ['三等奖', 14],
    ]);
    expect(g.bands[0].entries).toEqual(
      entriesInBand(regional(live.groups), '一等奖').map((e) => ({ code: e.code, title: e.title, score: e.score })),
    );
    expect(g.ties).toEqual([expect.objectContaining({ entries: ['FJ004', 'FJ005'], upperBand: '一等奖', resolved: false })]);

    const text = await cli(['awards', id]);
    expect(text.out).toContain('【区域研修应用案例】有效作品 47 件');
    expect(text.out).toContain('待决定：2 件作品并列第 4 名');

    expect((await cli(['awards', 'adjust', id, 'FJ004', '--band', '一等奖'])).code).toBe(2);
    expect((await cli(['awards', 'adjust', id, 'FJ004', '--band', '一等奖', '--reason', '会议决定'])).code).toBe(0);
    expect((await cli(['awards', 'adjust', id, 'FJ005', '--none', '--reason', '会议决定'])).code).toBe(0);
    const after = JSON.parse((await cli(['awards', id, '--json'])).out);
    expect(after.canFinalize).toBe(true);
    expect(after.groups[0].bands[0].entries.map((e: { code: string }) => e.code)).toEqual(codes(1, 4));

    const published = await cli(['publish', id, '--json']);
    expect(published.code).toBe(0);
    expect(JSON.parse(published.out)).toMatchObject({ version: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
