/** Items in runs of `size`: queries and inserts stay well under SQLite's and PostgreSQL's bound-parameter limits. */
export const inChunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
