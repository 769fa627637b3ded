import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Random } from './random.ts';

/**
 * Generated Chinese prose in the register of case documents (案例介绍): clauses of common
 * words from jieba's dictionary (the 10,000 or so commonest, weighted by frequency^0.75, so
 * texts read like Chinese yet differ from one another) around the education-domain phrases every entry uses. Domain
 * phrases and connectives are at most 8 characters and always have two dictionary words
 * between them, so two documents share a passage of 13 characters only when it was put
 * there: shared vocabulary is realistic, accidental duplicate passages are not.
 */

export const DOMAIN_PHRASES = [
  '智慧教育平台',
  '国家中小学平台',
  '校本研修',
  '区域研修',
  '教师专业发展',
  '数字资源',
  '名师工作室',
  '课堂教学',
  '核心素养',
  '双减政策',
  '集体备课',
  '混合式研修',
  '信息技术',
  '教学设计',
  '作业设计',
  '跨学科学习',
  '大单元教学',
  '学习共同体',
  '乡村学校',
  '骨干教师',
  '青年教师',
  '教研组',
  '备课组',
  '课程资源',
  '数字化转型',
  '家校协同',
  '精准教学',
  '学情分析',
  '评价改革',
  '人工智能',
  '在线课程',
  '同步课堂',
  '专递课堂',
  '教学反思',
  '听评课',
  '课例研究',
  '研修共同体',
  '线上工作室',
  '示范引领',
  '协同教研',
  '教育帮扶',
  '送教下乡',
  '教学能力',
  '信息素养',
  '项目式学习',
  '分层作业',
  '课后服务',
  '劳动教育',
  '心理健康教育',
  '阅读推广',
  '实验教学',
  '读书分享会',
];
const CONNECTIVES = [
  '在',
  '通过',
  '同时',
  '此外',
  '我们',
  '学校',
  '围绕',
  '针对',
  '依托',
  '基于',
  '结合',
  '进一步',
  '积极',
  '不断',
  '逐步',
  '首先',
  '其次',
  '最后',
  '为此',
  '因此',
];
const WORD_CLASSES = new Set(['n', 'v', 'vn', 'a', 'd', 'ad', 'an', 'nz']);
const CJK_WORD = /^[\u4e00-\u9fa5]{2,4}$/;

/** Case-document section headings (short, shared by every entry). */
export const HEADINGS = ['一、基本情况', '二、过程与举措', '三、经验与成效', '四、特色与创新', '五、问题与展望'];

/** Weighted word list with O(1) sampling (Walker's alias method). */
class WordSampler {
  private readonly words: string[];
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;

  constructor(words: string[], weights: number[]) {
    const n = words.length;
    const total = weights.reduce((s, w) => s + w, 0);
    const scaled = weights.map((w) => (w * n) / total);
    this.words = words;
    this.probability = new Float64Array(n);
    this.alias = new Int32Array(n);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => {
      (p < 1 ? small : large).push(i);
    });
    while (small.length > 0 && large.length > 0) {
      const s = small.pop();
      const l = large.pop();
      if (s === undefined || l === undefined) break; // both lists were just checked non-empty
      this.probability[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] += scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.probability[i] = 1;
  }

  sample(random: Random): string {
    const i = Math.floor(random.next() * this.words.length);
    return this.words[random.next() < this.probability[i] ? i : this.alias[i]];
  }
}

let sampler: WordSampler | null = null;

function dictionary(): WordSampler {
  if (sampler) return sampler;
  const path = createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt');
  const words: string[] = [];
  const weights: number[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [word, freq, cls] = line.split(' ');
    if (!word || !WORD_CLASSES.has(cls) || !CJK_WORD.test(word) || Number(freq) < 300) continue;
    words.push(word);
    weights.push(Number(freq) ** 0.75);
  }
  sampler = new WordSampler(words, weights);
  return sampler;
}

export class ProseGenerator {
  private readonly words = dictionary();

  constructor(private readonly random: Random) {}

  private word(): string {
    return this.words.sample(this.random);
  }

  /** A fixed element: a domain phrase or a date/number expression, or nothing. */
  private fixed(): string {
    const r = this.random.next();
    if (r < 0.45) return this.random.pick(DOMAIN_PHRASES);
    if (r < 0.55) return this.random.chance(0.5) ? `${this.random.int(2015, 2024)}年` : `${this.random.int(2, 98)}名${this.word()}`;
    if (r < 0.58) return this.random.pick(['AI', '5G', 'PPT', 'STEAM']);
    return '';
  }

  private clause(): string {
    const connective = this.random.chance(0.5) ? this.random.pick(CONNECTIVES) : '';
    let clause = connective + this.word() + this.word() + this.fixed() + this.word() + this.word();
    if (this.random.chance(0.4)) clause += this.word();
    return clause;
  }

  /** One sentence of at least 15 countable characters, ending in 。 */
  sentence(): string {
    const clauses = Array.from({ length: this.random.int(1, 3) }, () => this.clause());
    const body = clauses.join('，');
    return `${body.length >= 15 ? body : `${body}，${this.clause()}`}。`;
  }

  paragraph(sentences = this.random.int(3, 6)): string[] {
    return Array.from({ length: sentences }, () => this.sentence());
  }

  /** A case title such as 依托…的…探索. */
  title(): string {
    return `依托${this.random.pick(DOMAIN_PHRASES)}${this.word()}${this.word()}的${this.word()}探索`;
  }
}
