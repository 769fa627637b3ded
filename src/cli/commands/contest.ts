import fs from 'node:fs/promises';
import path from 'node:path';
import { type Command, UsageError } from '../command.ts';
import { withDb } from '../db.ts';
import { contestCategories, createContest, getContest, listContests } from '../../contests/index.ts';
import type { ImportSummary } from '../../ingest/import.ts';
import { PackageError } from '../../packages/store/export.ts';
import { createContestFromPackage } from '../../packages/store/create.ts';
import { RuleSetInvalidError } from '../../rules/load.ts';

export const contestCreateCommand: Command = {
  name: ['contest', 'create'],
  summary: { zh: '用规则文件新建竞赛，输出竞赛编号', en: 'Create a contest from a rule-set file; prints its id' },
  usage: '--rules FILE [--name NAME] [--from-package FILE.zip] [--json]',
  options: { rules: { type: 'string' }, name: { type: 'string' }, 'from-package': { type: 'string' } },
  optionHelp: {
    'rules FILE': '规则文件（YAML） / rule-set YAML file',
    'name NAME': '竞赛名称，默认取规则中的名称 / contest name (default: from the rule set)',
    'from-package FILE.zip': '用下一级导出的推荐包建立本级竞赛并导入其作品 / create the contest from a package the level below exported',
  },
  async run(ctx) {
    const file = ctx.values.rules;
    if (typeof file !== 'string' || !file) throw new UsageError('缺少 --rules FILE');
    let rulesYaml: string;
    try {
      rulesYaml = await fs.readFile(file, 'utf8');
    } catch (err) {
      console.error(`无法读取规则文件 ${file}：${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return 1;
    }
    const name = typeof ctx.values.name === 'string' ? ctx.values.name : undefined;
    const fromPackage = ctx.values['from-package'];
    return withDb(ctx.values.db, async (db) => {
      let id: number;
      let imported: ImportSummary | null = null;
      try {
        if (typeof fromPackage === 'string') {
          ({ contestId: id, summary: imported } = await createContestFromPackage(db, {
            packagePath: fromPackage,
            rulesYaml,
            rulesSource: path.basename(file),
            name,
            userId: null,
          }));
        } else id = await createContest(db, { name, rulesYaml, rulesSource: path.basename(file), userId: null });
      } catch (err) {
        if (err instanceof PackageError) {
          console.error(err.message);
          return 1;
        }
        if (!(err instanceof RuleSetInvalidError)) throw err;
        if (ctx.json) ctx.printJson({ ok: false, errors: err.errors });
        else console.error(err.message);
        return 1;
      }
      const created = await getContest(db, id);
      if (!created) throw new Error(`Contest ${id} was created but cannot be read back`);
      const categories = await contestCategories(db, id);
      if (ctx.json) {
        ctx.printJson({
          id,
          name: created.name,
          categories: categories.map((c) => ({ key: c.key, name: c.name })),
          ...(imported ? { imported } : {}),
        });
      } else {
        ctx.print(String(id));
        console.error(`已创建竞赛 #${id}「${created.name}」，共 ${categories.length} 个类别`);
        if (imported) {
          console.error(`已从推荐包导入 ${imported.imported} 件作品（未变化 ${imported.unchanged} 件，问题 ${imported.errors.length} 条）`);
          for (const e of imported.errors) console.error(`  ${e.path}：${e.message}`);
        }
      }
      return 0;
    });
  },
};

export const contestListCommand: Command = {
  name: ['contest', 'list'],
  summary: { zh: '列出全部竞赛', en: 'List contests' },
  usage: '[--json]',
  async run(ctx) {
    return withDb(ctx.values.db, async (db) => {
      const contests = await listContests(db);
      if (ctx.json) ctx.printJson(contests);
      else if (contests.length === 0) ctx.print('还没有竞赛。用 casejury contest create --rules FILE 新建。');
      else
        for (const c of contests)
          ctx.print(`#${c.id}  ${c.name}  规则：${c.rulesTitle}  类别 ${c.categories}  作品 ${c.entries}  创建于 ${c.created_at}`);
      return 0;
    });
  },
};
