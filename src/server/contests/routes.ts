import path from 'node:path';
import fs from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import { ORGANIZERS, CONTEST_ORGANIZERS } from '../auth/access.ts';
import { idParams, type Ids } from '../schemas.ts';
import { createContest, currentRuleVersion, listContests, ruleSetOf } from '../../contests/index.ts';
import { contestStatus } from '../../flow/store/status.ts';
import { ruleSetTitle } from '../../rules/schema.ts';
import { refusal } from '../refusal.ts';
import { RuleSetInvalidError } from '../../rules/load.ts';
import { listRuleSetFiles, loadRuleSetFile } from '../../rules/store/files.ts';
import { requireContest } from './load.ts';
import { contestOverview } from './overview.ts';
import { contestSchedule } from '../../intake/store/settle.ts';

export interface ContestRoutesOptions {
  /** Folder holding the rule-set YAML files a contest can be created from. */
  rulesDir: string;
}

interface RuleSetChoice {
  file: string;
  name: string | null;
  error: string | null;
}

async function ruleSetChoices(rulesDir: string): Promise<RuleSetChoice[]> {
  const files = await listRuleSetFiles(rulesDir).catch(() => [] as string[]);
  return Promise.all(
    files.map(async (f) => {
      const r = await loadRuleSetFile(f);
      const file = path.basename(f);
      return r.ok
        ? { file, name: r.ruleSet.contest.name, error: null }
        : { file, name: null, error: r.errors[0]?.message ?? '规则文件有误' };
    }),
  );
}

/** 竞赛列表, 新建竞赛 (from a rule set), contest home. */
export const contestRoutes: FastifyPluginAsync<ContestRoutesOptions> = async (app, { rulesDir }) => {
  app.get('/contests', { config: { access: ORGANIZERS } }, async (request, reply) => {
    const me = request.signedIn;
    const contests = await listContests(app.db, me.role === 'admin' ? undefined : me.id);
    return reply.page('contests/list', { contests }, { title: '竞赛列表' });
  });

  const newForm = async (values: { rules: string; name: string }, error: string | null) => ({
    choices: await ruleSetChoices(rulesDir),
    values,
    error,
  });

  app.get('/contests/new', { config: { access: ORGANIZERS } }, async (_request, reply) =>
    reply.page('contests/new', await newForm({ rules: '', name: '' }, null), { title: '新建竞赛' }),
  );

  app.post<{ Body: { rules?: string; name?: string } }>('/contests', { config: { access: ORGANIZERS } }, async (request, reply) => {
    const values = { rules: String(request.body?.rules ?? ''), name: String(request.body?.name ?? '').trim() };
    const choices = await ruleSetChoices(rulesDir);
    // Only a file we listed: the posted name never reaches the file system otherwise.
    const choice = choices.find((c) => c.file === values.rules);
    const problem = !choice
      ? '请选择一个规则文件'
      : choice.error
        ? `规则文件有误，不能使用：${choice.error}`
        : values.name.length > 200
          ? '竞赛名称不能超过 200 字'
          : null;
    if (!choice || problem) return reply.page('contests/new', { choices, values, error: problem }, { title: '新建竞赛', status: 422 });
    const rulesYaml = await fs.readFile(path.join(rulesDir, choice.file), 'utf8');
    let id: number;
    try {
      id = await createContest(app.db, {
        name: values.name || undefined,
        rulesYaml,
        rulesSource: choice.file,
        userId: request.signedIn.id,
      });
    } catch (err) {
      // The file may have changed since it was listed.
      if (!(err instanceof RuleSetInvalidError)) throw err;
      return reply.page('contests/new', { choices, values, error: err.message }, { title: '新建竞赛', status: 422 });
    }
    return reply.goTo(`/contests/${id}`);
  });

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const [overview, version] = await Promise.all([contestOverview(app.db, contest.id), currentRuleVersion(app.db, contest.id)]);
      // The notice's chain of levels with this contest's dates (a rule set that no longer parses has none to show).
      const stages = await contestSchedule(app.db, contest.id).catch(() => []);
      let flow = null;
      let flowError = null;
      try {
        flow = await contestStatus(app.db, contest.id);
      } catch (err) {
        flowError = refusal(err); // e.g. a rule set that no longer fits the stored reviews: said, not a 500
      }
      const rules = { title: ruleSetTitle(ruleSetOf(contest)), version };
      return reply.page('contests/home', { contest, tab: 'home', overview, stages, flow, flowError, rules }, { title: contest.name });
    },
  );
};
