import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentText, SuspectsContestGenerator, type Teacher } from '../scripts/lib/suspectsCorpus.ts';
import { CATEGORIES } from '../scripts/lib/plantedCorpus.ts';
import { type AttachmentInput, findSuspects, type Suspect, type SuspectEntry, type TextOverlap } from '../src/suspects/index.ts';
import { sameUnit } from '../src/suspects/names.ts';
import { titleCore } from '../src/suspects/titles.ts';
import { bigramBucket, countBigrams } from '../src/suspects/topics.ts';
import { MAX_COUNT } from '../src/suspects/vectors.ts';
import { normalize } from '../src/similarity/text/normalize.ts';

/**
 * Each signal alone and in combination, between two entries planted in a background of 60
 * generated works (the IDF of titles and topics is computed over the whole contest, as in
 * real use). Texts are generated prose; a "topic" is a 课题's own vocabulary woven in.
 */

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const video = (id: string): AttachmentInput => ({ name: '课堂实录.mp4', sha256: sha(`video ${id}`), size: 50e6 });
const [X, Y] = CATEGORIES;

const generator = new SuspectsContestGenerator(42);
const background: SuspectEntry[] = generator
  .contest({ seed: 42, works: 60, twinShare: 0, twinVideoShare: 0, secondWorkShare: 0, namesakeShare: 0, sentencesPerSection: [16, 24] })
  .works.map((w, i) => ({
    id: `background/${i}`,
    category: w.category,
    title: w.title,
    authors: [{ name: w.teacher.name, unit: w.teacher.school }],
    attachments: [video(`background ${i}`)],
    text: documentText(w),
  }));

const TEACHER: Teacher = { name: '欧阳明远', school: '佛山市禅城区第九小学', stage: '小学' };
const COLLEAGUE: Teacher = { name: '司马静怡', school: '韶关市浈江区第八中学', stage: '初中' };

/** A text on its own topic (a fresh 课题), or on the given one. */
const topic = () => generator.topic();
const text = (t = topic(), teacher = TEACHER): string =>
  generator
    .document(t, teacher, [16, 24])
    .flatMap((s) => [s.heading, ...s.paragraphs])
    .join('\n');

interface Side {
  teacher?: Teacher | null;
  authors?: SuspectEntry['authors'];
  category?: string;
  title?: string;
  attachments?: AttachmentInput[];
  text?: string;
}

let serial = 0;
function entry(id: string, side: Side): SuspectEntry {
  const teacher = side.teacher === undefined ? TEACHER : side.teacher;
  return {
    id,
    category: side.category ?? X,
    title: side.title ?? `${generator.topic().stem}的实践研究`,
    authors: side.authors ?? (teacher ? [{ name: teacher.name, unit: teacher.school }] : []),
    attachments: side.attachments ?? [video(`own ${id} ${serial++}`)],
    text: side.text ?? text(),
  };
}

/** Suspects between the two planted entries (and none involving only background entries). */
function pair(
  a: Side,
  b: Side,
  options: { overlaps?: TextOverlap[]; extra?: SuspectEntry[]; worksPerFirstAuthor?: (c: string) => number | undefined } = {},
): Suspect | undefined {
  const entries = [...background, ...(options.extra ?? []), entry('A', a), entry('B', { category: Y, ...b })];
  const suspects = findSuspects(entries, options.overlaps ?? [], { worksPerFirstAuthor: options.worksPerFirstAuthor });
  expect(suspects.filter((s) => s.a.startsWith('background/') && s.b.startsWith('background/'))).toEqual([]);
  return suspects.find((s) => s.a === 'A' && s.b === 'B');
}

