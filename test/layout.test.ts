import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout rule: the pure core (similarity engine, scoring, awards, rule schema, eligibility checks,
 * judging's assignment and rubrics, suspects, statuses, shared helpers) imports no database, file system or
 * server code. Each domain's database and disk code lives in a `store/` folder beside its pure modules.
 * Pure modules may import only other pure modules, so the rule holds transitively.
 */

const SRC = path.resolve('src');
const PURE_AREAS = [
  'similarity',
  'scoring',
  'awards',
  'rules',
  'eligibility',
  'judging',
  'suspects',
  'entries',
  'flow',
  'units',
  'intake',
  'packages',
  'deadlines',
  'util',
];
/** Pure modules of edge folders that the core may lean on. */
const PURE_FILES = [
  'ingest/classify.ts',
  'ingest/categories.ts',
  'ingest/extract/plain.ts',
  'ingest/extract/parts.ts',
  'spreadsheet/workbook.ts',
  'exports/workbook.ts',
];
const FORBIDDEN_PACKAGES = [
  /^kysely/,
  /^pg$/,
  /^better-sqlite3/,
  /^(node:)?fs(\/promises)?$/,
  /^(node:)?child_process$/,
  /^(node:)?worker_threads$/,
  /^(node:)?net$/,
  /^(node:)?http$/,
  /^fastify/,
  /^@fastify\//,
];

const walk = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });

const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/');

function isPure(file: string): boolean {
  const r = rel(file);
  if (r.split('/').includes('store')) return false;
  return PURE_AREAS.includes(r.split('/')[0]) || PURE_FILES.includes(r);
}

/** Every module specifier a file names: static imports and exports (type-only included) and dynamic imports. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const re = /^\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) found.push(m[1] ?? m[2] ?? m[3]);
  return found;
}

function violations(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const out: string[] = [];
  for (const spec of specifiers(text)) {
    if (spec.startsWith('.')) {
      const target = path.resolve(path.dirname(file), spec);
      if (!isPure(target)) out.push(`${rel(file)} imports ${rel(target)}`);
    } else if (FORBIDDEN_PACKAGES.some((re) => re.test(spec))) {
      out.push(`${rel(file)} imports ${spec}`);
    }
  }
  return out;
}

describe('layout', () => {
  const files = walk(SRC);

  it('finds the pure core and its stores', () => {
    const pure = files.filter(isPure);
    expect(pure.length).toBeGreaterThan(60);
    expect(pure.map(rel)).toContain('similarity/algorithm/rates.ts');
    expect(files.filter((f) => !isPure(f)).map(rel)).toContain('similarity/store/scan.ts');
  });

  it('reads every kind of import a file can write', () => {
    const text = [
      "import type { Db } from '../db/connect.ts';",
      "import {\n  a,\n  b,\n} from 'kysely';",
      "export { x } from './x.ts';",
      "import './side-effect.ts';",
      "const m = await import('node:fs');",
    ].join('\n');
    expect(specifiers(text)).toEqual(['../db/connect.ts', 'kysely', './x.ts', './side-effect.ts', 'node:fs']);
  });

  it('names a pure module that reaches a store, the database or the disk', () => {
    const file = path.join(SRC, 'awards', 'example.ts');
    const text = [
      "import { audit } from '../audit/log.ts';",
      "import { x } from './store/overrides.ts';",
      "import fs from 'node:fs';",
      "import { y } from './bands.ts';",
    ].join('\n');
    expect(violations(file, text)).toEqual([
      'awards/example.ts imports audit/log.ts',
      'awards/example.ts imports awards/store/overrides.ts',
      'awards/example.ts imports node:fs',
    ]);
  });

  it('keeps database, file-system and server code out of the pure core', () => {
    expect(files.filter(isPure).flatMap((f) => violations(f))).toEqual([]);
  });

  it('declares every package it imports: runtime code in dependencies, tests and scripts in either', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    const undeclared = (dirs: string[], declared: Record<string, string>) =>
      dirs
        .flatMap((d) => walk(path.resolve(d)))
        .flatMap((f) => specifiers(fs.readFileSync(f, 'utf8')).map((s) => [rel(f), s] as const))
        .filter(([, s]) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(packageOf(s)))
        .filter(([, s]) => !(packageOf(s) in declared))
        .map(([f, s]) => `${f} imports ${s}`);
    expect(undeclared(['src'], pkg.dependencies)).toEqual([]);
    expect(undeclared(['test', 'scripts'], { ...pkg.dependencies, ...pkg.devDependencies })).toEqual([]);
  });
});
