import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentText, SuspectsContestGenerator } from '../scripts/lib/suspectsCorpus.ts';
import { findSuspects, type SuspectEntry, type TextOverlap } from '../src/suspects/index.ts';
import { findSuspectsOnThread } from '../src/workers/suspects.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('suspect detection on its worker thread', () => {
  it('finds what findSuspects finds, with the entries sent in parts, and keeps two detections apart', async () => {
    const contest = new SuspectsContestGenerator(11).contest({
      seed: 11,
      works: 1_200,
      twinShare: 0.05,
      twinVideoShare: 0.8,
      secondWorkShare: 0.05,
      namesakeShare: 0.02,
      sentencesPerSection: [4, 6],
    });
    const entries: SuspectEntry[] = contest.works.map((w, i) => ({
      id: `${w.teacher.school}+${w.teacher.name}/${w.category}/${w.title}#${i}`,
      category: w.category,
      title: w.title,
      authors: [{ name: w.teacher.name, unit: w.teacher.school }],
      attachments: [{ name: '课堂实录.mp4', sha256: sha(`video ${w.videoId}`), size: 200e6 }],
      text: documentText(w),
    }));
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