describe('one signal alone', () => {
  it('the same video in two projects is 一稿多投, whoever the authors are', () => {
    const s = pair(
      { teacher: TEACHER, attachments: [video('shared')] },
      { teacher: COLLEAGUE, attachments: [{ ...video('shared'), name: '实录/第二课时.mp4' }] },
    );
    expect(s?.kind).toBe('一稿多投');
    expect(s?.reasons).toContain('相同视频：课堂实录.mp4 与 第二课时.mp4（文件内容完全相同）');
    expect(s?.signals).toMatchObject({ attachments: 1, person: 0, text: 0 });
  });

  it('a PDF or an archive counts as the same work, one shared photo does not, several do', () => {
    const file = (name: string, id: string): AttachmentInput => ({ name, sha256: sha(id), size: 1e6 });
    expect(
      pair({ teacher: TEACHER, attachments: [file('资源包.zip', 'zip')] }, { teacher: COLLEAGUE, attachments: [file('资源包.zip', 'zip')] })
        ?.kind,
    ).toBe('一稿多投');
    expect(
      pair({ teacher: TEACHER, attachments: [file('照片.jpg', 'p1')] }, { teacher: COLLEAGUE, attachments: [file('照片.jpg', 'p1')] }),
    ).toBeUndefined();
    const photos = ['p1', 'p2', 'p3', 'p4'].map((id) => file(`${id}.jpg`, id));
    const s = pair({ teacher: TEACHER, attachments: photos }, { teacher: COLLEAGUE, attachments: photos });
    expect(s?.kind).toBe('一稿多投');
    expect(s?.reasons.filter((r) => r.startsWith('相同图片'))).toHaveLength(4);
  });

  it('files many entries carry (a school logo) and forms (承诺书) are no evidence', () => {
    const logo: AttachmentInput = { name: '校徽.png', sha256: sha('logo'), size: 30e3 };
    const extra = [1, 2, 3].map((i) =>
      entry(`other/${i}`, { teacher: null, attachments: [logo, { name: '校徽视频.mp4', sha256: sha('logo video'), size: 9e6 }] }),
    );
    const pledge: AttachmentInput = { name: '原创承诺书.pdf', sha256: sha('pledge'), size: 2e5 };
    const intro: AttachmentInput = { name: '学校介绍.mp4', sha256: sha('logo video'), size: 9e6 };
    expect(
      pair({ teacher: TEACHER, attachments: [logo, pledge, intro] }, { teacher: COLLEAGUE, attachments: [logo, pledge, intro] }, { extra }),
    ).toBeUndefined();
    // the same files in two entries only are evidence again
    expect(pair({ teacher: TEACHER, attachments: [intro] }, { teacher: COLLEAGUE, attachments: [intro] })?.kind).toBe('一稿多投');
  });

  it('half of a document shared is 一稿多投; a fifth is not', () => {
    const overlap = (share: number): TextOverlap[] => [
      { a: 'A', b: 'B', aDocument: 'A/案例介绍.docx', bDocument: 'B/案例.docx', aShare: share, bShare: share * 0.9 },
    ];
    const s = pair({ teacher: TEACHER }, { teacher: COLLEAGUE }, { overlaps: overlap(0.55) });
    expect(s?.kind).toBe('一稿多投');
    expect(s?.reasons).toContain('文字重复：案例介绍.docx 的 55%、案例.docx 的 50% 与对方相同');
    expect(pair({ teacher: TEACHER }, { teacher: COLLEAGUE }, { overlaps: overlap(0.2) })).toBeUndefined();
  });

  it('the same teacher with two different works in two projects is no suspect', () => {
    expect(pair({ teacher: TEACHER }, { teacher: TEACHER })).toBeUndefined();
  });

  it('the same title stem by two different teachers is no suspect', () => {
    const t = topic();
    expect(
      pair({ teacher: TEACHER, title: `基于${t.stem}的实践探索` }, { teacher: COLLEAGUE, title: `${t.stem}应用案例` }),
    ).toBeUndefined();
  });

  it('in a contest of three entries, two different works of one teacher are no suspect: shared vocabulary is not a topic', () => {
    const entries = [entry('A', {}), entry('B', { category: Y }), entry('C', { teacher: COLLEAGUE })];
    expect(findSuspects(entries)).toEqual([]);
  });

  it('the same topic by two different teachers is no suspect', () => {
    const t = topic();
    expect(pair({ teacher: TEACHER, text: text(t) }, { teacher: COLLEAGUE, text: text(t, COLLEAGUE) })).toBeUndefined();
  });
});

