import { Converter, Locale, Trie } from 'opencc-js/t2cn';

/**
 * Normalized text: the countable characters of a document (letters, digits, CJK ideographs)
 * after NFKC, case folding, regional vocabulary and traditional → simplified folding, one UTF-16
 * unit each, with the offset of each one's source character in the original text.
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
  const convert = toSimplified ?? Converter({ from: 'tw', to: 'cn' });
  toSimplified = convert;
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
    const c = (IDEOGRAPHIC.test(ch) ? simplifyChar(ch) : ch).codePointAt(0) ?? 0;
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

/** Per BMP code unit: 1 for an ideograph, 2 for one that folds to another (traditional script). */
const scripts = new Uint8Array(0x10000);
const HAN = 1;
const TRADITIONAL = 2;

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
    if (IDEOGRAPHIC.test(String.fromCharCode(cp))) scripts[cp] = units.length === 1 && units[0] !== cp ? TRADITIONAL : HAN;
    if (units.length === 0) table[cp] = DROP;
    else if (units.length === 1) table[cp] = units[0];
    else {
      table[cp] = EXPANDS;
      expansions.set(cp, Uint16Array.from(units));
    }
  }
  return table;
}

/**
 * Regional vocabulary of Taiwan and Hong Kong (軟體, 檔案, 資料, 影片 …) mapped to the mainland's
 * words (軟件, 文件, 數據, 視頻, still in traditional script: the table simplifies them), by
 * OpenCC's phrase dictionaries, longest match first, as OpenCC converts `twp`/`hk` → `cn`. The
 * table folds characters only, and these are words: 軟體 is not 软体 but 软件. `starts` marks the
 * code units a phrase can begin with, so most characters cost one array look-up.
 */
let regional: { trie: Trie; starts: Uint8Array } | null = null;

function regionalPhrases(): { trie: Trie; starts: Uint8Array } {
  const trie = new Trie();
  const starts = new Uint8Array(0x10000);
  // Only the phrase dictionaries (the first of each group): single variant characters are the table's job.
  // Hong Kong first, so Taiwan's reading wins where the two differ.
  for (const locale of ['hkp', 'twp']) {
    const dict = Locale.from[locale]?.[0]?.[0];
    if (!dict) continue;
    const entries =
      typeof dict === 'string'
        ? dict.split('|').map((e) => e.split(' ') as [string, string])
        : dict.map((e: readonly [string, string]) => [e[0], e[1]] as [string, string]);
    for (const [key, value] of entries) {
      if (!key || value === undefined || KEPT_WORDS.has(key)) continue;
      trie.addWord(key, value);
      starts[key.charCodeAt(0)] = 1;
    }
  }
  return { trie, starts };
}

/**
 * Words Taiwan uses for something else (智能, 文档, 进程) that are everyday words of the mainland's
 * education documents (国家中小学智慧教育平台, 通知文件, 评审程序): a traditional copy of a mainland
 * text keeps them as they are, so they are not folded.
 */
const KEPT_WORDS = new Set(['智慧', '文件', '程序']);

/**
 * A text in traditional script: at least this share of its ideographs fold to others. Regional
 * words are folded in such texts only, since 智慧, 文件 and 程序 are mainland words too (in
 * Taiwan they say 智能, 文档 and 进程): a simplified text is never changed by them.
 */
const TRADITIONAL_SHARE = 0.05;

/**
 * Normalizes a document. Linear: one table look-up per character; a text in traditional script is
 * read a second time, with a phrase look-up where a regional word can start.
 */
export function normalize(text: string): NormalizedText {
  let chars = new Uint16Array(text.length);
  let offsets = new Int32Array(text.length);
  let n = 0;
  eachNormalizedUnit(text, (unit, at) => {
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
  });
  return { chars: chars.subarray(0, n), offsets: offsets.subarray(0, n) };
}

/**
 * The normalized units of a text in order, each with the offset in the original it came from:
 * what `normalize` gives, without building its arrays (a reader of each unit once, such as the
 * topic profile of 一稿多投 detection, makes no garbage).
 */
