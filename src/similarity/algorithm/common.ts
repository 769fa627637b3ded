import type { PreparedDocument } from './document.ts';
import { COMMON } from './kgramIndex.ts';
import { coverage, dropShortRuns } from '../util/masks.ts';
import { unitsToString } from '../text/normalize.ts';
import type { CommonPassage, SimilarityOptions } from '../types.ts';

/**
 * Entries that must hold a passage for it to be common text: the share of the entries, but
 * never fewer than `commonMinEntries` nor more than `commonMaxEntries` (a phrase 30 entries of
 * a 10,000-entry contest hold is nobody's own, whatever its share).
 */
export function commonMinimum(options: SimilarityOptions, entries: number): number {
  return Math.max(options.commonMinEntries, Math.min(Math.ceil(options.commonMinShare * entries), options.commonMaxEntries));
}

/**
 * Common text of each document: the characters covered by its k-grams held by the common
 * minimum of entries, outside template text, as passages of at least `minMatch` characters.
 * Library documents have theirs too: what they share with an entry leaves it out as well.
 */
export function commonMasks(docs: readonly PreparedDocument[], states: readonly Uint8Array[], minMatch: number): Map<number, Uint8Array> {
  const masks = new Map<number, Uint8Array>();
  docs.forEach((d, i) => {
    if (!states[i].includes(COMMON)) return;
    const mask = coverage(states[i], COMMON, d.chars.length, minMatch);
    if (d.template) for (let c = 0; c < mask.length; c++) mask[c] &= d.template[c] ^ 1;
    dropShortRuns(mask, null, minMatch);
    masks.set(i, mask);
  });
  return masks;
}

/** The common passages: each run of common text in an entry, with the entries holding it. */
export function commonPassages(docs: readonly PreparedDocument[], masks: Map<number, Uint8Array>): CommonPassage[] {
  const byText = new Map<string, Set<string>>();
  for (const [doc, mask] of masks) {
    if (docs[doc].library) continue;
    const chars = docs[doc].chars;
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) continue;
      let j = i;
      while (j < mask.length && mask[j]) j++;
      const text = unitsToString(chars.subarray(i, j));
      const holders = byText.get(text) ?? new Set<string>();
      byText.set(text, holders.add(docs[doc].id));
      i = j;
    }
  }
  return [...byText]
    .map(([text, holders]) => ({ text, documents: [...holders] }))
    .sort((x, y) => y.documents.length - x.documents.length || y.text.length - x.text.length);
}
