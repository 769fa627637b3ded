import { kgramHashes } from '../hashing/kgrams.ts';
import { winnow } from '../hashing/winnow.ts';
import type { KgramTable } from '../hashing/kgramTable.ts';
import { bridgeGaps, mark, maskFromOriginalRanges } from '../util/masks.ts';
import { normalize } from '../text/normalize.ts';
import { quotedRanges } from '../text/quotes.ts';
import type { DocumentInput } from '../types.ts';

/** A document ready for indexing: normalized text, fingerprints and masks. */
export interface PreparedDocument {
  id: string;
  category: string | null;
  library: boolean;
  /** The original text; offsets back into it are recomputed when a pair is reported, not kept. */
  text: string;
  chars: Uint16Array;
  /** Winnowed k-gram hashes and their positions. */
  fingerprintHashes: Float64Array;
  fingerprintPositions: Uint32Array;
  /** Characters matching a template, or null when none do. */
  template: Uint8Array | null;
  /** Characters inside quotations, or null when none are. */
  quoted: Uint8Array | null;
}

export interface PrepareParams {
  minMatch: number;
  window: number;
  maxGap: number;
  templates: KgramTable | null;
}

export function prepareDocument(input: DocumentInput, params: PrepareParams): PreparedDocument {
  const { chars, offsets } = normalize(input.text);
  const hashes = kgramHashes(chars, params.minMatch);
  const template = params.templates ? templateMask(hashes, chars.length, params.templates, params) : null;
  let positions = winnow(hashes, params.window);
  // a k-gram that touches template text is no evidence: common template neighbours (a heading after the form's text) would pair everyone
  if (template) positions = positions.filter(outsideTemplate(template, params.minMatch));
  const fingerprintHashes = new Float64Array(positions.length);
  for (let i = 0; i < positions.length; i++) fingerprintHashes[i] = hashes[positions[i]];
  return {
    id: input.id,
    category: input.category ?? null,
    library: input.library ?? false,
    text: input.text,
    chars,
    fingerprintHashes,
    fingerprintPositions: positions,
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

/** Whether the k-gram at a position touches no template character. */
function outsideTemplate(template: Uint8Array, k: number): (position: number) => boolean {
  const nextTemplate = new Int32Array(template.length + 1).fill(template.length);
  for (let i = template.length - 1; i >= 0; i--) nextTemplate[i] = template[i] ? i : nextTemplate[i + 1];
  return (p) => nextTemplate[p] >= p + k;
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
