import { kgramHashes } from '../../src/similarity/hashing/kgrams.ts';
import { normalize } from '../../src/similarity/text/normalize.ts';
import { CATEGORIES } from './plantedCorpus.ts';
import { HEADINGS } from './prose.ts';
import { Random } from './random.ts';

/**
 * A corpus built like a real contest: documents of about 3,000 characters of prose from an
 * order-2 character model trained on real Chinese text, salted with clauses of the
 * competition notices (a few popular with many documents, most with a handful, as the stock
 * phrases of real entries are), beside planted copies (5% of the entries copy passages of
 * others, half of them with a character changed every 15 to 20), verbatim twins sent to two
 * categories (一稿多投) and library sources. Documents then share many short incidental
 * passages with one another, as real ones do.
 *
 * Each entry's true rate follows the contract: the planted passages (changed characters
 * included), and every other passage of `minMatch` characters another document holds verbatim,
 * found by brute force over all k-grams.
 */

export interface RealisticSpec {
  seed: number;
  entries: number;
  library: number;
  /** Countable characters per document, about. */
  chars: number;
  copierShare: number;
  twins: number;
  /** Notice clauses salted into each document. */
  salt: [number, number];
  minMatch: number;
}

export const REALISTIC_SPEC: Omit<RealisticSpec, 'seed' | 'entries' | 'library' | 'twins'> = {
  chars: 3000,
  copierShare: 0.05,
  salt: [15, 30],
  minMatch: 13,
};

export interface RealisticDocument {
  path: string;
  category: string | null;
  library: boolean;
  role: 'original' | 'copier' | 'twin' | 'library';
  text: string;
  /** True rate (entries), null for library documents. */
  rate: number | null;
}

export interface RealisticCorpus {
  documents: RealisticDocument[];
  /** Cross-project twins: [path, path]. */
  twins: [string, string][];
}

/** An order-2 character model: the next character drawn from those that followed the last two in the training text. */
export class CharModel {
  private readonly next = new Map<number, { chars: Uint16Array; cumulative: Uint32Array }>();

  constructor(sentences: readonly string[]) {
    const counts = new Map<number, Map<number, number>>();
    for (const s of sentences) {
      let a = 0;
      let b = 0;
      for (let i = 0; i <= s.length; i++) {
        const c = i < s.length ? s.charCodeAt(i) : 0;
        const context = a * 65536 + b;
        const m = counts.get(context) ?? new Map<number, number>();
        counts.set(context, m.set(c, (m.get(c) ?? 0) + 1));
        a = b;
        b = c;
      }
    }
    for (const [context, m] of counts) {
      const chars = Uint16Array.from(m.keys());
      const cumulative = new Uint32Array(chars.length);
      let total = 0;
      chars.forEach((c, i) => {
        total += m.get(c) ?? 0;
        cumulative[i] = total;
      });
      this.next.set(context, { chars, cumulative });
    }
  }

  /** One sentence (ending where a training sentence ended, or cut at `max` with 。). */
  sentence(random: Random, max = 60): string {
    let a = 0;
    let b = 0;
    let out = '';
    for (;;) {
      const options = this.next.get(a * 65536 + b);
      if (!options) break;
      const r = random.next() * options.cumulative[options.cumulative.length - 1];
      let lo = 0;
      let hi = options.cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (options.cumulative[mid] > r) hi = mid;
        else lo = mid + 1;
      }
      const c = options.chars[lo];
      if (c === 0 || out.length >= max) break;
      out += String.fromCharCode(c);
      a = b;
      b = c;
    }
    return /[。！？；]$/.test(out) ? out : `${out}。`;
  }
}

/** Clauses of the notices: the stock phrases entries borrow. */
export function noticeClauses(notices: readonly string[]): string[] {
  const clauses = new Set<string>();
  for (const text of notices)
    for (const c of text.replace(/\[bookmark:[^\]]*\]/g, '').split(/[，。；：、！？“”（）《》\s()[\]]+/)) {
      const countable = normalize(c).chars.length;
      if (countable >= 6 && countable <= 40) clauses.add(c);
    }
  return [...clauses];
}

