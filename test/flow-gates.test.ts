import { describe, expect, it } from 'vitest';
import { entryGates, type GateEntry, type GateInput } from '../src/flow/gates.ts';
import { contestFlow, type FlowFacts } from '../src/flow/stages.ts';

/** The gates between the stages and the contest's way through, on plain data. */

const entry = (code: string, extra: Partial<GateEntry> = {}): GateEntry => ({
  id: Number(code.slice(1)),
  code,
  status: 'submitted',
  createdAt: '2024-05-01T08:00:00.000Z',
  eligibility: { verdict: 'pass', failed: [], warned: [], checkedAt: '2024-05-02T08:00:00.000Z' },
  openChecks: [],
  rate: 0.1,
  similarityDecision: null,
  ...extra,
});

const input = (entries: GateEntry[], extra: Partial<GateInput> = {}): GateInput => ({
  threshold: 0.3,
  latestImportAt: '2024-05-01T09:00:00.000Z',
  scan: { version: 1, startedAt: '2024-05-03T08:00:00.000Z' },
  entries,
  suspects: [],
  ...extra,
});

const summary = (i: GateInput) => entryGates(i).blockers.map((b) => [b.code, b.kind, b.message]);

describe('entry gates', () => {
  it('passes an entry whose 形式审查 passed, 重复率 is under the threshold and which is in no open suspect pair', () => {
    expect(entryGates(input([entry('E1')]))).toEqual({ held: new Map(), blockers: [] });
  });

  it('holds entries not checked, failing, needing a look or with an open manual check; an organizer’s 通过 clears them', () => {
    const gates = entryGates(
      input([
        entry('E1', { eligibility: null }),
        entry('E2', { eligibility: { verdict: 'fail', failed: ['缺少信息表'], warned: [], checkedAt: '2024-05-02T08:00:00.000Z' } }),
        entry('E3', { eligibility: { verdict: 'warn', failed: [], warned: ['字数偏少'], checkedAt: '2024-05-02T08:00:00.000Z' } }),
        entry('E4', { openChecks: ['有政治原则性错误、概念性错误及存在弄虚作假行为的案例，取消参加资格'] }),
        entry('E5', { status: 'eligible', eligibility: null }),
        entry('E6', { status: 'disqualified', eligibility: null }),
      ]),
    );
    expect(gates.blockers.map((b) => [b.code, b.kind, b.decidedIn, b.message])).toEqual([
      ['E1', 'eligibility', 'eligibility', '作品 E1：尚未形式审查；须在形式审查中审定'],
      ['E2', 'eligibility', 'eligibility', '作品 E2：形式审查不通过：缺少信息表；须在形式审查中审定'],
      ['E3', 'eligibility', 'eligibility', '作品 E3：形式审查有 1 项需核对：字数偏少；须在形式审查中审定'],
      [
        'E4',
        'eligibility',
        'eligibility',
        '作品 E4：人工核查 1 项未确认：有政治原则性错误、概念性错误及存在弄虚作假行为的案例，取消参加资格；须在形式审查中审定',
      ],
    ]);
    expect([...gates.held.keys()]).toEqual([1, 2, 3, 4]);
  });

  it('holds an entry at or above the threshold until 保留, and again when its rate rises after the decision', () => {
    expect(summary(input([entry('E1', { rate: 0.3 }), entry('E2', { rate: 0.2999 })]))).toEqual([
      ['E1', 'similarity', '作品 E1：重复率 30.0%，达到 30.0% 的阈值；须在查重中作出保留或取消资格的决定'],
    ]);
    const kept = { decision: '保留' as const, rate: 0.42 };
    expect(summary(input([entry('E1', { rate: 0.42, similarityDecision: kept })]))).toEqual([]);
    expect(summary(input([entry('E1', { rate: 0.61, similarityDecision: kept })]))).toEqual([
      [
        'E1',
        'similarity',
        '作品 E1：重复率 61.0%，达到 30.0% 的阈值（保留决定针对的重复率为 42.0%，此后已升高）；须在查重中作出保留或取消资格的决定',
      ],
    ]);
  });

  it('holds every entry of a pair not yet decided, naming the other', () => {
    const suspects = [
      { a: 'E1', b: 'E2', kind: '一稿多投' as const, decided: false },
      { a: 'E1', b: 'E3', kind: '相似主题' as const, decided: true },
    ];
    expect(summary(input([entry('E1'), entry('E2'), entry('E3')], { suspects }))).toEqual([
      ['E1', 'suspect', '作品 E1：与 一稿多投·E2 的嫌疑尚未处理；须在一稿多投与相似主题中决定'],
      ['E2', 'suspect', '作品 E2：与 一稿多投·E1 的嫌疑尚未处理；须在一稿多投与相似主题中决定'],
    ]);
  });

  it('holds every entry of a contest never scanned, and one imported after the scan; a scan or check older than an import is stale', () => {
    const never = entryGates(input([entry('E1', { rate: null }), entry('E2', { rate: null })], { scan: null }));
    expect(never.blockers.map((b) => [b.code, b.kind, b.entryCodes])).toEqual([[null, 'similarity', ['E1', 'E2']]]);
    expect(never.held.size).toBe(2);

    const late = input([entry('E1'), entry('E2', { rate: null, createdAt: '2024-05-04T08:00:00.000Z' })], {
      latestImportAt: '2024-05-04T08:01:00.000Z',
    });
    expect(summary(late)).toEqual([
      ['E2', 'similarity', '作品 E2：在第 1 次查重之后导入，尚未查重；须在查重中作出保留或取消资格的决定'],
      [null, 'stale', '第 1 次查重早于最近一次导入（2024-05-04 16:01）：请重新查重'],
      [null, 'stale', '形式审查结果早于最近一次导入（2024-05-04 16:01）：请重新运行形式审查'],
    ]);
  });
});

