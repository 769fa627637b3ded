import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { intakeQuotaReport, pickProblem, type IntakeEntry } from '../src/intake/quotas.ts';
import { arrivedLate, intakeStageFor, stageSchedule } from '../src/intake/stages.ts';
import { requireRuleSet } from '../src/rules/load.ts';
import { matchUnit } from '../src/units/match.ts';
import { orderUnitRows, parseUnitList, type Unit, UnitTree } from '../src/units/tree.ts';
import { parseNoticeTime, shanghaiMinute } from '../src/util/time.ts';

const CITY = requireRuleSet(fs.readFileSync('rules/city-platform-application-special.yaml', 'utf8'), 'city.yaml');

/** 某市 → 3 区县, 1 开发区, 2 市管学校; schools under the counties (two counties each have a 实验小学). */
function cityTree(): UnitTree {
  const units: Unit[] = [
    { id: 1, parentId: null, name: '某市', kind: '市', aliases: [] },
    { id: 2, parentId: 1, name: '东湖区', kind: '区县', aliases: ['东湖'] },
    { id: 3, parentId: 1, name: '西山县', kind: '区县', aliases: [] },
    { id: 4, parentId: 1, name: '南岭县', kind: '区县', aliases: [] },
    { id: 5, parentId: 1, name: '高新技术产业开发区', kind: '开发区', aliases: ['高新区'] },
    { id: 6, parentId: 1, name: '市第一中学', kind: '市管学校', aliases: [] },
    { id: 7, parentId: 1, name: '市实验幼儿园', kind: '市管学校', aliases: [] },
    { id: 8, parentId: 2, name: '实验小学', kind: '学校', aliases: [] },
    { id: 9, parentId: 3, name: '实验小学', kind: '学校', aliases: [] },
    { id: 10, parentId: 3, name: '西山县第二中学', kind: '学校', aliases: [] },
  ];
  return new UnitTree(units);
}

describe('unit lists', () => {
  it('reads a list with kinds and parents, and a list laid out as 区县 and 学校 columns', () => {
    const flat = parseUnitList([
      ['某市报送单位名单'],
      ['单位名称', '单位类型', '上级单位', '别名'],
      ['东湖区', '区县', '', '东湖'],
      ['实验小学', '学校', '东湖区', ''],
      ['高新区', '', '', ''],
      ['市第一中学', '市管', '', ''],
      ['', '学校', '东湖区', ''],
      ['某校', '大学城', '', ''],
    ]);
    expect(flat.rows.map((r) => [r.name, r.kind, r.parent])).toEqual([
      ['东湖区', '区县', null],
      ['实验小学', '学校', '东湖区'],
      ['高新区', '开发区', null],
      ['市第一中学', '市管学校', null],
    ]);
    expect(flat.problems.map((p) => p.message)).toEqual([
      '第 7 行缺少单位名称，此行未导入',
      '第 8 行的单位类型“大学城”无法识别（可填：省、市、区县、开发区、市管学校、学校、其他），此行未导入',
    ]);
    const tree = parseUnitList([
      ['区县', '学校'],
      ['西山县', '实验小学'],
      ['西山县', '西山县第二中学'],
    ]);
    expect(tree.rows.map((r) => [r.name, r.kind, r.parent])).toEqual([
      ['西山县', '区县', null],
      ['实验小学', '学校', '西山县'],
      ['西山县第二中学', '学校', '西山县'],
    ]);
  });

  it('orders rows parents first and names rows whose parent is missing or that repeat', () => {
    const rows = [
      { row: 2, name: '实验小学', kind: '学校' as const, parent: '东湖区', aliases: [] },
      { row: 3, name: '东湖区', kind: '区县' as const, parent: null, aliases: [] },
      { row: 4, name: '东湖区', kind: '区县' as const, parent: null, aliases: [] },
      { row: 5, name: '二中', kind: '学校' as const, parent: '北关区', aliases: [] },
    ];
    const ordered = orderUnitRows(rows);
    expect(ordered.rows.map((r) => r.name)).toEqual(['东湖区', '实验小学']);
    expect(ordered.problems.map((p) => p.message)).toEqual([
      '第 4 行的“东湖区”与第 3 行重复，此行未导入',
      '第 5 行的上级单位“北关区”不在名单中，此行未导入',
    ]);
  });

  it('matches an entry to its unit as categories are matched, a county telling two schools of one name apart', () => {
    const tree = cityTree();
    const none = { sheetUnit: null, county: null, folderSchool: null, authorUnits: [], folders: [] };
    expect(matchUnit(tree, { ...none, sheetUnit: '西山县实验小学' }).unit).toBeNull();
    expect(matchUnit(tree, { ...none, sheetUnit: '实验小学', county: '西山县' }).unit?.id).toBe(9);
    expect(matchUnit(tree, { ...none, folderSchool: '实验小学', folders: ['东湖区', '小学+实验小学+张三'] })).toMatchObject({
      unit: { id: 8 },
      via: '文件夹',
    });
    expect(matchUnit(tree, { ...none, authorUnits: ['某市西山县第二中学'] })).toMatchObject({ unit: { id: 10 }, via: '作者单位' });
    // A county's own case (its 教育局) belongs to the county; an unknown unit stays unmatched with its label kept.
    expect(matchUnit(tree, { ...none, sheetUnit: '东湖区教育局', county: '东湖区' }).unit?.id).toBe(2);
    expect(matchUnit(tree, { ...none, sheetUnit: '高新区管委会' }).unit?.id).toBe(5);
    expect(matchUnit(tree, { ...none, authorUnits: ['外省某校'] })).toEqual({ unit: null, via: null, label: '外省某校' });
    expect(tree.path(9)).toBe('某市 / 西山县 / 实验小学');
    expect(tree.submitting(9)?.name).toBe('西山县');
  });
});

