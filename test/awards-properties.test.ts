import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBands } from '../src/awards/bands.ts';
import type { BandOptions } from '../src/awards/caps.ts';
import { recommendByQuota, type QuotaEntry } from '../src/awards/quotas.ts';
import type { RankedEntry } from '../src/awards/ranking.ts';

/** Small deterministic PRNG so one generated seed expands into thousands of entries. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Shares in percent: the notices' 10/20/30 and 15/25/35, and arbitrary ones summing to at most 100.
const fromNotices = fc.constantFrom<number[]>([10, 20, 30], [15, 25, 35]);
const arbitraryShares = fc
  .array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 4 })
  .filter((ps) => ps.reduce((a, b) => a + b, 0) <= 100);

const contest = fc.record({
  n: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 5000 })),
  scoreLevels: fc.integer({ min: 1, max: 400 }), // few levels → many ties
  criteria: fc.integer({ min: 0, max: 2 }),
  criterionLevels: fc.integer({ min: 1, max: 4 }),
  percents: fc.oneof<fc.Arbitrary<number[]>[]>(fromNotices, arbitraryShares),
  rounding: fc.constantFrom<BandOptions['rounding']>('cumulative-floor', 'cumulative-half-up'),
  atLeastOneFirst: fc.boolean(),
  seed: fc.integer(),
});
type Contest = typeof contest extends fc.Arbitrary<infer T> ? T : never;

function entriesOf(c: Contest): RankedEntry[] {
  const random = mulberry32(c.seed);
  return Array.from({ length: c.n }, (_, i) => ({
    id: `E${i}`,
    score: Math.round((60 + Math.floor(random() * c.scoreLevels) * 0.1) * 100) / 100,
    tieBreak: Array.from({ length: c.criteria }, () => Math.floor(random() * c.criterionLevels)),
  }));
}

/** Cumulative seats in integer arithmetic on percentages: an oracle independent of decimal.js. */
function expectedEnds(n: number, percents: number[], options: BandOptions): number[] {
  let share = 0;
  const ends = percents.map((p) => {
    share += p;
    return options.rounding === 'cumulative-floor' ? Math.floor((n * share) / 100) : Math.floor((2 * n * share + 100) / 200);
  });
  if (options.atLeastOneFirst && n > 0) ends[0] = Math.max(ends[0], 1);
  for (let i = 1; i < ends.length; i++) ends[i] = Math.max(ends[i], ends[i - 1]);
  return ends;
}

