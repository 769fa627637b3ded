/**
 * Dice coefficient over the distinct character bigrams of two strings (after lower-casing and folding white
 * space): 2·|shared| / (|A| + |B|), from 0 to 1. A one-character string counts as one bigram with a space.
 * Two strings with no bigrams at all (both empty) score 0.
 */
export function diceCoefficient(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size + y.size === 0) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return (2 * shared) / (x.size + y.size);
}

function bigrams(text: string): Set<string> {
  let s = text.toLowerCase().replace(/\s+/g, ' ').trim();
  if (s.length === 1) s += ' ';
  const out = new Set<string>();
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
  return out;
}