describe('quotas at intake', () => {
  const tree = cityTree();
  const entries = (unitId: number, n: number, from: number, extra: Partial<IntakeEntry> = {}): IntakeEntry[] =>
    Array.from({ length: n }, (_, i) => ({
      id: from + i,
      code: `E${from + i}`,
      title: `作品${from + i}`,
      unitId,
      categoryKey: 'platform-application-cases',
      group: '教师案例',
      intake: 'admitted',
      late: false,
      ...extra,
    }));

  it('names the county, its count and its quota, and lists exempt entries apart', () => {
    const all = [
      ...entries(8, 43, 1), // 东湖区's schools: 43 against 40
      ...entries(2, 1, 100, { group: '区县案例' }), // 东湖区教育局's 区域推广应用案例
      ...entries(10, 12, 200),
      ...entries(5, 31, 300),
      ...entries(6, 6, 400),
    ];
    const report = intakeQuotaReport(CITY.quotas, tree, all);
    expect(report.open.map((u) => u.message)).toEqual([
      '高新技术产业开发区报送 31 件，超出开发区推优名额（30 件）1 件',
      '东湖区报送 43 件，超出县（市）区推优名额（40 件）3 件，另有 1 件不占名额',
    ]);
    const east = report.units.find((u) => u.unitName === '东湖区');
    expect(east?.surplus.map((e) => e.code)).toEqual(['E41', 'E42', 'E43']);
    expect(report.exempt).toEqual([
      { quota: '县（市）区推优名额', unitName: '东湖区', entries: [{ id: 100, code: 'E100', title: '作品100' }] },
    ]);
    expect(report.units.find((u) => u.unitName === '市第一中学')?.open).toBe(false);
    // An accepted count settles the unit until more arrive.
    const accepted = intakeQuotaReport(CITY.quotas, tree, all, [
      { unitId: 2, quota: '县（市）区推优名额', decision: 'accept', count: 43, reason: '该区为试点区', by: '组织者', at: '' },
    ]);
    expect(accepted.open.map((u) => u.unitName)).toEqual(['高新技术产业开发区']);
    const more = intakeQuotaReport(
      CITY.quotas,
      tree,
      [...all, ...entries(8, 1, 500)],
      [{ unitId: 2, quota: '县（市）区推优名额', decision: 'accept', count: 43, reason: '该区为试点区', by: '组织者', at: '' }],
    );
    expect(more.open.map((u) => u.unitName)).toContain('东湖区');
  });

  it('refuses a pick beyond the quota or of another unit’s entries, in Chinese', () => {
    const report = intakeQuotaReport(CITY.quotas, tree, [...entries(8, 45, 1), ...entries(10, 2, 200)]);
    const east = report.units.find((u) => u.unitName === '东湖区');
    if (!east) throw new Error('no report for 东湖区');
    expect(
      pickProblem(
        east,
        Array.from({ length: 40 }, (_, i) => i + 1),
      ),
    ).toBeNull();
    expect(
      pickProblem(
        east,
        Array.from({ length: 41 }, (_, i) => i + 1),
      ),
    ).toBe('东湖区最多可推荐 40 件（县（市）区推优名额），已选 41 件，请减少 1 件');
    expect(pickProblem(east, [200])).toBe('所选作品中有 1 件不是东湖区需占名额的作品');
  });
});

