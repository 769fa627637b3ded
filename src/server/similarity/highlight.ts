/** A passage to highlight: `[start, end)` in UTF-16 offsets of the text. */
export interface HighlightRange {
  start: number;
  end: number;
  /** Identifies the passage (and its counterpart on the other side of a pair); digits and letters only. */
  key: string;
  /** Shown after the passage, e.g. the number of its source. */
  note?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * A document's text as HTML with its matched passages in `<mark data-s="keys">`. Built from the
 * plain text, never from a document's own HTML: every character is escaped, and the only markup
 * is ours. Overlapping passages split into segments that carry every key covering them.
 * Focusable marks can be reached by keyboard (the pair view acts on them).
 */
export function highlight(text: string, ranges: readonly HighlightRange[], opts: { focusable?: boolean } = {}): string {
  const tab = opts.focusable ? ' tabindex="0"' : '';
  const clamped = ranges
    .map((r) => ({ ...r, start: Math.max(0, Math.min(text.length, r.start)), end: Math.max(0, Math.min(text.length, r.end)) }))
    .filter((r) => r.end > r.start);
  const points = [...new Set([0, text.length, ...clamped.flatMap((r) => [r.start, r.end])])].sort((x, y) => x - y);
  const byPoint = (point: (r: HighlightRange) => number) => {
    const at = new Map<number, typeof clamped>();
    for (const r of clamped) {
      const list = at.get(point(r));
      if (list) list.push(r);
      else at.set(point(r), [r]);
    }
    return at;
  };
  const starting = byPoint((r) => r.start);
  const ending = byPoint((r) => r.end);
  const active = new Set<HighlightRange>();
  let html = '';
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    for (const r of ending.get(from) ?? []) active.delete(r);
    for (const r of starting.get(from) ?? []) active.add(r);
    const segment = escapeHtml(text.slice(from, to));
    if (active.size === 0) {
      html += segment;
      continue;
    }
    const keys = [...new Set([...active].map((r) => r.key))].join(' ');
    html += `<mark data-s="${escapeHtml(keys)}"${tab}>${segment}</mark>`;
    const notes = [...new Set((ending.get(to) ?? []).flatMap((r) => (r.note ? [r.note] : [])))];
    if (notes.length) html += `<sup class="note">${escapeHtml(notes.join(','))}</sup>`;
  }
  return html;
}
