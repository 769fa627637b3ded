import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fiveNumbers, scoreSpreads } from '../src/awards/distribution.ts';
import { contestAwards } from '../src/awards/store/contest.ts';
import { addMember } from '../src/contests/members.ts';
import { buildAwardContest, type EntrySpec } from './helpers/awards-contest.ts';
import { Client, startTestServer, type TestServer } from './server-helpers.ts';

/** Pictures of how experts score (a harsh one stands out) and of each category's final scores, with their numbers. */

const FUJIAN = 'fujian-platform-cases-training-and-scenarios.yaml';
// Five experts score eight entries; 赵评委 (the fourth) gives every entry 4 points less on each criterion.
const entries: EntrySpec[] = Array.from({ length: 8 }, (_, i) => {
  const level = 18 - (i % 4);
  const scores = (offset: number) => Array(5).fill(level + offset);
  return { code: `S${i + 1}`, title: `研修案例${i + 1}`, reviews: [scores(0), scores(0.5), scores(-0.5), scores(-4), scores(0)] };
});

let server: TestServer;
let contestId: number;
let organizer: Client;

beforeAll(async () => {
  server = await startTestServer();
  ({ contestId } = await buildAwardContest(server.db, FUJIAN, 'regional-training', entries));
  await addMember(server.db, contestId, 'organizer', 'organizer', null);
  organizer = new Client(server.app);
  await organizer.login('organizer');
});
afterAll(() => server?.close());

describe('score spreads', () => {
  it('summarises values by quartiles', () => {
    // Quartiles as Excel's QUARTILE.INC computes them.
    expect(fiveNumbers([70, 90, 80, 100, 60])).toEqual({ n: 5, min: 60, q1: 70, median: 80, q3: 90, max: 100, mean: 80 });
    expect(fiveNumbers([])).toBeNull();
  });

  it('finds the harsh expert and lists experts by pinyin', async () => {
    const [regional] = scoreSpreads(await contestAwards(server.db, contestId));
    expect(regional.category).toBe('区域研修应用案例');
    expect(regional.fullMarks).toBe(100);
    expect(regional.experts.map((x) => x.expert)).toEqual(['李评委', '钱评委', '王评委', '张评委', '赵评委']);
    const zhao = regional.experts.find((x) => x.expert === '赵评委')!;
    expect(zhao.leaning).toBe('harsh');
    expect(zhao.summary).toMatchObject({ n: 8, min: 55, max: 70, median: 62.5 });
    expect(regional.experts.filter((x) => x.leaning).map((x) => x.expert)).toEqual(['赵评委']);
    expect(regional.finals).toMatchObject({ n: 8 });
  });

  it('draws them on 评审进度 as SVG with the numbers in a table', async () => {
    const page = (await organizer.get(`/contests/${contestId}/progress`)).body;
    const chart = /<svg class="chart boxplot"[^>]*aria-labelledby="spread-0-title">([\s\S]*?)<\/svg>/.exec(page);
    expect(chart).not.toBeNull();
    const rows = [...chart![1].matchAll(/<g class="row" data-label="([^"]+)">/g)].map((m) => m[1]);
    expect(rows).toEqual(['李评委', '钱评委', '王评委', '张评委', '赵评委']);
    expect(chart![1]).toMatch(/<g class="row" data-label="赵评委">[\s\S]*?class="box harsh"/);
    const table = /<table class="data compact spread" id="spread-0-data">([\s\S]*?)<\/table>/.exec(page)![1];
    const zhao = /<tr class="harsh"><td class="nowrap">赵评委<\/td>((?:<td[^>]*>[^<]*<\/td>)+)<\/tr>/.exec(table)![1];
    expect([...zhao.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1])).toEqual([
      '8',
      '55',
      '58.75',
      '62.5',
      '66.25',
      '70',
      '62.5',
      expect.stringMatching(/^-\d\.\d\d$/),
      '评分明显偏严',
    ]);
    expect(page).toMatch(/<svg class="chart boxplot"[^>]*aria-labelledby="finals-title">/);
    expect(page).toContain('<title id="finals-title">各类别作品最终得分分布</title>');
  });
});
