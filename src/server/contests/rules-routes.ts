import type { FastifyPluginAsync } from 'fastify';
import { diffLines } from 'diff';
import { currentRuleVersion, listRuleVersions, ruleSetOf, updateContestRules } from '../../contests/index.ts';
import type { Contest } from '../../db/schema.ts';
import { parseRuleSet, type RuleSetError } from '../../rules/load.ts';
import { ruleSetTitle } from '../../rules/schema.ts';
import { CONTEST_ORGANIZERS } from '../auth/access.ts';
import { notFound } from '../http-error.ts';
import { attempt } from '../refusal.ts';
import { idParams, type Ids } from '../schemas.ts';
import { requireContest } from './load.ts';
import { ruleDefaults } from '../../rules/defaults.ts';

/**
 * 规则: the contest's own copy of its rule set, edited as YAML in the browser. Each save is a new, audited
 * version with a reason; errors name the line and the field as `casejury rules check` does; the history
 * shows every version with its diff against the one before.
 */

interface DiffLine {
  kind: 'added' | 'removed' | 'same';
  text: string;
}

/** Line diff of two versions, unchanged runs longer than six lines folded to their ends. */
function lineDiff(before: string, after: string): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const part of diffLines(before, after)) {
    const kind: DiffLine['kind'] = part.added ? 'added' : part.removed ? 'removed' : 'same';
    const text = part.value.replace(/\n$/, '').split('\n');
    if (kind === 'same' && text.length > 6)
      lines.push(...[...text.slice(0, 2), `…（${text.length - 4} 行未改动）`, ...text.slice(-2)].map((t) => ({ kind, text: t })));
    else lines.push(...text.map((t) => ({ kind, text: t })));
  }
  return lines;
}

const rulesUrl = (contestId: number) => `/contests/${contestId}/rules`;

export const ruleRoutes: FastifyPluginAsync = async (app) => {
  const page = async (contest: Contest, form: { yaml: string; reason: string } | null, errors: RuleSetError[], error: string | null) => {
    const [versions, current] = await Promise.all([listRuleVersions(app.db, contest.id), currentRuleVersion(app.db, contest.id)]);
    const ruleSet = ruleSetOf(contest);
    return {
      contest,
      tab: 'rules',
      title: ruleSetTitle(ruleSet),
      ruleSet,
      current,
      defaults: ruleDefaults(ruleSet),
      form: form ?? { yaml: contest.rules_yaml, reason: '' },
      errors,
      error,
      // Newest first, each with its changes against the version before it.
      versions: versions.map((v, i) => ({ ...v, diff: i === 0 ? [] : lineDiff(versions[i - 1].yaml, v.yaml) })).reverse(),
    };
  };

  app.get<{ Params: Ids<'contestId'>; Querystring: { saved?: number } }>(
    '/contests/:contestId/rules',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: { params: idParams('contestId'), querystring: { type: 'object', properties: { saved: { type: 'integer', minimum: 1 } } } },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const data = await page(contest, null, [], null);
      return reply.page('rules/index', { ...data, saved: request.query.saved ?? null }, { title: `规则 · ${contest.name}` });
    },
  );

  app.post<{ Params: Ids<'contestId'>; Body: { yaml?: string; reason?: string } }>(
    '/contests/:contestId/rules',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: {
        params: idParams('contestId'),
        body: {
          type: 'object',
          properties: { yaml: { type: 'string', maxLength: 1_000_000 }, reason: { type: 'string', maxLength: 2000 } },
        },
      },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const form = { yaml: (request.body?.yaml ?? '').replace(/\r\n/g, '\n'), reason: request.body?.reason ?? '' };
      const title = ruleSetTitle(ruleSetOf(contest));
      const parsed = parseRuleSet(form.yaml, title);
      let version = 0;
      const error = parsed.ok
        ? await attempt(async () => {
            version = await updateContestRules(app.db, contest.id, form.yaml, request.signedIn.id, form.reason);
          })
        : null;
      if (!parsed.ok || error) {
        const errors = parsed.ok ? [] : parsed.errors;
        return reply.page(
          'rules/index',
          { ...(await page(contest, form, errors, error)), saved: null },
          { title: `规则 · ${contest.name}`, status: 422 },
        );
      }
      return reply.goTo(`${rulesUrl(contest.id)}?saved=${version}`);
    },
  );

  app.get<{ Params: Ids<'contestId' | 'version'> }>(
    '/contests/:contestId/rules/versions/:version',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'version') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const versions = await listRuleVersions(app.db, contest.id);
      const v = versions.find((x) => x.version === request.params.version);
      if (!v) throw notFound(`第 ${request.params.version} 版规则`);
      return reply
        .header('Content-Type', 'text/plain; charset=utf-8')
        .header('Content-Disposition', `inline; filename="rules-v${v.version}.yaml"`)
        .send(v.yaml);
    },
  );
};