/** Groups of fully tied entries, best first, by comparing [score, ...tieBreak] as tuples. */
function tieGroups(entries: RankedEntry[]): { start: number; ids: string[] }[] {
  const key = (e: RankedEntry) => [e.score, ...e.tieBreak];
  const better = (a: number[], b: number[]) => {
    const i = a.findIndex((x, j) => x !== b[j]);
    return i < 0 ? 0 : b[i] - a[i];
  };
  const sorted = [...entries].sort((a, b) => better(key(a), key(b)));
  const groups: { start: number; ids: string[]; key: number[] }[] = [];
  sorted.forEach((e, position) => {
    const last = groups.at(-1);
    if (last && better(last.key, key(e)) === 0) last.ids.push(e.id);
    else groups.push({ start: position, ids: [e.id], key: key(e) });
  });
  return groups.map(({ start, ids }) => ({ start, ids: ids.sort() }));
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

describe('award bands on random contests', () => {
  it('respect the caps, stay monotone in score, flag exactly the straddling ties and are deterministic', () => {
    fc.assert(
      fc.property(contest, (c) => {
        const entries = entriesOf(c);
        const bands = c.percents.map((p, i) => ({ name: `${i + 1}等奖`, ratio: p / 100 }));
        const options: BandOptions = { rounding: c.rounding, atLeastOneFirst: c.atLeastOneFirst };
        const r = computeBands(entries, bands, options);

        const ends = expectedEnds(c.n, c.percents, options);
        expect(r.caps.map((cap) => cap.cumulative)).toEqual(ends);

        // counts never exceed caps; everything assigned is within N
        r.counts.forEach((count, i) => {
          expect(count.count).toBeLessThanOrEqual(r.caps[i].cap);
        });
        const awarded = r.counts.reduce((sum, count) => sum + count.count, 0);
        expect(awarded).toBeLessThanOrEqual(Math.min(c.n, ends.at(-1)!));
        expect(r.assignments).toHaveLength(c.n);

        // ties flagged exactly when a group of fully tied entries straddles a band end
        const groups = tieGroups(entries);
        const straddling = groups.filter((g) => ends.some((end) => g.start < end && end < g.start + g.ids.length));
        expect(r.ties.map((t) => [t.rank, [...t.entryIds].sort()])).toEqual(straddling.map((g) => [g.start + 1, g.ids]));
        r.ties.forEach((t, i) => {
          const firstEnd = ends.find((end) => end > straddling[i].start)!;
          expect(t.seatsLeft).toBe(firstEnd - straddling[i].start);
        });

        // every other group sits wholly in the band its rank positions fall in
        const bandIndex = new Map(
          r.assignments.map((a) => [a.entryId, a.band === null ? null : bands.findIndex((b) => b.name === a.band)]),
        );
        const held = new Set(straddling.flatMap((g) => g.ids));
        for (const g of groups) {
          const expected = ends.findIndex((end) => g.start < end);
          for (const id of g.ids) expect(bandIndex.get(id)).toBe(held.has(id) ? null : expected < 0 ? null : expected);
        }
        expect(r.pending).toBe(held.size);

        // monotone: along the ranking, scores never rise and decided bands never improve
        let worstSoFar = -1;
        r.assignments.forEach((a, i) => {
          if (i > 0) expect(a.score).toBeLessThanOrEqual(r.assignments[i - 1].score);
          if (a.pending) return;
          const index = a.band === null ? bands.length : bandIndex.get(a.entryId)!;
          expect(index).toBeGreaterThanOrEqual(worstSoFar);
          worstSoFar = index;
        });

        // deterministic, whatever the input order
        expect(computeBands(shuffled(entries, mulberry32(c.seed ^ 0x5bd1e995)), bands, options)).toEqual(r);
      }),
      { numRuns: 200 },
    );
  });
});

describe('quotas on random units', () => {
  it('recommend at most the quota per unit, best first, and flag ties exactly at the quota boundary', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer(),
        (n, unitCount, defaultQuota, scoreLevels, seed) => {
          const random = mulberry32(seed);
          const entries: QuotaEntry[] = Array.from({ length: n }, (_, i) => ({
            id: `Q${i}`,
            unit: `单位${Math.floor(random() * unitCount)}`,
            score: 70 + Math.floor(random() * scoreLevels),
            tieBreak: [],
          }));
          const perUnit = { 单位0: 30, 单位1: 6 };
          for (const unit of recommendByQuota(entries, { defaultQuota, perUnit })) {
            const quota = unit.unit in perUnit ? perUnit[unit.unit as keyof typeof perUnit] : defaultQuota;
            expect(unit.quota).toBe(quota);
            expect(unit.recommended.length).toBeLessThanOrEqual(quota);
            const own = entries.filter((e) => e.unit === unit.unit);
            const straddling = tieGroups(own).filter((g) => g.start < quota && quota < g.start + g.ids.length);
            expect(unit.ties.map((t) => [...t.entryIds].sort())).toEqual(straddling.map((g) => g.ids));
            const lowestRecommended = Math.min(...unit.recommended.map((id) => own.find((e) => e.id === id)!.score));
            for (const e of own) {
              if (!unit.recommended.includes(e.id)) expect(e.score).toBeLessThanOrEqual(lowestRecommended);
            }
            // every seat before the boundary is filled except those held for a straddling group
            const held = straddling.length > 0 ? quota - straddling[0].start : 0;
            expect(unit.recommended.length).toBe(Math.min(quota, own.length) - held);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