describe('stages and deadlines', () => {
  it('resolves the notice’s dates in Asia/Shanghai, year-less ones in the contest’s year as defaults', () => {
    expect(parseNoticeTime('2024-08-20', 2000, 'closes')?.at).toBe('2024-08-20T15:59:00.000Z');
    expect(parseNoticeTime('2024-08-20', 2000, 'opens')?.at).toBe('2024-08-19T16:00:00.000Z');
    expect(parseNoticeTime('08-20 17:30', 2024, 'closes')).toEqual({ at: '2024-08-20T09:30:00.000Z', yearGiven: false });
    expect(parseNoticeTime('2024-02-30', 2024, 'closes')).toBeNull();
    const schedule = stageSchedule(CITY.stages, '2024-03-01T00:00:00.000Z');
    expect(schedule.map((s) => [s.name, s.closesAt && shanghaiMinute(s.closesAt), s.editableDefault])).toEqual([
      ['作品上传', '2024-07-25 23:59', true],
      ['校级推荐', '2024-07-31 23:59', true],
      ['区县推优', '2024-08-20 23:59', true],
      ['市级交流', null, true],
    ]);
    expect(intakeStageFor(schedule, '区县')?.name).toBe('区县推优');
    expect(intakeStageFor(schedule, '市管学校')?.name).toBe('校级推荐');
    const county = intakeStageFor(schedule, '开发区');
    expect(arrivedLate(county, '2024-08-20T15:58:00.000Z')).toBe(false);
    expect(arrivedLate(county, '2024-08-20T16:01:00.000Z')).toBe(true);
    const own = stageSchedule(CITY.stages, '2024-03-01T00:00:00.000Z', [{ stageKey: 'county', closesAt: '2024-08-25T10:00:00.000Z' }]);
    expect(own[2]).toMatchObject({ source: 'contest', editableDefault: false, closesAt: '2024-08-25T10:00:00.000Z' });
    // A 2024 notice's close in a contest created in 2026 is not applied: the organizer sets this year's.
    const national = requireRuleSet(fs.readFileSync('rules/2024-platform-cases-teacher-training.yaml', 'utf8'), 'n.yaml');
    const later = stageSchedule(national.stages, '2026-03-01T00:00:00.000Z');
    expect(later[0]).toMatchObject({ closesAt: null, staleClose: '2024-10-15T15:59:00.000Z', editableDefault: true });
    expect(stageSchedule(national.stages, '2024-09-01T00:00:00.000Z')[0]).toMatchObject({
      closesAt: '2024-10-15T15:59:00.000Z',
      staleClose: null,
    });
  });
});
