import { kgramHashes, kgramKeys } from '../hashing/kgrams.ts';
import type { KgramTable } from '../hashing/kgramTable.ts';
import { bridgeGaps, mark, maskFromOriginalRanges } from '../util/masks.ts';
import { normalize, offsetBreaks } from '../text/normalize.ts';
import { quotedRanges } from '../text/quotes.ts';
import type { DocumentInput } from '../types.ts';

/** A document ready for indexing: normalized text, the keys of its k-grams and its masks. */
export interface PreparedDocument {
  id: string;
  category: string | null;
  library: boolean;
  /** The original text; offsets back into it are recomputed when a pair is reported, not kept. */
  text: string;
  chars: Uint16Array;
  /** Where the characters came from in `text` (`offsetBreaks`), for reporting passages in the original. */
  breaks: Int32Array;
  /** 32-bit key of every k-gram (`kgramKeys`). */
  keys: Uint32Array;
  /**
   * 1 for the k-grams indexed, 0 for those touching template text (no evidence: template
   * neighbours such as a heading after the form's text would pair everyone); null when all are.
   */
  indexed: Uint8Array | null;
  /** Characters matching a template, or null when none do. */
  template: Uint8Array | null;
  /** Characters inside quotations, or null when none are. */
  quoted: Uint8Array | null;
}

export interface PrepareParams {
  minMatch: number;
  maxGap: number;
  templates: KgramTable | null;
}

export function prepareDocument(input: DocumentInput, params: PrepareParams): PreparedDocument {
  const { chars, offsets } = normalize(input.text);
  const k = params.minMatch;
  const template = params.templates ? templateMask(kgramHashes(chars, k), chars.length, params.templates, params) : null;
  const keys = kgramKeys(chars, k);
  return {
    id: input.id,
    category: input.category ?? null,
    library: input.library ?? false,
    text: input.text,
    chars,
    breaks: offsetBreaks(offsets),
    keys,
    indexed: template ? outsideTemplate(template, keys.length, k) : null,
    template,
    quoted: maskFromOriginalRanges(offsets, quotedRanges(input.text)),
  };
}

/** Characters covered by a k-gram of a template, small gaps (a changed character) bridged. */
function templateMask(hashes: Float64Array, length: number, templates: KgramTable, params: PrepareParams): Uint8Array | null {
  let mask: Uint8Array | null = null;
  for (let i = 0; i < hashes.length; i++) {
    if (!templates.has(hashes[i])) continue;
    mask ??= new Uint8Array(length);
    mark(mask, i, i + params.minMatch);
  }
  if (mask) bridgeGaps(mask, params.maxGap);
  return mask;
}

/** 1 for each k-gram that touches no template character. */
function outsideTemplate(template: Uint8Array, kgrams: number, k: number): Uint8Array {
  const out = new Uint8Array(kgrams);
  let nextTemplate = template.length;
  for (let i = template.length - 1; i >= 0; i--) {
    if (template[i]) nextTemplate = i;
    if (i < kgrams) out[i] = nextTemplate >= i + k ? 1 : 0;
  }
  return out;
}

/** The k-grams of every template, for marking template text. */
export function templateHashes(texts: string[], minMatch: number): Float64Array {
  const parts = texts.map((t) => kgramHashes(normalize(t).chars, minMatch));
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}
