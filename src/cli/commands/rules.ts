import type { Command } from '../command.ts';
import { listRuleSetFiles, loadRuleSetFile } from '../../rules/store/files.ts';

export const rulesCheckCommand: Command = {
  name: ['rules', 'check'],
  summary: { zh: '检查规则文件（不指定文件时检查 rules/ 下全部）', en: 'Validate rule-set YAML files (all of rules/ when none given)' },
  usage: '[FILE...] [--json]',
  async run(ctx) {
    const files = ctx.positionals.length ? ctx.positionals : await listRuleSetFiles();
    const results = await Promise.all(files.map(async (file) => ({ file, result: await loadRuleSetFile(file) })));
    if (ctx.json) {
      ctx.printJson(
        results.map(({ file, result }) =>
          result.ok
            ? { file, ok: true, name: result.ruleSet.contest.name, categories: result.ruleSet.categories.map((c) => c.key), errors: [] }
            : { file, ok: false, errors: result.errors },
        ),
      );
    } else {
      for (const { file, result } of results) {
        if (result.ok) {
          ctx.print(`✓ ${file}（${result.ruleSet.contest.name}，${result.ruleSet.categories.length} 个类别）`);
        } else {
          ctx.print(`✗ ${file}（${result.errors.length} 处错误）`);
          for (const e of result.errors) ctx.print(`    ${e.message}`);
        }
      }
    }
    return results.every((r) => r.result.ok) ? 0 : 1;
  },
};