interface Sentence {
  text: string;
  /** Planted: copied into another document, or copied from one. */
  planted: boolean;
}

interface Draft {
  path: string;
  category: string | null;
  library: boolean;
  role: RealisticDocument['role'];
  paragraphs: Sentence[][];
}

const STAGES = ['小学', '初中', '高中', '幼儿园'];
const SCHOOLS = ['实验', '第一', '第二', '育才', '光明', '新华', '东风', '城关', '滨江', '桃李'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰晨宇欣怡浩然子涵雨轩';

const COUNTABLE = /[\p{L}\p{N}]/u;

/** A copied passage with a countable character changed every 15 to 20, never within 15 of its ends (a passage must end on a k-gram). */
function lightlyEdited(sentences: string[], random: Random): string[] {
  const total = sentences.reduce((n, s) => n + normalize(s).chars.length, 0);
  let next = 15 + random.int(0, 5);
  let seen = 0;
  return sentences.map((s) =>
    [...s]
      .map((c) => {
        if (!COUNTABLE.test(c)) return c;
        const at = seen++;
        if (at < next || at >= total - 15 || !/\p{Ideographic}/u.test(c)) return c;
        next = at + random.int(15, 20);
        return c === '的' ? '地' : '的';
      })
      .join(''),
  );
}

export function realisticCorpus(spec: RealisticSpec, model: CharModel, clauses: readonly string[]): RealisticCorpus {
  const random = new Random(spec.seed);
  // Zipf-like popularity: a few clauses in many documents, most in a handful
  const order = random.shuffle(clauses.map((_, i) => i));
  const weights = order.map((_, rank) => 1 / (rank + 1) ** 0.9);
  const cumulative = new Float64Array(weights.length);
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const clause = (): string => {
    const r = random.next() * cumulative[cumulative.length - 1];
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return clauses[order[lo]];
  };

  const body = (): Sentence[][] => {
    const paragraphs: Sentence[][] = [];
    let length = 0;
    let salt = random.int(spec.salt[0], spec.salt[1]);
    const sentencesTarget = spec.chars;
    while (length < sentencesTarget) {
      const paragraph: Sentence[] = [];
      for (let s = random.int(3, 7); s > 0 && length < sentencesTarget; s--) {
        let text = model.sentence(random);
        if (salt > 0 && random.chance(0.25)) {
          salt--;
          const cut = random.int(0, text.length - 1);
          text = `${text.slice(0, cut)}，${clause()}，${text.slice(cut)}`;
        }
        paragraph.push({ text, planted: false });
        length += text.length;
      }
      paragraphs.push(paragraph);
    }
    return paragraphs;
  };

  const drafts: Draft[] = [];
  const used = new Set<string>();
  const entryPath = (category: string, title: string): string => {
    for (;;) {
      // the official layout (学段+学校+教师姓名/参赛项目/作品名称/), which the scan reads categories from
      const teacher = random.pick([...SURNAMES]) + random.pick([...GIVEN]) + (random.chance(0.6) ? random.pick([...GIVEN]) : '');
      const p = `${random.pick(STAGES)}+${random.pick(SCHOOLS)}${random.pick(STAGES)}+${teacher}/${category}/${title}/案例介绍.txt`;
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };
  for (let i = 0; i < spec.entries; i++) {
    const category = random.pick(CATEGORIES);
    const title = model.sentence(random, 16).replace(/[。！？；，、：\s/\\]/g, '') || `案例${i}`;
    const paragraphs = body();
    paragraphs.unshift([{ text: title, planted: false }]);
    for (let n = 1; n < paragraphs.length && n <= HEADINGS.length; n++) paragraphs[n].unshift({ text: HEADINGS[n - 1], planted: false });
    drafts.push({ path: entryPath(category, title.slice(0, 20)), category, library: false, role: 'original', paragraphs });
  }
  for (let i = 0; i < spec.library; i++)
    drafts.push({ path: `往届获奖/${i + 1}.txt`, category: null, library: true, role: 'library', paragraphs: body() });

  // planted copies: passages of 3 to 8 sentences from other entries or the library, half of them lightly edited
  const entries = drafts.filter((d) => !d.library);
  const sources = drafts.filter((d) => d.library || random.chance(0.5));
  const copiers = random.shuffle([...entries]).slice(0, Math.round(spec.copierShare * spec.entries));
  for (const copier of copiers) {
    copier.role = 'copier';
    // a target share of the copier's own text, most below the threshold and many above it
    let toCopy = (random.next() * 0.8 * spec.chars) / (1 - 0.4);
    for (let tries = 0; toCopy > 0 && tries < 100; tries++) {
      const source = random.pick(sources);
      if (source === copier) continue;
      const paragraph = random.pick(source.paragraphs.filter((x) => x.length >= 3));
      if (!paragraph) continue;
      const length = Math.min(paragraph.length, random.int(3, 8));
      const start = random.int(0, paragraph.length - length);
      const run = paragraph.slice(start, start + length);
      for (const s of run) s.planted = true;
      const texts = run.map((s) => s.text);
      const copied = (random.chance(0.5) ? lightlyEdited(texts, random) : texts).map((text) => ({ text, planted: true }));
      copier.paragraphs.splice(random.int(1, copier.paragraphs.length), 0, copied);
      toCopy -= copied.reduce((n, s) => n + s.text.length, 0);
    }
  }
  // twins: one work sent to two categories
  const twins: [string, string][] = [];
  for (const original of random.shuffle(entries.filter((d) => d.role === 'original')).slice(0, spec.twins)) {
    const category = random.pick(CATEGORIES.filter((c) => c !== original.category));
    const title = original.paragraphs[0][0].text.slice(0, 20);
    original.role = 'twin';
    for (const s of original.paragraphs.flat()) s.planted = true;
    const twin: Draft = { ...original, path: entryPath(category, title), category };
    drafts.push(twin);
    twins.push([original.path, twin.path]);
  }
  return { documents: withTruth(drafts, spec.minMatch), twins };
}

/** Texts and true rates: planted sentences, and every k-gram another document holds, by brute force. */
function withTruth(drafts: Draft[], k: number): RealisticDocument[] {
  const texts = drafts.map((d) => d.paragraphs.map((p) => p.map((s) => s.text).join('')).join('\n'));
  const chars = texts.map((t) => normalize(t).chars);
  // each document's distinct k-gram hashes, then the hashes held by two documents or more
  const perDoc = chars.map((c) => {
    const h = kgramHashes(c, k).sort();
    let n = 0;
    for (let i = 0; i < h.length; i++) if (i === 0 || h[i] !== h[i - 1]) h[n++] = h[i];
    return h.subarray(0, n);
  });
  const all = new Float64Array(perDoc.reduce((n, h) => n + h.length, 0));
  let at = 0;
  for (const h of perDoc) {
    all.set(h, at);
    at += h.length;
  }
  all.sort();
  const shared = new Set<number>();
  for (let i = 1; i < all.length; i++) if (all[i] === all[i - 1]) shared.add(all[i]);

  return drafts.map((d, doc) => {
    let rate: number | null = null;
    if (!d.library) {
      const mask = new Uint8Array(chars[doc].length);
      let offset = 0;
      for (const p of d.paragraphs)
        for (const s of p) {
          const n = normalize(s.text).chars.length;
          if (s.planted) mask.fill(1, offset, offset + n);
          offset += n;
        }
      const hashes = kgramHashes(chars[doc], k);
      for (let i = 0; i < hashes.length; i++) if (shared.has(hashes[i])) mask.fill(1, i, i + k);
      let duplicate = 0;
      for (let i = 0; i < mask.length; i++) duplicate += mask[i];
      rate = duplicate / Math.max(1, mask.length);
    }
    return { path: d.path, category: d.category, library: d.library, role: d.role, text: texts[doc], rate };
  });
}
