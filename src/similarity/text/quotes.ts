/**
 * Quotations in an original text: passages inside “…”, 「…」 or 『…』, sentences
 * attributed with 引自 or 参见: the attribution's own sentence ("引自《纲要》：……。") or,
 * when the attribution stands in brackets after a sentence ("……。（引自《纲要》）"), that one,
 * and sentences that end with a citation mark ("……经验。[1]": a footnote or endnote reference as
 * extraction writes it, or a GB/T 7714 citation typed by hand). Duplicate text in them still
 * counts, but reports also give the rate without them (去除引用).
 */

const PAIRS: Record<string, string> = { '“': '”', '「': '」', '『': '』' };
const OPENING = /[“「『]/g;
const SENTENCE_END = /[。！？!?；;.\n]/;
/** How far a closing quotation mark is looked for; past it, an unclosed quote ends with its paragraph. */
const MAX_QUOTE = 3000;
const ATTRIBUTION = /引自|參見|参见|引用自/g;
/** An attribution in brackets (or after a dash) opening its sentence names the sentence before it. */
const LEADING = /^\s*(?:[（(【[]|——|--)\s*$/;
const BRACKETS: Record<string, string> = { '（': '）', '(': ')', '【': '】', '[': ']' };
/** [1], ［12］, 〔3〕, [i]: a note reference or citation number. */
const CITATION = /[[［〔](?:\d{1,3}|[ivxlc]{1,6})(?:[,，–-]\d{1,3})*[\]］〕]/g;

/** Quoted ranges `[start, end)` of `text`, ascending, overlaps merged. */
export function quotedRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (const m of text.matchAll(OPENING)) {
    const i = m.index;
    if (ranges.length && i < ranges[ranges.length - 1][1]) continue; // inside the previous quotation
    const close = PAIRS[m[0]];
    let j = text.indexOf(close, i + 1);
    if (j === -1 || j - i > MAX_QUOTE) {
      j = text.indexOf('\n', i + 1);
      if (j === -1) j = text.length;
    }
    ranges.push([i, Math.min(j + 1, text.length)]);
  }
  for (const m of text.matchAll(ATTRIBUTION)) {
    const at = m.index;
    let start = at;
    while (start > 0 && !SENTENCE_END.test(text[start - 1])) start--;
    let end = at;
    while (end < text.length && !SENTENCE_END.test(text[end])) end++;
    const lead = text.slice(start, at);
    if (LEADING.test(lead) && start > 0) {
      // "……。（引自《纲要》）": the attribution names the sentence before it, and ends with its bracket
      const close = BRACKETS[lead.trim()];
      const closing = close ? text.indexOf(close, at) : -1;
      if (closing !== -1 && closing < end) end = closing;
      start--;
      while (start > 0 && !SENTENCE_END.test(text[start - 1])) start--;
    }
    ranges.push([start, Math.min(end + 1, text.length)]);
  }
  for (const m of text.matchAll(CITATION)) {
    // The cited sentence is the one the mark closes: back over its end punctuation, then to the sentence before.
    let end = m.index;
    while (end > 0 && /[\s。！？!?.;；]/.test(text[end - 1]) && text[end - 1] !== '\n') end--;
    let start = end;
    while (start > 0 && !SENTENCE_END.test(text[start - 1])) start--;
    if (start < end) ranges.push([start, m.index + m[0].length]);
  }
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] < last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}