describe('contest flow', () => {
  const facts = (extra: Partial<FlowFacts> = {}): FlowFacts => ({
    entries: { total: 12, valid: 12, files: 30 },
    importRunning: false,
    eligibility: { checked: 12, pass: 12, warn: 0, fail: 0, decided: 0, unchecked: 0, openChecks: 0 },
    similarity: { scanVersion: 1, scanRunning: false, flagged: 0, suspects: 0, suspectsOpen: 0 },
    judging: { assignments: 36, submitted: 36, entriesMissing: 0 },
    blockers: [],
    awards: { banded: 7, canFinalize: true },
    publication: { versions: 0, latestAt: null },
    ...extra,
  });

  it('walks 导入 → 形式审查 → 查重 → 评审 → 评奖 → 公示 with states and the next action', () => {
    const fresh = contestFlow(
      facts({
        entries: { total: 0, valid: 0, files: 0 },
        eligibility: { checked: 0, pass: 0, warn: 0, fail: 0, decided: 0, unchecked: 0, openChecks: 0 },
        similarity: { scanVersion: null, scanRunning: false, flagged: 0, suspects: 0, suspectsOpen: 0 },
        judging: { assignments: 0, submitted: 0, entriesMissing: 0 },
        awards: { banded: 0, canFinalize: true },
      }),
    );
    expect(fresh.stages.map((s) => [s.label, s.stateLabel])).toEqual([
      ['导入', '未开始'],
      ['形式审查', '未开始'],
      ['查重', '未开始'],
      ['评审', '未开始'],
      ['评奖', '未开始'],
      ['公示', '未开始'],
    ]);
    expect(fresh.next).toBe('import');
    const done = contestFlow(facts({ publication: { versions: 1, latestAt: '2024-06-01T00:00:00.000Z' } }));
    expect(done.stages.every((s) => s.state === 'done')).toBe(true);
    expect(done.next).toBeNull();
  });

  it('counts what is open per stage and warns when judging starts before 形式审查', () => {
    const blockers = [
      { kind: 'eligibility' as const, decidedIn: 'eligibility' as const, code: 'E1', entryCodes: ['E1'], message: '' },
      { kind: 'similarity' as const, decidedIn: 'similarity' as const, code: 'E2', entryCodes: ['E2'], message: '' },
      { kind: 'review' as const, decidedIn: 'awards' as const, code: 'E3', entryCodes: ['E3'], message: '' },
    ];
    const flow = contestFlow(
      facts({
        blockers,
        eligibility: { checked: 8, pass: 7, warn: 1, fail: 0, decided: 0, unchecked: 4, openChecks: 0 },
        similarity: { scanVersion: 1, scanRunning: false, flagged: 1, suspects: 2, suspectsOpen: 1 },
        awards: { banded: 5, canFinalize: false },
      }),
    );
    const state = Object.fromEntries(flow.stages.map((s) => [s.key, s.stateLabel]));
    expect(state).toEqual({
      import: '已完成',
      eligibility: '有待处理 1 项',
      similarity: '有待处理 2 项',
      judging: '有待处理 1 项',
      awards: '有待处理 3 项',
      publication: '未开始',
    });
    expect(flow.next).toBe('eligibility');
    expect(flow.stages.find((s) => s.key === 'judging')?.warning).toBe(
      '现在分配专家将跳过：4 件作品尚未经形式审查。这些作品的评审可能因不合格或重复而作废。',
    );
  });
});
