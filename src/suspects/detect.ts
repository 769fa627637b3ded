import { identity } from './names.ts';
import type { TextOverlap } from './overlaps.ts';
import {
  combineSignals,
  describe,
  measure,
  type PreparedContest,
  type PreparedEntry,
  prepareEntries,
  type PrepareOptions,
  type SignalStrengths,
  type SuspectEntry,
  type SuspectKind,
} from './signals.ts';
import { topTerms } from './vectors.ts';

/**
 * 一稿多投 and 相似主题 suspects among a contest's entries: pairs in different projects (or,
 * where the rule set limits works per first author, two works of the same first author in
 * one project) whose combined signals pass the threshold. Pairs are found through inverted
 * indexes (author name, attachment hash, title words, keywords, shared text), never by
 * comparing every pair.
 */

export interface SuspectOptions extends PrepareOptions {
  /** Combined score at or above which a pair is a suspect. */
  threshold: number;
  /** Works one first author may enter in the category (职业教育专项: 1); undefined: no limit. */
  worksPerFirstAuthor: (category: string) => number | undefined;
}

export const DEFAULT_SUSPECT_OPTIONS: SuspectOptions = {
  threshold: 0.7,
  topicChars: 3000,
  commonAttachmentEntries: 3,
  worksPerFirstAuthor: () => undefined,
};

export interface Suspect {
  /** Entry ids, a before b in input order. */
  a: string;
  b: string;
  kind: SuspectKind;
  score: number;
  reasons: string[];
  signals: SignalStrengths;
}

/** Heaviest topic terms per entry used for blocking, and how many two entries must share to be compared. */
const BLOCKING_KEYWORDS = 8;
const SHARED_KEYWORDS = 3;
/** A keyword among the heaviest of more entries than this is a theme of the contest, not of a pair. */
const KEYWORD_POSTING = 50;

const pairKey = (x: number, y: number): number => x * 2 ** 26 + y;

/**
 * Whether a pair may be a suspect at all: false when not; null for two different projects;
 * for two works of the same first author in a project that limits works per first author,
 * the reason saying so.
 */
function pairRule(options: SuspectOptions) {
  return (p: PreparedEntry, q: PreparedEntry): string | null | false => {
    const [x, y] = [p.entry.category, q.entry.category];
    if (x === null || y === null) return false;
    if (x !== y) return null;
    const limit = options.worksPerFirstAuthor(x);
    if (limit === undefined || !p.firstAuthor || !q.firstAuthor) return false;
    const same = identity(p.firstAuthor, q.firstAuthor);
    if (same !== 'same' && same !== 'probable') return false;
    return `同一第一作者 ${p.firstAuthor.name} 在“${x}”中的两件作品（该项目每位第一作者限报 ${limit} 件）`;
  };
}

/** Candidate pairs (keys of index pairs, smaller first) the inverted indexes bring together: those sharing text are added to them. */
function blockingPairs(prepared: readonly PreparedEntry[]): Set<number> {
  const candidates = new Set<number>();
  const add = (x: number, y: number): void => {
    if (x !== y) candidates.add(x < y ? pairKey(x, y) : pairKey(y, x));
  };
  // A title word in more entries than this identifies no pair.
  const maxPosting = Math.max(30, Math.ceil(prepared.length * 0.01));

  const postings = <K>(keysOf: (p: PreparedEntry) => Iterable<K>): Map<K, number[]> => {
    const map = new Map<K, number[]>();
    prepared.forEach((p, i) => {
      for (const k of new Set(keysOf(p))) {
        const list = map.get(k);
        if (list) list.push(i);
        else map.set(k, [i]);
      }
    });
    return map;
  };
  const allPairs = (lists: Iterable<number[]>): void => {
    for (const list of lists) for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) add(list[i], list[j]);
  };
  /** Pairs sharing at least `min(x, y)` keys of postings no longer than `longest`. */
  const sharing = (lists: Iterable<number[]>, longest: number, min: (x: number, y: number) => number): void => {
    const counts = new Map<number, number>();
    for (const list of lists) {
      if (list.length > longest) continue;
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length; j++) {
          const key = pairKey(list[i], list[j]);
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
    }
    for (const [key, n] of counts) {
      const x = Math.floor(key / 2 ** 26);
      const y = key - x * 2 ** 26;
      if (n >= min(x, y)) candidates.add(key);
    }
  };

  allPairs(postings((p) => p.people.map((person) => person.key)).values());
  allPairs(postings((p) => p.attachments.keys()).values());
  sharing(postings((p) => p.titleVector.terms).values(), maxPosting, (x, y) =>
    Math.min(2, prepared[x].titleVector.terms.length, prepared[y].titleVector.terms.length),
  );
  sharing(postings((p) => topTerms(p.topic, BLOCKING_KEYWORDS)).values(), KEYWORD_POSTING, () => SHARED_KEYWORDS);
  return candidates;
}

