import type { PreparedDocument } from './document.ts';
import type { FingerprintIndex } from './fingerprintIndex.ts';
import { dropShortRuns, mark } from '../util/masks.ts';
import { unitsToString } from '../text/normalize.ts';
import type { CommonPassage } from '../types.ts';

/**
 * Common text: passages held by many entries (fingerprints whose postings span at least the
 * common minimum of entries). Each occurrence is marked, and since winnowing leaves up to a
 * window of characters unselected at each end of a passage, extended while it still agrees
 * with other occurrences of the same fingerprint.
 */
export function commonMasks(
  docs: readonly PreparedDocument[],
  index: FingerprintIndex,
  groups: readonly [number, number][],
  params: { minMatch: number; window: number },
): Map<number, Uint8Array> {
  const masks = new Map<number, Uint8Array>();
  const k = params.minMatch;
  for (const [start, end] of groups) {
    for (let g = start; g < end; g++) {
      const doc = index.docs[g];
      if (docs[doc].library) continue;
      // extend as far as two other occurrences agree, so a document's own copy of another is not taken for common text
      const chars = docs[doc].chars;
      const p = index.positions[g];
      let left = params.window;
      let right = params.window;
      let references = 0;
      for (let o = start; o < end && references < 2; o++) {
        if (index.docs[o] === doc) continue;
        references++;
        const ref = docs[index.docs[o]].chars;
        const q = index.positions[o];
        let l = 0;
        while (l < left && p - l > 0 && q - l > 0 && chars[p - l - 1] === ref[q - l - 1]) l++;
        let r = 0;
        while (r < right && p + k + r < chars.length && q + k + r < ref.length && chars[p + k + r] === ref[q + k + r]) r++;
        left = l;
        right = r;
      }
      let mask = masks.get(doc);
      if (!mask) masks.set(doc, (mask = new Uint8Array(chars.length)));
      mark(mask, p - left, p + k + right);
    }
  }
  // what remains outside template text must still be a passage
  for (const [doc, mask] of masks) {
    const template = docs[doc].template;
    if (template) for (let i = 0; i < mask.length; i++) mask[i] &= template[i] ^ 1;
    dropShortRuns(mask, null, k);
  }
  return masks;
}

/** The common passages: each run of common text, with the entries holding it. */
export function commonPassages(docs: readonly PreparedDocument[], masks: Map<number, Uint8Array>): CommonPassage[] {
  const byText = new Map<string, Set<string>>();
  for (const [doc, mask] of masks) {
    const chars = docs[doc].chars;
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) continue;
      let j = i;
      while (j < mask.length && mask[j]) j++;
      const text = unitsToString(chars.subarray(i, j));
      let holders = byText.get(text);
      if (!holders) byText.set(text, (holders = new Set()));
      holders.add(docs[doc].id);
      i = j;
    }
  }
  return [...byText]
    .map(([text, holders]) => ({ text, documents: [...holders] }))
    .sort((x, y) => y.documents.length - x.documents.length || y.text.length - x.text.length);
}
