import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ruleSetSchema } from '../src/rules/schema.ts';

/**
 * Nothing in a rule set is encoded without code that reads it: every key of the rule-set schema must be
 * read by some module or page outside the schema's own files (as `.key`, `?.key`, a destructured `key`,
 * or an eta template's `.key`). A key added to the schema and to rules/*.yaml that no code acts on fails here.
 */

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Every object key of the schema, with the path where it first appears. */
function schemaKeys(schema: z.ZodType, at = '', found = new Map<string, string>()): Map<string, string> {
  const def = defOf(schema);
  if (def.type === 'object' && def.shape) {
    for (const [key, child] of Object.entries(def.shape)) {
      const where = at ? `${at}.${key}` : key;
      if (!found.has(key)) found.set(key, where);
      schemaKeys(child, where, found);
    }
  }
  for (const inner of [def.innerType, def.element, def.in, def.out, ...(def.options ?? [])]) if (inner) schemaKeys(inner, at, found);
  return found;
}

const walk = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? walk(p) : /\.(ts|eta)$/.test(d.name) ? [p] : [];
  });

// The schema defines the keys and the parser validates them: reading them there does not count. The helpers
// at the end of schema.ts (criterionLevels, materialsFor …) are code that acts on them, and do count.
const SCHEMA = path.resolve('src/rules/schema.ts');
const OWN = new Set([SCHEMA, path.resolve('src/rules/load.ts')]);
const schemaText = fs.readFileSync(SCHEMA, 'utf8');
const helpers = schemaText.slice(schemaText.indexOf('export type RuleSet '));
const sources = [
  helpers,
  ...[...walk('src'), ...walk('views')].filter((f) => !OWN.has(path.resolve(f))).map((f) => fs.readFileSync(f, 'utf8')),
];

const isRead = (key: string): boolean => {
  const access = new RegExp(`(\\?\\.|\\.)${key}\\b|\\[['"]${key}['"]\\]`);
  const destructured = new RegExp(`[{,]\\s*${key}\\s*[,}:=]`);
  return sources.some((text) => access.test(text) || destructured.test(text));
};

describe('rule-set schema', () => {
  it('has no key that no module reads', () => {
    const keys = schemaKeys(ruleSetSchema as unknown as z.ZodType);
    expect(keys.size).toBeGreaterThan(60);
    const unread = [...keys].filter(([key]) => !isRead(key)).map(([, where]) => where);
    expect(unread).toEqual([]);
  });

  it('finds a key no module reads (the check itself can fail)', () => {
    expect(isRead('noModuleReadsThisKey')).toBe(false);
    expect(isRead('threshold')).toBe(true);
  });
});
