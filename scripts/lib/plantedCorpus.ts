import { Converter } from 'opencc-js/cn2t';
import { HEADINGS, ProseGenerator } from './prose.ts';
import { Random } from './random.ts';

/**
 * A corpus of case documents with planted copies, where every document's true duplication
 * rate is known by construction. Documents are built from sentences (pieces); a copied
 * passage is a run of a source's sentences, altered in one of the ways the checker must
 * see through, and marked as duplicate on both sides.
 */

export const ALTERATIONS = ['verbatim', 'punctuation', 'width', 'changedChar', 'lineBreaks', 'reordered', 'split', 'traditional'] as const;
export type Alteration = (typeof ALTERATIONS)[number];

export const CATEGORIES = ['区域研修应用案例', '校本研修应用案例', '线上工作室建设与应用案例', '创新场景应用案例'];

/** Requirement text of the notice and forms: the template. */
export const TEMPLATE_SENTENCES = [
  '案例介绍应包括基本情况、过程与举措、经验与成效、特色与创新等内容，字数在3000字左右。',
  '请根据国家中小学智慧教育平台应用典型案例征集要求，如实填写案例信息表并加盖单位公章。',
  '案例须为原创，不得抄袭他人成果，案例介绍重复率须低于30%，否则取消评选资格。',
  '相似主题不参加多个项目的评选，不得一稿多投，一经发现即取消参评资格。',
  '作者对作品的原创性负责，所提交材料不涉及国家秘密，不侵犯他人知识产权。',
  '每个案例作者不超过3人，同一单位作者不超过2人，团队成员总数不超过6人。',
];

/** A phrase that many entrants copied from elsewhere: common text. */
export const COMMON_SENTENCE = '坚持以学生发展为中心，推动信息技术与教育教学深度融合，促进教育公平与质量提升。';

type PieceKind = 'title' | 'heading' | 'template' | 'original' | 'common' | 'copied' | 'attribution';

interface Piece {
  text: string;
  kind: PieceKind;
  /** Documents this piece is duplicated with (both directions), by path. */
  sharedWith: Set<string>;
  quoted: boolean;
}

interface Draft {
  path: string;
  category: string | null;
  library: boolean;
  title: string;
  role: Role;
  alterations: Alteration[];
  paragraphs: Piece[][];
}

export type Role = 'original' | 'source' | 'copier' | 'identical' | 'twin' | 'library';

export interface Truth {
  countable: number;
  templateChars: number;
  duplicateChars: number;
  quotedDuplicateChars: number;
  rate: number;
  rateExcludingQuotes: number;
  maxSourceRate: number;
  /** Documents it shares planted text with. */
  sources: string[];
  /** Characters it shares with each of them. */
  sourceChars: Record<string, number>;
}

export interface PlantedDocument {
  /** Relative path: entries in the official layout, library documents under 往届获奖/. */
  path: string;
  category: string | null;
  library: boolean;
  role: Role;
  alterations: Alteration[];
  text: string;
  truth: Truth;
}

export interface PlantedCorpus {
  documents: PlantedDocument[];
  templates: string[];
  /** Cross-project twins (一稿多投): [path in one category, path in another]. */
  twins: [string, string][];
  commonText: string;
}

export interface CorpusSpec {
  seed: number;
  entries: number;
  library: number;
  /** Share of entries that copy from others. */
  copierShare: number;
  /** Sentences per document (about 30 countable characters each). */
  sentences: [number, number];
  twins: number;
  identical: number;
  /** Share of entries holding the common sentence (0 for none). */
  commonShare: number;
  template: boolean;
  /** Share of copied passages put in quotation marks or attributed with 引自. */
  quotedShare: number;
  /** Keep every true rate at least this far from the threshold (retrying seeds); 0 to skip. */
  thresholdMargin: number;
  threshold: number;
}

export const ACCURACY_SPEC: CorpusSpec = {
  seed: 20240601,
  entries: 140,
  library: 10,
  copierShare: 0.3,
  sentences: [45, 80],
  twins: 4,
  identical: 3,
  commonShare: 0.1,
  template: true,
  quotedShare: 0.2,
  thresholdMargin: 0.03,
  threshold: 0.3,
};

const COUNTABLE = /[\p{L}\p{N}]/gu;
export const countable = (text: string): number => text.normalize('NFKC').match(COUNTABLE)?.length ?? 0;