export function eachNormalizedUnit(text: string, emit: (unit: number, at: number) => void): void {
  const table = bmpTable ?? buildBmpTable();
  bmpTable = table;
  let han = 0;
  let traditional = 0;
  for (let i = 0; i < text.length; i++) {
    const script = scripts[text.charCodeAt(i)];
    if (script) {
      han++;
      if (script === TRADITIONAL) traditional++;
    }
  }
  if (traditional && traditional >= TRADITIONAL_SHARE * han) {
    const phrases = regional ?? regionalPhrases();
    regional = phrases;
    fold(text, table, phrases, emit);
  } else fold(text, table, null, emit);
}

function fold(
  text: string,
  table: Int32Array,
  phrases: { trie: Trie; starts: Uint8Array } | null,
  push: (unit: number, at: number) => void,
): void {
  const unitsOf = (c: number): ArrayLike<number> => {
    const mapped = table[c];
    return mapped >= 0 ? [mapped] : mapped === EXPANDS ? (expansions.get(c) ?? []) : [];
  };
  const astral = (cp: number): Uint16Array => {
    let units = astralCache.get(cp);
    if (!units) {
      units = Uint16Array.from(foldCodePoint(cp));
      astralCache.set(cp, units);
    }
    return units;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (phrases?.starts[c]) {
      const match = phrases.trie.matchPrefix(text, i);
      if (match) {
        // The mainland word stands for the whole phrase: its units map into the phrase, in order,
        // its last unit to the phrase's last character, so a match ending there covers all of it.
        const units: number[] = [];
        for (const ch of match.value) {
          const cp = ch.codePointAt(0) ?? 0;
          for (const u of Array.from(cp > 0xffff ? astral(cp) : unitsOf(cp))) units.push(u);
        }
        const last = match.end - 1;
        units.forEach((u, k) => {
          push(u, k === units.length - 1 ? last : Math.min(i + k, last));
        });
        i = last;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        for (const u of astral((c - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000)) push(u, i);
        i++;
        continue;
      }
    }
    const mapped = table[c];
    if (mapped >= 0) push(mapped, i);
    else if (mapped === EXPANDS) for (const u of expansions.get(c) ?? []) push(u, i);
  }
}

/**
 * The offsets of normalized units, compactly: `[unit, offset]` pairs at each unit whose offset is
 * not the previous one's plus one (a character removed or expanded before it). A few hundred pairs
 * for a document of thousands of characters, kept with it in place of its offsets.
 */
export function offsetBreaks(offsets: Int32Array): Int32Array {
  let count = 0;
  for (let i = 0; i < offsets.length; i++) if (i === 0 || offsets[i] !== offsets[i - 1] + 1) count++;
  const breaks = new Int32Array(count * 2);
  for (let i = 0, k = 0; i < offsets.length; i++) {
    if (i > 0 && offsets[i] === offsets[i - 1] + 1) continue;
    breaks[k++] = i;
    breaks[k++] = offsets[i];
  }
  return breaks;
}

/** The original offset of normalized unit `i`, from its text's `offsetBreaks`. */
export function offsetAt(breaks: Int32Array, i: number): number {
  // the last break at or before i
  let lo = 0;
  let hi = breaks.length / 2 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (breaks[mid * 2] <= i) lo = mid;
    else hi = mid - 1;
  }
  return breaks[lo * 2 + 1] + (i - breaks[lo * 2]);
}

/** Original-text range `[start, end)` of the normalized range `[from, to)` (to > from), from the text's `offsetBreaks`. */
export function originalRange(text: string, breaks: Int32Array, from: number, to: number): [number, number] {
  const last = offsetAt(breaks, to - 1);
  const c = text.charCodeAt(last);
  return [offsetAt(breaks, from), last + (c >= 0xd800 && c <= 0xdbff ? 2 : 1)];
}

/** Normalized characters as a string (for showing a passage). */
export function unitsToString(units: Uint16Array): string {
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
}
