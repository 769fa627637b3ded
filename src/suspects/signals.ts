import { diceCoefficient } from './dice.ts';
import { ATTACHMENT_STRENGTH, type AttachmentClass, type AttachmentInput, attachmentClass } from './attachments.ts';
import { anyOf, ramp } from './fold.ts';
import { type AuthorInput, describePerson, identity, type Person, personOf } from './names.ts';
import type { TextOverlap } from './overlaps.ts';
import { titleCore } from './titles.ts';
import { bigramBucket, countBigrams, TOPIC_BUCKETS, topicSample } from './topics.ts';
import { cosine, countTerms, type TermVector, tfidfVectors, Vocabulary } from './vectors.ts';
import { isContentWord, segmentWords, titleWords } from './words.ts';

/**
 * The signals between two entries, each a strength from 0 to 1 with its evidence in Chinese:
 * the same person among the authors, titles that say the same thing, documents about the
 * same topic, identical attachments, and text shared (from the similarity engine).
 */

export interface SuspectEntry {
  /** Unique: the entry's folder in a scan, its id in the database. */
  id: string;
  /** 参赛项目; null when unknown. */
  category: string | null;
  title: string;
  /** In order: the first is the first author. */
  authors: AuthorInput[];
  attachments: AttachmentInput[];
  /** Text of the entry's documents, for its topic; '' when none could be read. */
  text: string;
}

export interface SignalStrengths {
  person: number;
  title: number;
  topic: number;
  attachments: number;
  text: number;
}

export interface PreparedEntry {
  entry: SuspectEntry;
  people: Person[];
  firstAuthor: Person | null;
  titleCore: string;
  titleVector: TermVector;
  topic: TermVector;
  /** Shared-content evidence: sha256 → the file and what it counts as. */
  attachments: Map<string, { name: string; class: AttachmentClass }>;
}

export interface PrepareOptions {
  /** Characters of text a topic profile is built from (spread over the document). */
  topicChars: number;
  /** A file found in more entries than this is common material (a logo, a form), not evidence. */
  commonAttachmentEntries: number;
}

/** The entries of one comparison, with what their evidence is read back from. */
export interface PreparedContest {
  entries: PreparedEntry[];
  options: PrepareOptions;
  /** Topic cosine at which the topic signal starts to count in this contest (see topicFloor). */
  topicFloor: number;
}

/** Terms kept in a title or topic vector. */
const VECTOR_TERMS = 64;

/**
 * Similarities at which each signal starts to count and at which it is certain. Calibrated
 * on generated contests of 1,000 and 1,500 works (scripts/lib/suspectsCorpus.ts): titles of
 * unrelated works reach 0.45 one pair in a hundred, a re-entered 课题's titles 0.86 and more;
 * bigram profiles of unrelated documents reach a cosine of 0.18 one pair in a thousand (two
 * works of one teacher 0.19 at most), rewritten documents on one 课题 0.4 half the time.
 */
const TITLE_RAMP = [0.45, 0.85] as const;
/** The topic signal starts at the contest's floor (never below the first figure) and is certain this much above it. */
const TOPIC_FLOOR = 0.18;
const TOPIC_SPAN = 0.22;
/** Pairs sampled for the floor, and the share of them it must exceed. */
const FLOOR_SAMPLE = 5000;
const FLOOR_QUANTILE = 0.99;
/** Share of a document found in the other: half of it is certainly the same work (issue 3). */
const TEXT_RAMP = [0.1, 0.5] as const;
/** Strength of a named author that may be the same person (one unit unknown). */
const PROBABLE_PERSON = 0.8;
/** Same title and topic with no author in common (names changed) count, but less. */
const WITHOUT_COMMON_AUTHOR = 0.75;

/**
 * A text without its authors' names and units: they say who wrote it, not what it is about,
 * and would make two different works of one teacher look alike.
 */
function withoutAuthors(text: string, authors: readonly AuthorInput[]): string {
  let result = text;
  for (const a of authors) for (const s of [a.name, a.unit]) if (s && s.trim().length >= 2) result = result.replaceAll(s.trim(), '\n');
  return result;
}

/**
 * The cosine unrelated documents of this contest reach (its 99th percentile over sampled
 * pairs), or TOPIC_FLOOR if higher. In a small contest the IDF cannot tell topic words from
 * the vocabulary every write-up shares: among 10 generated unrelated documents one pair in a
 * hundred reaches 0.35, among 1,000 only 0.1. Sampling is deterministic, so results repeat.
 */
function topicFloor(topics: readonly TermVector[]): number {
  const n = topics.length;
  const cosines: number[] = [];
  if ((n * (n - 1)) / 2 <= FLOOR_SAMPLE) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) cosines.push(cosine(topics[i], topics[j]));
  } else {
    let state = 0x2545f491;
    const next = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
    while (cosines.length < FLOOR_SAMPLE) {
      const [i, j] = [next(), next()];
      if (i !== j) cosines.push(cosine(topics[i], topics[j]));
    }
  }
  if (cosines.length === 0) return TOPIC_FLOOR;
  cosines.sort((x, y) => x - y);
  return Math.max(TOPIC_FLOOR, cosines[Math.min(cosines.length - 1, Math.floor(cosines.length * FLOOR_QUANTILE))]);
}

