import path from 'node:path';
import fs from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { PackageError } from '../../packages/store/export.ts';
import { createContestFromPackage } from '../../packages/store/create.ts';
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

  /** The listed rule file the form names, or why it cannot be used. Only a listed file: a posted name never reaches the disk otherwise. */
  async function chosenRules(values: { rules: string; name: string }) {
    const choices = await ruleSetChoices(rulesDir);
    const choice = choices.find((c) => c.file === values.rules);
    const problem = !choice
      ? '请选择一个规则文件'
      : choice.error
        ? `规则文件有误，不能使用：${choice.error}`
        : values.name.length > 200
          ? '竞赛名称不能超过 200 字'
          : null;
    return { choices, choice: problem ? undefined : choice, problem };
  }

  app.post<{ Body: { rules?: string; name?: string } }>('/contests', { config: { access: ORGANIZERS } }, async (request, reply) => {
    const values = { rules: String(request.body?.rules ?? ''), name: String(request.body?.name ?? '').trim() };
    const { choices, choice, problem } = await chosenRules(values);
    if (!choice) return reply.page('contests/new', { choices, values, error: problem }, { title: '新建竞赛', status: 422 });
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

  // The next level's contest from the package the level below exported (multipart: the CSRF token comes in the header).
  await app.register(multipart, { limits: { files: 1, fields: 4, parts: 5, fieldSize: 4096 } });
  app.post('/contests/from-package', { config: { access: ORGANIZERS } }, async (request, reply) => {
    const values = { rules: '', name: '' };
    const dir = await fs.mkdtemp(path.join(app.tmpDir, 'package-'));
    try {
      let file: string | null = null;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          file = path.join(dir, 'package.zip');
          await pipeline(part.file, createWriteStream(file, { mode: 0o600 }));
        } else if (part.fieldname === 'rules' || part.fieldname === 'name') values[part.fieldname] = String(part.value ?? '').trim();
      }
      const { choices, choice, problem } = await chosenRules(values);
      const refuse = (error: string) => reply.page('contests/new', { choices, values, error }, { title: '新建竞赛', status: 422 });
      if (!choice) return refuse(problem ?? '请选择一个规则文件');
      if (!file) return refuse('请选择下一级导出的推荐包（.zip）');
      try {
        const { contestId } = await createContestFromPackage(app.db, {
          packagePath: file,
          rulesYaml: await fs.readFile(path.join(rulesDir, choice.file), 'utf8'),
          rulesSource: choice.file,
          name: values.name || undefined,
          userId: request.signedIn.id,
          blobs: app.blobs,
        });
        return reply.goTo(`/contests/${contestId}`);
      } catch (err) {
        if (!(err instanceof PackageError || err instanceof RuleSetInvalidError)) throw err;
        return refuse(err.message);
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
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
