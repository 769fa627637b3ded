import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentText, SuspectsContestGenerator } from '../scripts/lib/suspectsCorpus.ts';
import { findSuspects, type SuspectEntry, type TextOverlap } from '../src/suspects/index.ts';
import { findSuspectsOnThread, prepareSuspectsOnThread, suspectThread } from '../src/workers/suspects.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

function contestEntries(works: number, seed: number): SuspectEntry[] {
  const contest = new SuspectsContestGenerator(seed).contest({
    seed,
    works,
    twinShare: 0.05,
    twinVideoShare: 0.8,
    secondWorkShare: 0.05,
    namesakeShare: 0.02,
    sentencesPerSection: [4, 6],
  });
  return contest.works.map((w, i) => ({
    id: `${w.teacher.school}+${w.teacher.name}/${w.category}/${w.title}#${i}`,
    category: w.category,
    title: w.title,
    authors: [{ name: w.teacher.name, unit: w.teacher.school }],
    attachments: [{ name: '课堂实录.mp4', sha256: sha(`video ${w.videoId}`), size: 200e6 }],
    text: documentText(w),
  }));
}

describe('suspect detection on its worker thread', () => {
  it('prepares the entries while the caller goes on, then finds with the overlaps what findSuspects finds', async () => {
    const entries = contestEntries(700, 12);
    const thread = suspectThread();
    try {
      const prepared = await prepareSuspectsOnThread(entries, thread);
      // the overlaps are known only now (in a folder scan, once the engine is done)
      const overlaps: TextOverlap[] = [
        { a: entries[5].id, b: entries[600].id, aDocument: 'a/案例.docx', bDocument: 'b/案例.docx', aShare: 0.9, bShare: 0.8 },
      ];
      const found = await prepared.find({ overlaps });
      const expected = findSuspects(entries, overlaps);
      expect(found).toEqual(expected);
      expect(found.some((s) => [s.a, s.b].includes(entries[600].id) && s.signals.text > 0)).toBe(true);
      // given up instead: the thread forgets the entries and serves the next detection
      const other = await prepareSuspectsOnThread(entries.slice(0, 100), thread);
      other.drop();
      expect(await (await prepareSuspectsOnThread(entries.slice(0, 300), thread)).find({ overlaps: [] })).toEqual(
        findSuspects(entries.slice(0, 300)),
      );
    } finally {
      await thread.close();
    }
  });

  it('finds what findSuspects finds, with the entries sent in parts, and keeps two detections apart', async () => {
    const entries = contestEntries(1_200, 11);
    const overlaps: TextOverlap[] = [
      { a: entries[3].id, b: entries[900].id, aDocument: 'a/案例介绍.docx', bDocument: 'b/案例介绍.docx', aShare: 0.8, bShare: 0.7 },
    ];
    const settings = { threshold: 0.7, worksPerFirstAuthor: {} };
    const expected = findSuspects(entries, overlaps, { threshold: 0.7 });
    expect(expected.length).toBeGreaterThan(20);
    // two detections at once over the same thread: each gets its own entries (1,200 go in three parts)
    const [whole, half] = await Promise.all([
      findSuspectsOnThread({ entries, overlaps, ...settings }),
      findSuspectsOnThread({ entries: entries.slice(0, 600), overlaps: [], ...settings }),
    ]);
    expect(whole).toEqual(expected);
    expect(half).toEqual(findSuspects(entries.slice(0, 600), [], { threshold: 0.7 }));
  });
});
