import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planAssignments, type AssignableEntry, type AssignableExpert } from '../src/judging/assign.ts';
import { conflictReason, sameUnit } from '../src/judging/conflicts.ts';

const units = ['第一中学', '实验小学', '育才小学', '城南中学', '城北幼儿园', '师范附属小学'];
const counties = ['东城区', '西城区', '开发区'];

const contestArb = fc.record({
  entries: fc.array(
    fc.record({
      unit: fc.constantFrom(...units),
      county: fc.constantFrom(...counties),
      panel: fc.constantFrom('A', 'B'),
    }),
    { maxLength: 60 },
  ),
  experts: fc.array(
    fc.record({
      unit: fc.constantFrom(...units, '教研室', '电教馆'),
      county: fc.constantFrom(...counties),
      panel: fc.constantFrom('A', 'B'),
    }),
    { minLength: 1, maxLength: 12 },
  ),
  perEntry: fc.integer({ min: 1, max: 5 }),
  avoidSameCounty: fc.boolean(),
});

function build(c: {
  entries: { unit: string; county: string; panel: string }[];
  experts: { unit: string; county: string; panel: string }[];
}) {
  const entries: AssignableEntry[] = c.entries.map((e, i) => ({
    id: i + 1,
    panel: e.panel,
    authors: [{ unit: e.unit, county: e.county }],
  }));
  const experts: AssignableExpert[] = c.experts.map((x, i) => ({ id: 100 + i, unit: x.unit, county: x.county, panels: [x.panel] }));
  return { entries, experts };
}

describe('conflict rules', () => {
  it('treats spacing, width and contained full names as the same unit', () => {
    expect(sameUnit('XX市 实验小学', 'XX市实验小学')).toBe(true);
    expect(sameUnit('ＸＸ市实验小学', 'xx市实验小学')).toBe(true);
    expect(sameUnit('XX市实验小学', 'XX市实验小学附属幼儿园')).toBe(true);
    expect(sameUnit('XX市实验小学', 'YY县第一中学')).toBe(false);
    expect(sameUnit('', '')).toBe(false);
  });
  it('names the reason', () => {
    expect(
      conflictReason({ unit: '第一中学', county: '东城区' }, [{ unit: '第一中学', county: '东城区' }], { avoidSameCounty: false }),
    ).toContain('同单位');
    expect(
      conflictReason({ unit: '教研室', county: '东城区' }, [{ unit: '第一中学', county: '东城区' }], { avoidSameCounty: true }),
    ).toContain('同区县');
    expect(
      conflictReason({ unit: '教研室', county: '东城区' }, [{ unit: '第一中学', county: '东城区' }], { avoidSameCounty: false }),
    ).toBeNull();
  });
});

describe('planAssignments', () => {
  it('never assigns a conflicted expert, fills every entry as far as possible and keeps panel loads within one', () => {
    fc.assert(
      fc.property(contestArb, (c) => {
        const { entries, experts } = build(c);
        const opts = { perEntry: c.perEntry, avoidSameCounty: c.avoidSameCounty };
        const plan = planAssignments(entries, experts, [], opts);
        const byEntry = new Map<number, number[]>();
        for (const a of plan.assignments) byEntry.set(a.entryId, [...(byEntry.get(a.entryId) ?? []), a.expertId]);
        for (const e of entries) {
          const got = byEntry.get(e.id) ?? [];
          expect(new Set(got).size).toBe(got.length);
          const eligible = experts.filter((x) => x.panels.includes(e.panel) && conflictReason(x, e.authors, opts) === null);
          expect(got.length).toBe(Math.min(c.perEntry, eligible.length));
          for (const x of got) expect(eligible.map((y) => y.id)).toContain(x);
        }
        // Without any conflict the loads of a panel differ by at most one.
        const conflictFree = entries.every((e) => experts.every((x) => conflictReason(x, e.authors, opts) === null));
        if (conflictFree) {
          for (const panel of ['A', 'B']) {
            const members = experts.filter((x) => x.panels.includes(panel));
            if (members.length === 0) continue;
            const loads = members.map((x) => plan.assignments.filter((a) => a.expertId === x.id).length);
            expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
          }
        }
        // A second run over its own result changes nothing.
        const again = planAssignments(
          entries,
          experts,
          plan.assignments.map((a) => ({ ...a, locked: false })),
          opts,
        );
        expect(again.added).toEqual([]);
        expect(again.removed).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('balances 90 entries × 3 over 7 experts to loads 38/39 and reports entries that cannot be filled', () => {
    const entries: AssignableEntry[] = Array.from({ length: 90 }, (_, i) => ({
      id: i + 1,
      panel: 'P',
      authors: [{ unit: `学校${i % 10}`, county: null }],
    }));
    const experts: AssignableExpert[] = Array.from({ length: 7 }, (_, i) => ({
      id: 50 + i,
      unit: `教研室${i}`,
      county: null,
      panels: ['P'],
    }));
    const plan = planAssignments(entries, experts, [], { perEntry: 3, avoidSameCounty: false });
    const loads = experts.map((x) => plan.assignments.filter((a) => a.expertId === x.id).length).sort();
    expect(loads.reduce((s, n) => s + n, 0)).toBe(270);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);

    const tiny = planAssignments(
      entries.slice(0, 1),
      [
        { id: 1, unit: '学校0', county: null, panels: ['P'] },
        { id: 2, unit: '电教馆', county: null, panels: ['P'] },
      ],
      [],
      {
        perEntry: 3,
        avoidSameCounty: false,
      },
    );
    expect(tiny.assignments).toEqual([{ entryId: 1, expertId: 2 }]);
    expect(tiny.shortfalls).toHaveLength(1);
    expect(tiny.shortfalls[0].reason).toContain('只有 1 位');
  });

  it('keeps locked (started) reviews, drops declined experts and replaces them', () => {
    const entries: AssignableEntry[] = [{ id: 1, panel: 'P', authors: [{ unit: '实验小学', county: null }] }];
    const experts: AssignableExpert[] = [1, 2, 3, 4].map((id) => ({ id, unit: `单位${id}`, county: null, panels: ['P'] }));
    const current = [
      { entryId: 1, expertId: 1, locked: true },
      { entryId: 1, expertId: 2, locked: false },
      { entryId: 1, expertId: 3, locked: false },
    ];
    const plan = planAssignments(entries, experts, current, {
      perEntry: 3,
      avoidSameCounty: false,
      declined: [{ entryId: 1, expertId: 2 }],
    });
    expect(plan.assignments.map((a) => a.expertId)).toEqual([1, 3, 4]);
    expect(plan.removed).toEqual([{ entryId: 1, expertId: 2 }]);
    expect(plan.added).toEqual([{ entryId: 1, expertId: 4 }]);
  });
});