/** The options given over the defaults (an undefined value keeps the default). */
export function suspectOptions(settings: Partial<SuspectOptions> = {}): SuspectOptions {
  const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_SUSPECT_OPTIONS, ...given };
}

/**
 * The suspects among `entries` (ids unique), with the text they share from the similarity
 * engine (`overlaps`, by entry id), highest score first.
 */
export function findSuspects(
  entries: readonly SuspectEntry[],
  overlaps: readonly TextOverlap[] = [],
  settings: Partial<SuspectOptions> = {},
): Suspect[] {
  const options = suspectOptions(settings);
  return detectSuspects(prepareDetection(entries, options), overlaps, options);
}

/** Entries prepared for detection: the inputs of their signals, and the pairs the inverted indexes bring together. */
export interface PreparedDetection {
  contest: PreparedContest;
  blocked: Set<number>;
}

/**
 * Most of the work of `findSuspects`, which needs no text overlaps: it can run while the
 * similarity engine finds them.
 */
export function prepareDetection(entries: readonly SuspectEntry[], options: SuspectOptions): PreparedDetection {
  const contest = prepareEntries(entries, options);
  return { contest, blocked: blockingPairs(contest.entries) };
}

/** `findSuspects` on entries prepared with the same options. */
export function detectSuspects(
  { contest, blocked }: PreparedDetection,
  overlaps: readonly TextOverlap[],
  options: SuspectOptions,
): Suspect[] {
  const prepared = contest.entries;
  const index = new Map(prepared.map((p, i) => [p.entry.id, i]));
  if (index.size !== prepared.length) throw new Error('作品编号重复，无法比对');
  const overlapOf = new Map<number, TextOverlap>();
  for (const o of overlaps) {
    const [x, y] = [index.get(o.a), index.get(o.b)];
    if (x !== undefined && y !== undefined) overlapOf.set(x < y ? pairKey(x, y) : pairKey(y, x), o);
  }
  const rule = pairRule(options);

  // With their positions in `entries`, the order ties are listed in.
  const found: { suspect: Suspect; x: number; y: number }[] = [];
  for (const key of new Set([...overlapOf.keys(), ...blocked])) {
    const x = Math.floor(key / 2 ** 26);
    const y = key - x * 2 ** 26;
    const [p, q] = [prepared[x], prepared[y]];
    const sameCategory = rule(p, q);
    if (sameCategory === false) continue;
    const measured = measure(p, q, overlapOf.get(key), contest.topicFloor);
    const { score, kind } = combineSignals(measured.signals, options.threshold);
    if (score < options.threshold) continue;
    const reasons = describe(measured, contest);
    const suspect: Suspect = {
      a: p.entry.id,
      b: q.entry.id,
      kind,
      score: Math.round(score * 1000) / 1000,
      reasons: sameCategory ? [sameCategory, ...reasons] : reasons,
      signals: measured.signals,
    };
    found.push({ suspect, x, y });
  }
  return found.sort((s, t) => t.suspect.score - s.suspect.score || s.x - t.x || s.y - t.y).map((f) => f.suspect);
}
