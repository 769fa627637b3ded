/**
 * Order as a Chinese reader expects it: names, units and titles by pinyin (Intl.Collator 'zh-CN'), numbers inside
 * text by value (第2组 before 第10组, 第二中学 before 第十中学). Every list of people, units or titles — pages and
 * exports — sorts with this.
 */
const collator = new Intl.Collator('zh-CN', { numeric: true });

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 十二 → 12, 一百零五 → 105; numerals up to 999 as ordinals are written. */
function chineseNumber(text: string): number {
  let total = 0;
  let digit = 0;
  for (const ch of text) {
    if (ch === '百' || ch === '十') {
      total += (digit || 1) * (ch === '百' ? 100 : 10);
      digit = 0;
    } else {
      digit = DIGITS[ch] ?? 0;
    }
  }
  return total + digit;
}

/** Ordinals written in Chinese (第一, 第十二) become numbers, so they sort by value; elsewhere 一 is a word. */
const sortKey = (text: string): string => text.replace(/第([零〇一二两三四五六七八九十百]+)/g, (_, n: string) => `第${chineseNumber(n)}`);

/** Compares two texts by pinyin; empty and missing values sort last. */
export function compareText(a: string | null | undefined, b: string | null | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  if (!x || !y) return x ? -1 : y ? 1 : 0;
  return collator.compare(sortKey(x), sortKey(y)) || collator.compare(x, y);
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
