import fs from 'node:fs/promises';
import path from 'node:path';
import { makeError, parseRuleSet, type RuleSetResult } from '../load.ts';

/** Rule-set files on disk (the `rules/` folder). */

export async function loadRuleSetFile(file: string): Promise<RuleSetResult> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      errors: [makeError(file, 0, 0, '', `无法读取文件（${(err as NodeJS.ErrnoException).code ?? (err as Error).message}）`)],
    };
  }
  return parseRuleSet(text, file);
}

/** Rule-set files (.yaml, .yml) in `dir`, sorted by name. */
export async function listRuleSetFiles(dir = 'rules'): Promise<string[]> {
  const names = await fs.readdir(dir);
  return names
    .filter((n) => /\.ya?ml$/i.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}
