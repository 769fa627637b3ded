/**
 * TF-IDF term vectors with the IDF computed over the contest itself: a word every entry uses
 * (平台, 教师, 研修) weighs nothing, a word two entries share and nobody else uses weighs most.
 */

/** Word ↔ id, shared by every vector of one comparison. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly words: string[] = [];

  id(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
    }
    return id;
  }

  get size(): number {
    return this.words.length;
  }
}

/** Term counts of one text: ids in first-seen order and their counts (at most MAX_COUNT: tf is sublinear anyway). */
export interface TermCounts {
  terms: Int32Array;
  counts: Uint8Array;
}

export const MAX_COUNT = 255;

/** Sparse unit vector, terms ascending. */
export interface TermVector {
  terms: Int32Array;
  weights: Float32Array;
}

export function countTerms(words: readonly string[], vocabulary: Vocabulary): TermCounts {
  const counts = new Map<number, number>();
  for (const w of words) {
    const id = vocabulary.id(w);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return { terms: Int32Array.from(counts.keys()), counts: Uint8Array.from(counts.values(), (n) => Math.min(n, MAX_COUNT)) };
}

/**
 * Unit TF-IDF vectors keeping each text's `maxTerms` heaviest terms: the profile of what a
 * text is about, cheap to compare. Sublinear tf; smoothed idf, ln((1 + N) / (1 + df)) + 1,
 * so that in a contest of a few entries a word they all share still counts. A term found in
 * one text only is left out: it cannot be shared, and its weight would only dilute the
 * cosine of two texts that do share their topic words.
 *
 * `texts()` gives the counts afresh each time it is called (twice: the document frequencies,
 * then the vectors), so counts need not be held together: a contest's topic counts are a
 * hundred megabytes at ten thousand entries, its vectors a few.
 */
export function tfidfVectors(texts: () => Iterable<TermCounts>, vocabularySize: number, maxTerms: number): TermVector[] {
  const df = new Int32Array(vocabularySize);
  let n = 0;
  for (const t of texts()) {
    n++;
    for (const term of t.terms) df[term]++;
  }
  const idf = new Float32Array(vocabularySize);
  for (let term = 0; term < vocabularySize; term++) idf[term] = df[term] > 1 ? Math.log((1 + n) / (1 + df[term])) + 1 : 0;
  const heap = new TopWeights(maxTerms);
  const tf = Float64Array.from({ length: MAX_COUNT + 1 }, (_, c) => 1 + Math.log(c));
  const vectors: TermVector[] = [];
  for (const { terms, counts } of texts()) {
    heap.clear();
    for (let i = 0; i < terms.length; i++) {
      const w = idf[terms[i]];
      if (w > 0) heap.offer(terms[i], tf[counts[i]] * w);
    }
    vectors.push(heap.unitVector());
  }
  return vectors;
}

/** The heaviest terms seen, in a min-heap of fixed size. */
class TopWeights {
  private readonly terms: Int32Array;
  private readonly weights: Float64Array;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.terms = new Int32Array(capacity);
    this.weights = new Float64Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  offer(term: number, weight: number): void {
    if (this.size < this.capacity) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.weights[parent] <= weight) break;
        this.terms[i] = this.terms[parent];
        this.weights[i] = this.weights[parent];
        i = parent;
      }
      this.terms[i] = term;
      this.weights[i] = weight;
    } else if (weight > this.weights[0]) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= this.size) break;
        if (child + 1 < this.size && this.weights[child + 1] < this.weights[child]) child++;
        if (this.weights[child] >= weight) break;
        this.terms[i] = this.terms[child];
        this.weights[i] = this.weights[child];
        i = child;
      }
      this.terms[i] = term;
      this.weights[i] = weight;
    }
  }

  /** The kept terms ascending, weights scaled to unit length. */
  unitVector(): TermVector {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((x, y) => this.terms[x] - this.terms[y]);
    let norm = 0;
    for (let i = 0; i < this.size; i++) norm += this.weights[i] * this.weights[i];
    norm = Math.sqrt(norm);
    return { terms: Int32Array.from(order, (i) => this.terms[i]), weights: Float32Array.from(order, (i) => this.weights[i] / norm) };
  }
}

/** Cosine of two unit vectors; with `shared`, collects each common term's contribution to it. */
export function cosine(a: TermVector, b: TermVector, shared?: Map<number, number>): number {
  let value = 0;
  for (let i = 0, j = 0; i < a.terms.length && j < b.terms.length; ) {
    if (a.terms[i] < b.terms[j]) i++;
    else if (a.terms[i] > b.terms[j]) j++;
    else {
      const contribution = a.weights[i] * b.weights[j];
      value += contribution;
      shared?.set(a.terms[i], contribution);
      i++;
      j++;
    }
  }
  return Math.min(1, value);
}

/** The `k` heaviest terms of a vector: its keywords. */
export function topTerms(v: TermVector, k: number): number[] {
  const order = Array.from(v.terms.keys()).sort((x, y) => v.weights[y] - v.weights[x]);
  return order.slice(0, k).map((i) => v.terms[i]);
}
