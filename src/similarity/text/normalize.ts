import { Converter } from 'opencc-js/t2cn';

/**
 * Normalized text: the countable characters of a document (letters, digits, CJK ideographs)
 * after NFKC, case folding and traditional → simplified folding, one UTF-16 unit each, with
 * the offset of each one's source character in the original text.
 */
export interface NormalizedText {
  chars: Uint16Array;
  /** `offsets[i]`: UTF-16 offset in the original text of the character `chars[i]` came from. */
  offsets: Int32Array;
}

const DROP = -1;
const EXPANDS = -2;

/**
 * Per BMP code unit: its normalized unit, DROP (not countable) or EXPANDS (several units,
 * see `expansions`). Built once: NFKC, case folding and traditional → simplified of a
 * single character are fixed, so a document is normalized by table look-ups.
 * Traditional → simplified is done character by character with OpenCC's Taiwan table (which
 * also folds variants such as 著 → 着): it only has
 * to fold both spellings of a text to the same units, not to produce idiomatic Chinese.
 */
let bmpTable: Int32Array | null = null;
const expansions = new Map<number, Uint16Array>();
const astralCache = new Map<number, Uint16Array>();
/** Countable astral characters (CJK extensions B+) get one private-use unit each, so every countable character is one unit. */
const astralUnits = new Map<number, number>();
const PRIVATE_USE_FIRST = 0xe000;
const PRIVATE_USE_SIZE = 0x1900;

const COUNTABLE = /^[\p{L}\p{N}]$/u;
const IDEOGRAPHIC = /\p{Ideographic}/u;
let toSimplified: ((text: string) => string) | null = null;
/** Simplified form of every BMP ideograph that has another one. */
let simplifiedBmp: Map<string, string> | null = null;

/**
 * Folds ideographs to simplified, to a fixed point so a chain of variants (麼 → 么 → 幺) ends
 * on one character. Converted in one call per round, one character per line, since a phrase
 * never spans a line break.
 */
function simplifyAll(chars: string[]): Map<string, string> {
  const convert = (toSimplified ??= Converter({ from: 'tw', to: 'cn' }));
  const result = new Map<string, string>();
  let pending = chars;
  let current = chars;
  for (let round = 0; round < 4 && pending.length; round++) {
    const converted = convert(current.join('\n')).split('\n');
    const nextPending: string[] = [];
    const nextCurrent: string[] = [];
    pending.forEach((original, i) => {
      const next = converted[i];
      if (next === current[i] || [...next].length !== 1) return;
      result.set(original, next);
      nextPending.push(original);
      nextCurrent.push(next);
    });
    pending = nextPending;
    current = nextCurrent;
  }
  return result;
}

function simplifyChar(ch: string): string {
  if (ch.length === 1) {
    simplifiedBmp ??= simplifyAll(Array.from({ length: 0x10000 }, (_, cp) => String.fromCharCode(cp)).filter((c) => IDEOGRAPHIC.test(c)));
    return simplifiedBmp.get(ch) ?? ch;
  }
  return simplifyAll([ch]).get(ch) ?? ch;
}

function foldCodePoint(cp: number): number[] {
  const folded = String.fromCodePoint(cp).normalize('NFKC').toUpperCase().toLowerCase();
  const units: number[] = [];
  for (const ch of folded) {
    if (!COUNTABLE.test(ch)) continue;
    const c = (IDEOGRAPHIC.test(ch) ? simplifyChar(ch) : ch).codePointAt(0)!;
    if (c <= 0xffff) units.push(c);
    else {
      let unit = astralUnits.get(c);
      if (unit === undefined) {
        // Past 6,400 distinct astral characters, rare ones share units: a false match needs many of them in a row.
        unit = PRIVATE_USE_FIRST + (astralUnits.size < PRIVATE_USE_SIZE ? astralUnits.size : c % PRIVATE_USE_SIZE);
        astralUnits.set(c, unit);
      }
      units.push(unit);
    }
  }
  return units;
}

function buildBmpTable(): Int32Array {
  const table = new Int32Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) {
      table[cp] = DROP; // lone surrogates; pairs are handled before the table
      continue;
    }
    if (cp < 0x80) {
      table[cp] = cp >= 0x61 && cp <= 0x7a ? cp : cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp >= 0x30 && cp <= 0x39 ? cp : DROP;
      continue;
    }
    const units = foldCodePoint(cp);
    if (units.length === 0) table[cp] = DROP;
    else if (units.length === 1) table[cp] = units[0];
    else {
      table[cp] = EXPANDS;
      expansions.set(cp, Uint16Array.from(units));
    }
  }
  return table;
}

/** Normalizes a document. Linear, one table look-up per character. */
export function normalize(text: string): NormalizedText {
  const table = (bmpTable ??= buildBmpTable());
  let chars = new Uint16Array(text.length);
  let offsets = new Int32Array(text.length);
  let n = 0;
  const push = (unit: number, at: number): void => {
    if (n === chars.length) {
      // only expansions (e.g. ㍿ → 株式会社) can outgrow the original length
      const grown = new Uint16Array(chars.length * 2 + 8);
      grown.set(chars);
      chars = grown;
      const grownOffsets = new Int32Array(grown.length);
      grownOffsets.set(offsets);
      offsets = grownOffsets;
    }
    chars[n] = unit;
    offsets[n++] = at;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        const cp = (c - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        let units = astralCache.get(cp);
        if (!units) astralCache.set(cp, (units = Uint16Array.from(foldCodePoint(cp))));
        for (const u of units) push(u, i);
        i++;
        continue;
      }
    }
    const mapped = table[c];
    if (mapped >= 0) push(mapped, i);
    else if (mapped === EXPANDS) for (const u of expansions.get(c)!) push(u, i);
  }
  return { chars: chars.subarray(0, n), offsets: offsets.subarray(0, n) };
}

/** Original-text range `[start, end)` of the normalized range `[from, to)` (to > from). */
export function originalRange(text: string, offsets: Int32Array, from: number, to: number): [number, number] {
  const last = offsets[to - 1];
  const c = text.charCodeAt(last);
  return [offsets[from], last + (c >= 0xd800 && c <= 0xdbff ? 2 : 1)];
}

/** Normalized characters as a string (for showing a passage). */
export function unitsToString(units: Uint16Array): string {
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
}