describe('signals in combination', () => {
  it('one teacher, one title stem in two projects is 相似主题', () => {
    const t = topic();
    const s = pair({ title: `《${t.stem}》的实践研究` }, { title: `基于${t.stem}的探索与实践` });
    expect(s?.kind).toBe('相似主题');
    expect(s?.reasons[0]).toBe(`共同作者：${TEACHER.name}（${TEACHER.school}）`);
    expect(s?.reasons[1]).toMatch(
      /^标题相近：《《.+》的实践研究》与《基于.+的探索与实践》（去除套话后字面相似度 1\.00，关键词相似度 1\.00）$/,
    );
  });

  it('one teacher, one topic under two different titles is 相似主题, with the shared keywords', () => {
    const t = topic();
    const s = pair({ text: text(t) }, { text: text(t) });
    expect(s?.kind).toBe('相似主题');
    const reason = s?.reasons.find((r) => r.startsWith('文档主题相近'));
    expect(reason).toMatch(/^文档主题相近：共同关键词 .+（关键词向量余弦相似度 0\.\d\d，本竞赛无关作品之间一般不超过 0\.\d\d）$/);
    // the keywords named are the 课题's own
    const named = reason!
      .replace(/^文档主题相近：共同关键词 /, '')
      .replace(/（.*$/, '')
      .split('、');
    expect(named.filter((w) => t.vocabulary.some((v) => v.includes(w) || w.includes(v))).length).toBeGreaterThanOrEqual(named.length / 2);
  });

  it('a namesake at another school with a title and topic of the same subject is no suspect', () => {
    const mine = topic();
    const theirs = generator.topic(mine.subject, mine.domain);
    const namesake: Teacher = { ...TEACHER, school: '清远市花都区第三小学' };
    const s = pair(
      { title: `${mine.stem}的实践研究`, text: text(mine) },
      { teacher: namesake, title: `${theirs.stem}的实践研究`, text: text(theirs, namesake) },
    );
    expect(s).toBeUndefined();
  });

  it('the same name with no unit on one side counts as a probable same person', () => {
    const t = topic();
    const s = pair({ title: `${t.stem}的实践研究` }, { authors: [{ name: TEACHER.name }], title: `${t.stem}的案例` });
    expect(s?.kind).toBe('相似主题');
    expect(s?.reasons[0]).toBe(`同名作者：${TEACHER.name}（单位未填写，无法确认是否同一人）`);
    expect(s?.signals.person).toBe(0.8);
  });

  it('names match across traditional characters, full-width and spaces; a 主持人 among the authors counts', () => {
    const t = topic();
    const host = { name: '歐陽 明遠（主持人）', unit: '佛山市禅城区第九小学', role: '主持人' };
    const s = pair(
      { title: `${t.stem}的实践研究` },
      { authors: [{ name: '李华', unit: '佛山市禅城区第九小学' }, host], title: `${t.stem}的案例` },
    );
    expect(s?.reasons[0]).toBe('共同作者：欧阳明远（佛山市禅城区第九小学）');
  });

  it('the same video and the same title by the same teacher: 一稿多投 with every reason', () => {
    const t = topic();
    const s = pair(
      { title: `${t.stem}的实践研究`, attachments: [video('v')], text: text(t) },
      { title: `基于${t.stem}的案例`, attachments: [video('v')], text: text(t) },
    );
    expect(s?.kind).toBe('一稿多投');
    expect(s?.score).toBe(1);
    expect(s?.reasons.map((r) => r.slice(0, r.indexOf('：')))).toEqual(
      expect.arrayContaining(['共同作者', '标题相近', '文档主题相近', '相同视频']),
    );
  });

  it('the same title and topic under other authors (names changed) is 相似主题', () => {
    const t = topic();
    const body = text(t);
    const s = pair({ title: `${t.stem}的实践研究`, text: body }, { teacher: COLLEAGUE, title: `${t.stem}的实践研究`, text: body });
    expect(s?.kind).toBe('相似主题');
    expect(s?.signals.person).toBe(0);
  });

  it('within one project only where the rule set limits works per first author, and only for the same first author', () => {
    const t = topic();
    const a = { title: `${t.stem}的实践研究` };
    const b = { category: X, title: `基于${t.stem}的探索` };
    const limit = (c: string) => (c === X ? 1 : undefined);
    expect(pair(a, b)).toBeUndefined();
    const s = pair(a, b, { worksPerFirstAuthor: limit });
    expect(s?.kind).toBe('相似主题');
    expect(s?.reasons[0]).toBe(`同一第一作者 ${TEACHER.name} 在“${X}”中的两件作品（该项目每位第一作者限报 1 件）`);
    // a co-author in common is not the same first author
    const other = {
      ...b,
      authors: [
        { name: COLLEAGUE.name, unit: COLLEAGUE.school },
        { name: TEACHER.name, unit: TEACHER.school },
      ],
    };
    expect(pair(a, other, { worksPerFirstAuthor: limit })).toBeUndefined();
  });
});

describe('normalization', () => {
  it('titles lose 《》, punctuation and stock words', () => {
    expect(titleCore('《基于“双师课堂”的乡村英语教学实践探索》')).toBe('双师课堂乡村英语教学');
    expect(titleCore('乡村英语双师课堂教学应用案例')).toBe('乡村英语双师课堂教学');
  });

  it('units: the same school written short or in full; two schools of one name in two cities differ', () => {
    expect(sameUnit('佛山市南海区实验小学', '南海区实验小学')).toBe(true);
    expect(sameUnit('广州市第一中学', '深圳市第一中学')).toBe(false);
  });
});

describe('topic profiles', () => {
  /** The bigrams of normalize's arrays: two ideographs adjacent in the original too. */
  function reference(text: string): Map<number, number> {
    const { chars, offsets } = normalize(text);
    const counts = new Map<number, number>();
    for (let i = 1; i < chars.length; i++) {
      const [a, b] = [chars[i - 1], chars[i]];
      if (a < 0x3400 || a > 0x9fff || b < 0x3400 || b > 0x9fff || offsets[i] !== offsets[i - 1] + 1) continue;
      const bucket = bigramBucket(a, b);
      counts.set(bucket, Math.min(MAX_COUNT, (counts.get(bucket) ?? 0) + 1));
    }
    return counts;
  }

  it('count the bigrams normalization gives, traditional script, expansions, astral characters and punctuation included', () => {
    // simplified and traditional ideographs, a regional word, an expanding sign, an astral ideograph, punctuation, Latin
    const pieces = ['教', '学', '研', '修', '課', '堂', '軟體', '㍿', '𠀀', '，', '。', ' ', '\n', 'A', '智', '慧', '資', '訊'];
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...pieces), { maxLength: 300 }), { maxLength: 6 }), (parts) => {
        const texts = parts.map((p) => p.join(''));
        const counted = [...countBigrams(texts)].map(({ terms, counts }) => new Map(Array.from(terms, (t, k) => [t, counts[k]])));
        expect(counted).toEqual(texts.map(reference));
      }),
      { numRuns: 200 },
    );
  });
});