/** The text each entry's topic is read from. */
function* topicTexts(entries: readonly SuspectEntry[], chars: number): Generator<string> {
  for (const e of entries) yield withoutAuthors(topicSample(e.text, chars), e.authors);
}

/** What every comparison needs, with the IDF of titles and of topics computed over these entries. */
export function prepareEntries(entries: readonly SuspectEntry[], options: PrepareOptions): PreparedContest {
  const titleVocabulary = new Vocabulary();
  const titles = entries.map((e) => titleCore(e.title));
  const titleCounts = titles.map((t) => countTerms(titleWords(t), titleVocabulary));
  const titleVectors = tfidfVectors(() => titleCounts, titleVocabulary.size, VECTOR_TERMS);
  // counted twice over rather than held: see tfidfVectors
  const topics = tfidfVectors(() => countBigrams(topicTexts(entries, options.topicChars)), TOPIC_BUCKETS, VECTOR_TERMS);

  const holders = new Map<string, Set<number>>();
  entries.forEach((e, i) => {
    for (const f of e.attachments) {
      if (!attachmentClass(f)) continue;
      const set = holders.get(f.sha256);
      if (set) set.add(i);
      else holders.set(f.sha256, new Set([i]));
    }
  });

  const prepared = entries.map((entry, i): PreparedEntry => {
    const attachments = new Map<string, { name: string; class: AttachmentClass }>();
    for (const f of entry.attachments) {
      const cls = attachmentClass(f);
      if (cls && (holders.get(f.sha256)?.size ?? 0) <= options.commonAttachmentEntries)
        attachments.set(f.sha256, { name: f.name, class: cls });
    }
    return {
      entry,
      people: entry.authors.map(personOf).filter((p): p is Person => p !== null),
      firstAuthor: entry.authors[0] ? personOf(entry.authors[0]) : null,
      titleCore: titles[i],
      titleVector: titleVectors[i],
      topic: topics[i],
      attachments,
    };
  });
  return { entries: prepared, options, topicFloor: topicFloor(topics) };
}

/** The measurements behind the signals of one pair. */
export interface Measurement {
  p: PreparedEntry;
  q: PreparedEntry;
  signals: SignalStrengths;
  people: { a: Person; b: Person; identity: 'same' | 'probable' | 'namesake' }[];
  titleLiteral: number;
  titleKeywords: number;
  topicCosine: number;
  sharedFiles: { a: string; b: string; class: AttachmentClass }[];
  overlap: TextOverlap | undefined;
}

/** Every signal between two prepared entries: numbers only, cheap enough for every candidate pair. */
export function measure(p: PreparedEntry, q: PreparedEntry, overlap: TextOverlap | undefined, floor: number): Measurement {
  const people: Measurement['people'] = [];
  let person = 0;
  for (const a of p.people) {
    for (const b of q.people) {
      const same = identity(a, b);
      if (!same) continue;
      people.push({ a, b, identity: same });
      person = Math.max(person, same === 'same' ? 1 : same === 'probable' ? PROBABLE_PERSON : 0);
    }
  }

  let [titleLiteral, titleKeywords] = [0, 0];
  if (p.titleCore && q.titleCore) {
    titleLiteral = p.titleCore === q.titleCore ? 1 : diceCoefficient(p.titleCore, q.titleCore);
    titleKeywords = cosine(p.titleVector, q.titleVector);
  }
  const topicCosine = cosine(p.topic, q.topic);

  const sharedFiles: Measurement['sharedFiles'] = [];
  for (const [sha, f] of p.attachments) {
    const g = q.attachments.get(sha);
    if (g) sharedFiles.push({ a: f.name, b: g.name, class: f.class });
  }

  return {
    p,
    q,
    signals: {
      person,
      title: ramp((titleLiteral + titleKeywords) / 2, ...TITLE_RAMP),
      topic: ramp(topicCosine, floor, floor + TOPIC_SPAN),
      attachments: anyOf(...sharedFiles.map((f) => ATTACHMENT_STRENGTH[f.class])),
      text: overlap ? ramp(Math.max(overlap.aShare, overlap.bShare), ...TEXT_RAMP) : 0,
    },
    people,
    titleLiteral,
    titleKeywords,
    topicCosine,
    sharedFiles,
    overlap,
  };
}

export type SuspectKind = '一稿多投' | '相似主题';

/**
 * Signals combined: the same work (attachments or text shared) or the same topic (an author
 * in common plus the title or the keywords; title and keywords together without one count
 * less). The score is the union of both; the kind is 一稿多投 when the same-work evidence
 * alone passes the threshold.
 */