const toTraditional = Converter({ from: 'cn', to: 'tw' });
const STAGES = ['小学', '初中', '高中', '幼儿园'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰';

export function plantCorpus(spec: CorpusSpec): PlantedCorpus {
  for (let attempt = 0; ; attempt++) {
    const corpus = build(spec, spec.seed + attempt);
    const margin = spec.thresholdMargin;
    if (!margin || corpus.documents.every((d) => d.library || Math.abs(d.truth.rate - spec.threshold) >= margin)) return corpus;
    if (attempt === 100) throw new Error('no seed keeps the rates away from the threshold');
  }
}

function build(spec: CorpusSpec, seed: number): PlantedCorpus {
  const random = new Random(seed);
  const prose = new ProseGenerator(random);
  const piece = (text: string, kind: PieceKind): Piece => ({ text, kind, sharedWith: new Set(), quoted: false });
  const usedPaths = new Set<string>();

  const draft = (index: number, library: boolean, category: string | null, role: Role): Draft => {
    const title = prose.title();
    let path: string;
    do {
      const school = `${random.pick(['实验', '第一', '第二', '育才', '光明', '新华'])}${random.pick(STAGES)}`;
      const teacher = random.pick([...SURNAMES]) + random.pick([...GIVEN]) + (random.chance(0.5) ? random.pick([...GIVEN]) : '');
      path = library ? `往届获奖/${index}-${title}.txt` : `${random.pick(STAGES)}+${school}+${teacher}/${category}/${title}/案例介绍.txt`;
    } while (usedPaths.has(path));
    usedPaths.add(path);
    const paragraphs: Piece[][] = [[piece(title, 'title')]];
    if (spec.template && !library) {
      const preface = random.shuffle([...TEMPLATE_SENTENCES]).slice(0, random.int(2, 4));
      paragraphs.push(preface.map((t) => piece(random.chance(0.3) ? t.replace(/，/g, ', ') : t, 'template')));
    }
    const total = random.int(spec.sentences[0], spec.sentences[1]);
    const perSection = Math.max(3, Math.floor(total / 4));
    for (let s = 0; s < 4; s++) {
      paragraphs.push([piece(HEADINGS[s], 'heading')]);
      let left = perSection;
      while (left > 0) {
        const n = Math.min(left, random.int(3, 6));
        paragraphs.push(prose.paragraph(n).map((t) => piece(t, 'original')));
        left -= n;
      }
    }
    return { path, category, library, title, role, alterations: [], paragraphs };
  };

  const entries: Draft[] = Array.from({ length: spec.entries }, (_, i) => draft(i, false, CATEGORIES[i % CATEGORIES.length], 'original'));
  const library: Draft[] = Array.from({ length: spec.library }, (_, i) => draft(i, true, null, 'library'));
  const twins: [string, string][] = [];

  // identical documents and cross-project twins, each made from an original entry
  let next = 0;
  for (let i = 0; i < spec.identical && next + 1 < entries.length; i++, next += 2) {
    const [a, b] = [entries[next], entries[next + 1]];
    b.category = a.category;
    b.path = b.path.replace(/\/[^/]+\/([^/]+)\/案例介绍\.txt$/, `/${a.category}/$1/案例介绍.txt`);
    b.paragraphs = a.paragraphs.map((p) => p.map((x) => ({ ...x })));
    for (const x of a.paragraphs.flat()) x.sharedWith.add(a.path).add(b.path);
    a.role = b.role = 'identical';
  }
  for (let i = 0; i < spec.twins && next + 1 < entries.length; i++, next += 2) {
    const [a, b] = [entries[next], entries[next + 1]];
    if (a.category === b.category) b.category = CATEGORIES[(CATEGORIES.indexOf(a.category ?? '') + 1) % CATEGORIES.length];
    b.path = b.path.replace(/\/[^/]+\/([^/]+)\/案例介绍\.txt$/, `/${b.category}/$1/案例介绍.txt`);
    const alteration = random.pick(ALTERATIONS);
    b.alterations = [alteration];
    // the twin keeps its own title and adds a few sentences of its own
    b.paragraphs = a.paragraphs.map((p, pi) => {
      if (pi === 0) return b.paragraphs[0];
      const copy = p.map((x) => ({ ...x, sharedWith: new Set(x.kind === 'template' ? [] : [a.path, b.path]) }));
      if (p[0].kind !== 'original') return copy;
      const altered = alter(copy, alteration === 'reordered' ? 'verbatim' : alteration, random);
      // at the paragraph's end, where the alteration left the copied text whole
      if (random.chance(0.25)) altered.push(piece(prose.sentence(), 'original'));
      return altered;
    });
    for (const x of a.paragraphs.slice(1).flat()) if (x.kind !== 'template') x.sharedWith.add(a.path).add(b.path);
    a.role = b.role = 'twin';
    twins.push([a.path, b.path]);
  }

  // copiers copy runs of sentences from sources (other entries or the library)
  const plain = entries.slice(next);
  const copiers = plain.slice(0, Math.round(spec.copierShare * spec.entries));
  const sources = plain.slice(copiers.length);
  const targets = [0.06, 0.12, 0.2, 0.24, 0.38, 0.5, 0.65, 0.8];
  copiers.forEach((copier, ci) => {
    copier.role = 'copier';
    const target = targets[ci % targets.length];
    const own = countOf(copier, 'original');
    let toCopy = (target * own) / (1 - target);
    const from = Array.from({ length: random.int(1, 3) }, () =>
      library.length && random.chance(0.25) ? random.pick(library) : random.pick(sources),
    );
    let turn = 0;
    while (toCopy > 20) {
      const source = from[turn++ % from.length];
      if (source.role === 'original') source.role = 'source';
      const bodies = source.paragraphs.filter((p) => p[0].kind === 'original' && p.every((x) => !x.sharedWith.has(copier.path)));
      if (!bodies.length) break;
      const paragraph = random.pick(bodies);
      const length = Math.min(paragraph.length, random.int(2, 5));
      const start = random.int(0, paragraph.length - length);
      const run = paragraph.slice(start, start + length);
      // every copy of a sentence shares one set: copiers of the same passage share it with each other too
      for (const x of run) x.sharedWith.add(source.path).add(copier.path);
      const alteration = random.pick(ALTERATIONS);
      if (!copier.alterations.includes(alteration)) copier.alterations.push(alteration);
      const passage = alter(
        run.map((x) => ({ ...x, kind: 'copied' as const })),
        alteration,
        random,
      );
      // quoted passages keep to one paragraph, as quotations do
      if (alteration !== 'lineBreaks' && alteration !== 'split' && random.chance(spec.quotedShare))
        quote(passage, source, copier, random, piece);
      // into an existing body paragraph or as a paragraph of its own
      const bodiesOfCopier = copier.paragraphs.filter((p) => p[0].kind === 'original' || p[0].kind === 'copied');
      if (random.chance(0.5)) copier.paragraphs.splice(copier.paragraphs.indexOf(random.pick(bodiesOfCopier)) + 1, 0, passage);
      else insertPieces(random.pick(bodiesOfCopier), passage, random);
      toCopy -= run.reduce((n, x) => n + countable(x.text), 0);
    }
  });

  // the common sentence, in a share of the entries
  const commonHolders = spec.commonShare
    ? random.shuffle([...entries]).slice(0, Math.max(5, Math.round(spec.commonShare * spec.entries)))
    : [];
  for (const d of commonHolders) {
    const body = d.paragraphs.filter((p) => p[0].kind === 'original');
    insertPieces(random.pick(body), [piece(COMMON_SENTENCE, 'common')], random);
  }

  const documents = [...entries, ...library].map(finish);
  return { documents, templates: spec.template ? [TEMPLATE_SENTENCES.join('\n')] : [], twins, commonText: COMMON_SENTENCE };
}

/** Inserts pieces into a paragraph between two sentences, never inside a quotation. */
function insertPieces(host: Piece[], pieces: Piece[], random: Random): void {
  const allowed = [...Array(host.length + 1).keys()].filter((i) => !(host[i - 1]?.quoted && host[i]?.quoted));
  host.splice(random.pick(allowed), 0, ...pieces);
}

function countOf(d: Draft, kind: PieceKind): number {
  return d.paragraphs.flat().reduce((n, x) => n + (x.kind === kind ? countable(x.text) : 0), 0);
}

/**
 * Wraps a copied passage in quotation marks, or attributes a one-sentence passage with 引自
 * and the source's title, which is then text shared with the source too.
 */
function quote(passage: Piece[], source: Draft, copier: Draft, random: Random, piece: (t: string, k: PieceKind) => Piece): void {
  for (const x of passage) x.quoted = true;
  if (passage.length === 1 && random.chance(0.5)) {
    const title = source.paragraphs[0][0];
    title.sharedWith.add(source.path).add(copier.path);
    const attribution = [
      piece('（引自《', 'attribution'),
      { ...piece(title.text, 'attribution'), sharedWith: title.sharedWith },
      piece('》）', 'attribution'),
    ];
    for (const x of attribution) x.quoted = true; // an attribution is part of what it marks as quoted
    passage.push(...attribution);
    return;
  }
  const [open, close] = random.chance(0.5) ? ['“', '”'] : ['「', '」'];
  passage[0] = { ...passage[0], text: open + passage[0].text };
  const last = passage.length - 1;
  passage[last] = { ...passage[last], text: passage[last].text + close };
}

const FULL_WIDTH = (s: string): string => s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** A copied passage as the copier altered it. Countable characters are kept one for one. */
function alter(passage: Piece[], alteration: Alteration, random: Random): Piece[] {
  const each = (f: (t: string) => string): Piece[] => passage.map((x) => ({ ...x, text: f(x.text) }));
  const insertAt = (t: string, what: () => string, times: number): string => {
    let out = t;
    for (let i = 0; i < times; i++) {
      const at = random.int(1, Math.max(1, out.length - 1));
      out = out.slice(0, at) + what() + out.slice(at);
    }
    return out;
  };
  switch (alteration) {
    case 'verbatim':
      return passage;
    case 'punctuation':
      return each((t) =>
        insertAt(
          t.replace(/，/g, () => random.pick([',', '、', ' ', '；', ' , '])).replace(/。/g, () => random.pick(['.', '！', '；', '。 '])),
          () => ' ',
          2,
        ),
      );
    case 'width':
      return each((t) => FULL_WIDTH(t).replace(/，/g, ',').replace(/。/g, '.'));
    case 'lineBreaks':
      return each((t) => insertAt(t, () => random.pick(['\n', '\r\n', '\n\n']), random.int(1, 2)));
    case 'split':
      // table cells and paragraphs: the passage broken apart by cell and paragraph separators
      return each((t) => insertAt(t, () => random.pick(['\t', '\n\n', ' | ', '\n']), 1));
    case 'traditional':
      return each((t) => toTraditional(t));
    case 'reordered': {
      if (passage.length < 2) return passage;
      const order = passage.map((_, i) => i);
      while (order.every((v, i) => v === i)) random.shuffle(order);
      return order.map((i) => passage[i]);
    }
    case 'changedChar': {
      // a character changed every 15 to 20 (light edits, as copiers make them), never within 15 of the passage's ends
      const total = passage.reduce((n, x) => n + countable(x.text), 0);
      const out = passage.map((x) => ({ ...x }));
      for (let at = 15 + random.int(0, 5); at < total - 15; at += random.int(15, 20)) {
        let skip = at;
        for (const x of out) {
          const n = countable(x.text);
          if (skip >= n) {
            skip -= n;
            continue;
          }
          const chars = [...x.text];
          let seen = 0;
          for (let i = 0; i < chars.length; i++) {
            if (!/[\p{L}\p{N}]/u.test(chars[i])) continue;
            if (seen++ === skip) {
              if (/\p{Ideographic}/u.test(chars[i])) chars[i] = chars[i] === '的' ? '地' : '的';
              break;
            }
          }
          x.text = chars.join('');
          break;
        }
      }
      return out;
    }
  }
}

function finish(d: Draft): PlantedDocument {
  const pieces = d.paragraphs.flat();
  const text = d.paragraphs.map((p) => p.map((x) => x.text).join('')).join('\n');
  let countableChars = 0;
  let templateChars = 0;
  let duplicateChars = 0;
  let quotedDuplicateChars = 0;
  const perSource = new Map<string, number>();
  for (const x of pieces) {
    const n = countable(x.text);
    countableChars += n;
    if (x.kind === 'template') {
      templateChars += n;
      continue;
    }
    const shared = x.kind === 'common' || [...x.sharedWith].some((p) => p !== d.path);
    if (!shared) continue;
    duplicateChars += n;
    if (x.quoted) quotedDuplicateChars += n;
    for (const other of x.sharedWith) if (other !== d.path) perSource.set(other, (perSource.get(other) ?? 0) + n);
  }
  const denominator = countableChars - templateChars;
  return {
    path: d.path,
    category: d.category,
    library: d.library,
    role: d.role,
    alterations: d.alterations,
    text,
    truth: {
      countable: countableChars,
      templateChars,
      duplicateChars,
      quotedDuplicateChars,
      rate: duplicateChars / denominator,
      rateExcludingQuotes: (duplicateChars - quotedDuplicateChars) / denominator,
      maxSourceRate: Math.max(0, ...perSource.values()) / denominator,
      sources: [...perSource.keys()],
      sourceChars: Object.fromEntries(perSource),
    },
  };
}

/**
 * Writes the corpus as .txt files: entries under `entriesRoot` in the official layout, the
 * library under `libraryRoot`, the template as `templateFile`. Returns nothing; paths are the
 * documents' own.
 */
export async function writePlantedCorpus(
  corpus: PlantedCorpus,
  entriesRoot: string,
  libraryRoot: string,
  templateFile: string,
): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  for (const d of corpus.documents) {
    const file = d.library ? join(libraryRoot, d.path) : join(entriesRoot, d.path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, d.text);
  }
  await mkdir(dirname(templateFile), { recursive: true });
  await writeFile(templateFile, corpus.templates.join('\n'));
}
