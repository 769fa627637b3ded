/**
 * 一稿多投 / 相似主题 benchmark: suspect detection over a generated contest of 10,000 entries
 * of about 3,000 字 each (scripts/lib/suspectsCorpus.ts: Chinese names that repeat, titles
 * around subjects and domain phrases, 课题 vocabularies, one teacher in twenty entering one 课题
 * twice (four in five with the same video), one in twenty entering two different works, namesakes at other schools), each with a
 * video, two photos, a school logo many entries share and a 承诺书 form, plus text overlaps
 * as the similarity engine would report them. Prints the time suspect detection adds to a
 * scan (the texts and the engine's pairs are already there), peak RSS, and recall and false
 * suspects against the truth. Target: < 5 s on this 2-core machine.
 *
 *   npm run bench:suspects [-- --entries 10000]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { findSuspects, type SuspectEntry, type TextOverlap } from '../src/suspects/index.ts';
import { documentText, SuspectsContestGenerator } from './lib/suspectsCorpus.ts';
import { Random } from './lib/random.ts';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '10000' } } });
const ENTRIES = Number(values.entries);
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

const generatedAt = performance.now();
const contest = new SuspectsContestGenerator(20240601).contest({
  seed: 20240601,
  works: ENTRIES,
  twinShare: 0.05,
  twinVideoShare: 0.8,
  secondWorkShare: 0.05,
  namesakeShare: 0.02,
  sentencesPerSection: [16, 24],
});
const random = new Random(7);
const LOGOS = Array.from({ length: 20 }, (_, i) => sha(`logo ${i}`));
const entries: SuspectEntry[] = contest.works.map((w, i) => ({
  id: `${w.teacher.stage}+${w.teacher.school}+${w.teacher.name}/${w.category}/${w.title}#${i}`,
  category: w.category,
  title: w.title,
  authors: [{ name: w.teacher.name, unit: w.teacher.school }],
  attachments: [
    { name: '课堂实录.mp4', sha256: sha(`video ${w.videoId}`), size: 200e6 },
    { name: '活动照片1.jpg', sha256: sha(`photo ${i} 1`), size: 2e6 },
    { name: '活动照片2.jpg', sha256: sha(`photo ${i} 2`), size: 2e6 },
    { name: '校徽.png', sha256: random.pick(LOGOS), size: 30e3 },
    { name: '原创承诺书.pdf', sha256: sha(`承诺书 ${i % 3}`), size: 100e3 },
  ],
  text: documentText(w),
}));
// Text overlaps as the engine reports them: most small (shared phrases), a few planted copies.
const overlaps: TextOverlap[] = [];
for (let i = 0; i < ENTRIES / 20; i++) {
  const [a, b] = [random.int(0, ENTRIES - 1), random.int(0, ENTRIES - 1)];
  if (a === b) continue;
  const share = random.chance(0.1) ? 0.5 + random.next() * 0.5 : random.next() * 0.15;
  overlaps.push({
    a: entries[a].id,
    b: entries[b].id,
    aDocument: `${entries[a].id}/案例介绍.docx`,
    bDocument: `${entries[b].id}/案例介绍.docx`,
    aShare: share,
    bShare: share * random.next(),
  });
}
const chars = entries.reduce((n, e) => n + e.text.length, 0);
console.log(
  `生成 generated: ${ENTRIES} 件作品 entries, 平均 ${Math.round(chars / ENTRIES)} 字 chars/entry, ` +
    `${overlaps.length} 对文字重复 overlaps (${((performance.now() - generatedAt) / 1000).toFixed(1)} s)`,
);

const rssBefore = process.memoryUsage().rss;
const startedAt = performance.now();
const suspects = findSuspects(entries, overlaps);
const seconds = (performance.now() - startedAt) / 1000;
const peakRssMb = process.resourceUsage().maxRSS / 1024;

const key = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
const twins = new Set(contest.twins.map(([a, b]) => key(entries[a].id, entries[b].id)));
const categoryOf = (id: string) => entries[Number(id.split('#')[1])].category;
const copies = new Set(
  overlaps.filter((o) => Math.max(o.aShare, o.bShare) >= 0.5 && categoryOf(o.a) !== categoryOf(o.b)).map((o) => key(o.a, o.b)),
);
const found = new Set(suspects.map((s) => key(s.a, s.b)));
const missed = [...twins].filter((k) => !found.has(k)).length;
const falseSuspects = suspects.filter((s) => !twins.has(key(s.a, s.b)) && !copies.has(key(s.a, s.b))).length;

console.log(`嫌疑检测耗时 added time: ${seconds.toFixed(2)} s（目标 target < 5 s）`);
console.log(`峰值内存 peak RSS: ${peakRssMb.toFixed(0)} MB（检测前 before detection ${(rssBefore / 2 ** 20).toFixed(0)} MB）`);
const ofKind = (kind: string) => suspects.filter((s) => s.kind === kind).length;
console.log(
  `嫌疑 suspects: ${suspects.length}（一稿多投 ${ofKind('一稿多投')}，相似主题 ${ofKind('相似主题')}）；` +
    `一题两投 twins ${twins.size}，漏检 missed ${missed}；跨项目抄袭 planted copies ${copies.size}；` +
    `其他嫌疑 other suspects ${falseSuspects}（每 50 件 ${((falseSuspects / ENTRIES) * 50).toFixed(2)}）`,
);