export function combineSignals(s: SignalStrengths, threshold: number): { score: number; kind: SuspectKind } {
  const sameWork = anyOf(s.attachments, s.text);
  const sameTopic = Math.max(s.person * anyOf(s.title, s.topic), WITHOUT_COMMON_AUTHOR * s.title * s.topic);
  return { score: anyOf(sameWork, sameTopic), kind: sameWork >= threshold ? '一稿多投' : '相似主题' };
}

const percent = (x: number): string => `${Math.round(x * 100)}%`;
const fixed = (x: number): string => x.toFixed(2);
const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
/** Files named one by one in the evidence. */
const FILES_NAMED = 5;
const KEYWORDS_NAMED = 8;

/** Shared bigrams looked up as words, most contributing first. */
const KEYWORD_BIGRAMS = 16;
/** Characters each side of a bigram cut into words to find the word it belongs to. */
const KEYWORD_CONTEXT = 4;

/**
 * Words that carry two documents' topic similarity: the bigrams contributing most to the
 * cosine, each read as the jieba words around its first occurrence in the first document.
 * Run for reported pairs only, and cheap: a few short snippets are segmented, not documents.
 */
function sharedKeywords(m: Measurement, contest: PreparedContest): string[] {
  const contribution = new Map<number, number>();
  cosine(m.p.topic, m.q.topic, contribution);
  const wanted = new Map([...contribution].sort((x, y) => y[1] - x[1]).slice(0, KEYWORD_BIGRAMS));
  const text = topicSample(m.p.entry.text, contest.options.topicChars);
  const words = new Map<string, number>();
  for (let i = 1; i < text.length && wanted.size > 0; i++) {
    const bucket = bigramBucket(text.charCodeAt(i - 1), text.charCodeAt(i));
    const weight = wanted.get(bucket);
    if (weight === undefined) continue;
    wanted.delete(bucket);
    const start = Math.max(0, i - 1 - KEYWORD_CONTEXT);
    let at = start;
    for (const w of segmentWords(text.slice(start, i + 1 + KEYWORD_CONTEXT))) {
      // the words holding either character of the bigram (it may straddle two words)
      if (at <= i && i - 1 < at + w.length && isContentWord(w)) words.set(w, (words.get(w) ?? 0) + weight);
      at += w.length;
    }
  }
  return [...words]
    .sort((x, y) => y[1] - x[1])
    .slice(0, KEYWORDS_NAMED)
    .map(([w]) => w);
}

/** The evidence of a pair in Chinese, strongest first. */
export function describe(m: Measurement, contest: PreparedContest): string[] {
  const { p, q, signals } = m;
  // who comes first (it frames the rest), then the evidence, strongest first
  const people = m.people.map(({ a, b, identity }) =>
    identity === 'same'
      ? `共同作者：${describePerson(a)}`
      : identity === 'probable'
        ? `同名作者：${a.name}（单位未填写，无法确认是否同一人）`
        : `同名作者 ${a.name} 分属不同单位（${a.unit}、${b.unit}），不作同一人论`,
  );
  const reasons: [number, string][] = [];
  if (signals.title > 0)
    reasons.push([
      signals.title,
      `标题相近：《${p.entry.title}》与《${q.entry.title}》（去除套话后字面相似度 ${fixed(m.titleLiteral)}，关键词相似度 ${fixed(m.titleKeywords)}）`,
    ]);
  if (signals.topic > 0) {
    const words = sharedKeywords(m, contest);
    const measure = `关键词向量余弦相似度 ${fixed(m.topicCosine)}，本竞赛无关作品之间一般不超过 ${fixed(contest.topicFloor)}`;
    reasons.push([signals.topic, `文档主题相近：${words.length ? `共同关键词 ${words.join('、')}` : '用词分布接近'}（${measure}）`]);
  }
  const files = [...m.sharedFiles].sort((x, y) => ATTACHMENT_STRENGTH[y.class] - ATTACHMENT_STRENGTH[x.class]);
  for (const f of files.slice(0, FILES_NAMED)) {
    const names = basename(f.a) === basename(f.b) ? basename(f.a) : `${basename(f.a)} 与 ${basename(f.b)}`;
    reasons.push([ATTACHMENT_STRENGTH[f.class], `相同${f.class}：${names}（文件内容完全相同）`]);
  }
  if (files.length > FILES_NAMED) reasons.push([signals.attachments, `另有 ${files.length - FILES_NAMED} 个相同文件`]);
  if (m.overlap && signals.text > 0) {
    const o = m.overlap;
    const [aDoc, bDoc, aShare, bShare] =
      o.a === p.entry.id ? [o.aDocument, o.bDocument, o.aShare, o.bShare] : [o.bDocument, o.aDocument, o.bShare, o.aShare];
    reasons.push([signals.text, `文字重复：${basename(aDoc)} 的 ${percent(aShare)}、${basename(bDoc)} 的 ${percent(bShare)} 与对方相同`]);
  }
  return [...new Set([...people, ...reasons.sort((x, y) => y[0] - x[0]).map(([, r]) => r)])];
}
