/**
 * Order as a Chinese reader expects it: names, units and titles by pinyin (Intl.Collator 'zh-CN'), numbers inside
 * text by value (第2组 before 第10组). Every list of people, units or titles — pages and exports — sorts with this.
 */
const collator = new Intl.Collator('zh-CN', { numeric: true });

/** Compares two texts by pinyin; empty and missing values sort last. */
export function compareText(a: string | null | undefined, b: string | null | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  if (!x || !y) return x ? -1 : y ? 1 : 0;
  return collator.compare(x, y);
}

/** A comparator on the given keys in order, each compared by pinyin (the next key breaks ties). */
export function byText<T>(...keys: ((item: T) => string | null | undefined)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const c = compareText(key(a), key(b));
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** A sorted copy of `items`, by the given keys. */
export const sortedByText = <T>(items: readonly T[], ...keys: ((item: T) => string | null | undefined)[]): T[] =>
  [...items].sort(byText(...keys));
