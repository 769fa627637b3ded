import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/connect.ts';
import type { AwardOverrideKind, Contest } from '../../db/schema.ts';
import type { ContestAwards } from '../../awards/contest.ts';
import { contestAwards } from '../../awards/store/contest.ts';
import { clearAwardOverride, listAwardOverrides, setAwardOverride } from '../../awards/store/overrides.ts';
import type { Publication } from '../../awards/publication.ts';
import { getSnapshot, listPublications, publish } from '../../awards/store/publication.ts';
import { EXPORT_FORMATS, EXPORT_NAMES, type ExportFormat, type ExportOptions, exportAwards } from '../../exports/index.ts';
import { CONTEST_ORGANIZERS } from '../auth/access.ts';
import { idParams, type Ids } from '../schemas.ts';
import { HttpError } from '../http-error.ts';
import { isHtmx } from '../htmx.ts';
import { requireContest } from '../contests/load.ts';
import { sendDownload } from '../entries/download.ts';
import { awardFormat, bandTotals, blockerLink, entriesByCode, entryDecision, type EntryDecisionView } from './view.ts';
import { attempt, refusal } from '../refusal.ts';

/**
 * 评奖 (bands, ties, blockers, the organizer's decisions), 公示 (publication versions and their
 * snapshots) and the award downloads. The numbers all come from src/awards; these routes only show them
 * and pass the organizer's decisions on, each with its reason (the store audits them).
 */

const awardsUrl = (contestId: number) => `/contests/${contestId}/awards`;
const publicationsUrl = (contestId: number) => `${awardsUrl(contestId)}/publications`;

/** The live awards; a rule set that no longer fits the stored reviews is explained, not a 500. */
async function liveAwards(db: Db, contestId: number): Promise<ContestAwards> {
  try {
    return await contestAwards(db, contestId);
  } catch (err) {
    throw new HttpError(409, `无法计算奖项：${refusal(err)}`);
  }
}

const latestPublication = async (db: Db, contestId: number): Promise<Publication | null> =>
  (await listPublications(db, contestId)).at(-1) ?? null;

async function resultsPage(db: Db, contest: Contest) {
  const [awards, decisions, latest] = await Promise.all([
    liveAwards(db, contest.id),
    listAwardOverrides(db, contest.id),
    latestPublication(db, contest.id),
  ]);
  return {
    contest,
    tab: 'awards',
    section: 'results',
    fmt: awardFormat,
    awards,
    decisions,
    latest,
    byCode: entriesByCode(awards),
    blockerLink,
    totals: bandTotals(awards),
  };
}

async function decisionView(db: Db, contestId: number, entryId: number): Promise<EntryDecisionView> {
  const [awards, decisions] = await Promise.all([liveAwards(db, contestId), listAwardOverrides(db, contestId)]);
  const view = entryDecision(awards, decisions, entryId);
  if (!view) throw new HttpError(404, '该作品不在评奖范围内：只有已归入类别的有效作品参加评奖');
  return view;
}

interface DecisionBody {
  kind: AwardOverrideKind;
  value?: string;
  reason?: string;
}

/** A refused form, shown again as submitted: `action` says which of the page's forms it was. */
interface DecisionForm extends DecisionBody {
  action: 'set' | 'clear';
}

async function renderDecision(
  reply: FastifyReply,
  contest: Contest,
  view: EntryDecisionView,
  form: DecisionForm | null,
  error: string | null,
) {
  return reply.page(
    'awards/entry',
    { contest, tab: 'awards', section: 'results', fmt: awardFormat, view, form, error },
    { title: `评奖 · ${view.entry.code} ${view.entry.title}`, status: error ? 422 : 200 },
  );
}

/**
 * After a decision: an htmx request gets the refreshed 评奖 page swapped into <main>, scrolled to the
 * entry, with the address set to the page (so a reload shows the same); a plain form is redirected there.
 */
async function showDecided(request: FastifyRequest, reply: FastifyReply, contest: Contest, entryId: number) {
  if (!isHtmx(request)) return reply.goTo(`${awardsUrl(contest.id)}#entry-${entryId}`);
  reply
    .header('HX-Retarget', '#main')
    .header('HX-Reswap', `innerHTML show:top showTarget:#entry-${entryId}`)
    .header('HX-Replace-Url', awardsUrl(contest.id));
  return reply.page('awards/index', await resultsPage(request.server.db, contest), { title: `评奖 · ${contest.name}` });
}

const KINDS: AwardOverrideKind[] = ['band', 'quota', 'release'];
const reasonSchema = { type: 'string', maxLength: 2000 } as const;

const decisionBodySchema = {
  type: 'object',
  properties: { kind: { type: 'string', enum: KINDS }, value: { type: 'string', maxLength: 100 }, reason: reasonSchema },
  required: ['kind'],
} as const;

const clearBodySchema = {
  type: 'object',
  properties: { kind: { type: 'string', enum: KINDS }, reason: reasonSchema },
  required: ['kind'],
} as const;

interface DownloadQuery {
  kind: ExportOptions['kind'];
  format: ExportFormat;
  comments: boolean;
  version?: number;
}

const downloadQuerySchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['list', 'workbook', 'details'], default: 'list' },
    format: { type: 'string', enum: ['xlsx', 'csv', 'docx'], default: 'xlsx' },
    comments: { type: 'boolean', default: false },
    version: { type: 'integer', minimum: 1 },
  },
} as const;

/** The stored value a decision form's `value` field stands for. */
function decisionValue(kind: AwardOverrideKind, value: string | undefined): string | null {
  if (kind === 'release') return null;
  if (value === undefined) throw new HttpError(400, kind === 'band' ? '请选择奖项' : '请选择推优或不推优');
  // The band select offers 不获奖 as the empty value.
  return kind === 'band' && value === '' ? null : value;
}

export const awardRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/awards',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      return reply.page('awards/index', await resultsPage(app.db, contest), { title: `评奖 · ${contest.name}` });
    },
  );

  app.get<{ Params: Ids<'contestId' | 'entryId'> }>(
    '/contests/:contestId/awards/entries/:entryId',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'entryId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      return renderDecision(reply, contest, await decisionView(app.db, contest.id, request.params.entryId), null, null);
    },
  );

  app.post<{ Params: Ids<'contestId' | 'entryId'>; Body: DecisionBody }>(
    '/contests/:contestId/awards/entries/:entryId/decision',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'entryId'), body: decisionBodySchema } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { entryId } = request.params;
      const form = request.body;
      const view = await decisionView(app.db, contest.id, entryId);
      const error = await attempt(() =>
        setAwardOverride(app.db, {
          contestId: contest.id,
          entryId,
          kind: form.kind,
          value: decisionValue(form.kind, form.value),
          reason: form.reason ?? '',
          userId: request.signedIn.id,
        }),
      );
      if (error) return renderDecision(reply, contest, view, { ...form, action: 'set' }, error);
      return showDecided(request, reply, contest, entryId);
    },
  );

  app.post<{ Params: Ids<'contestId' | 'entryId'>; Body: DecisionBody }>(
    '/contests/:contestId/awards/entries/:entryId/decision/clear',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'entryId'), body: clearBodySchema } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { entryId } = request.params;
      const form = request.body;
      const view = await decisionView(app.db, contest.id, entryId);
      const error = await attempt(() =>
        clearAwardOverride(app.db, {
          contestId: contest.id,
          entryId,
          kind: form.kind,
          reason: form.reason ?? '',
          userId: request.signedIn.id,
        }),
      );
      if (error) return renderDecision(reply, contest, view, { ...form, action: 'clear' }, error);
      return showDecided(request, reply, contest, entryId);
    },
  );

  const publicationsPage = async (contest: Contest, reason: string, error: string | null) => {
    const [awards, publications] = await Promise.all([liveAwards(app.db, contest.id), listPublications(app.db, contest.id)]);
    // Each version's stored text checked against its hash, so a tampered version shows in the list.
    // A version whose snapshot cannot be read back counts as tampered.
    const checked = await Promise.all(
      publications.map(async (p) => ({ ...p, intact: (await getSnapshot(app.db, contest.id, p.version))?.intact ?? false })),
    );
    const userIds = [...new Set(publications.map((p) => p.userId).filter((id): id is number => id !== null))];
    const users = userIds.length
      ? await app.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', userIds).execute()
      : [];
    const names = new Map(users.map((u) => [u.id, u.display_name]));
    return {
      contest,
      tab: 'awards',
      section: 'publications',
      fmt: awardFormat,
      awards,
      // Newest first: the current version is what people look for.
      publications: checked.reverse().map((p) => ({
        ...p,
        by: p.userId === null ? '命令行' : (names.get(p.userId) ?? `用户 ${p.userId}`),
      })),
      reasonRequired: publications.length > 0 || !awards.canFinalize,
      reason,
      error,
    };
  };

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/awards/publications',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      return reply.page('awards/publications', await publicationsPage(contest, '', null), { title: `公示 · ${contest.name}` });
    },
  );

  app.post<{ Params: Ids<'contestId'>; Body: { reason?: string } }>(
    '/contests/:contestId/awards/publications',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: { params: idParams('contestId'), body: { type: 'object', properties: { reason: reasonSchema } } },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const reason = request.body?.reason ?? '';
      let version = 0;
      const error = await attempt(async () => {
        version = (await publish(app.db, contest.id, request.signedIn.id, reason)).version;
      });
      if (error) {
        return reply.page('awards/publications', await publicationsPage(contest, reason, error), {
          title: `公示 · ${contest.name}`,
          status: 422,
        });
      }
      return reply.goTo(`${publicationsUrl(contest.id)}/${version}`);
    },
  );

  app.get<{ Params: Ids<'contestId' | 'version'> }>(
    '/contests/:contestId/awards/publications/:version',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'version') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const published = await getSnapshot(app.db, contest.id, request.params.version);
      if (!published) throw new HttpError(404, `本竞赛没有第 ${request.params.version} 版公示`);
      const by =
        published.userId === null
          ? null
          : await app.db.selectFrom('users').select('display_name').where('id', '=', published.userId).executeTakeFirst();
      const awards = published.snapshot.awards;
      return reply.page(
        'awards/snapshot',
        {
          contest,
          tab: 'awards',
          section: 'publications',
          fmt: awardFormat,
          published,
          by: published.userId === null ? '命令行' : (by?.display_name ?? `用户 ${published.userId}`),
          awards,
          byCode: entriesByCode(awards),
          blockerLink,
          totals: bandTotals(awards),
        },
        { title: `第 ${published.version} 版公示 · ${contest.name}` },
      );
    },
  );

  app.get<{ Params: Ids<'contestId'>; Querystring: DownloadQuery }>(
    '/contests/:contestId/awards/download',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId'), querystring: downloadQuerySchema } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { kind, format, comments, version } = request.query;
      if (!EXPORT_FORMATS[kind].includes(format)) throw new HttpError(400, `${EXPORT_NAMES[kind]}不能导出为 .${format}`);
      if (version !== undefined && !(await getSnapshot(app.db, contest.id, version))) {
        throw new HttpError(404, `本竞赛没有第 ${version} 版公示`);
      }
      const file = await exportAwards(app.db, contest.id, { kind, format, comments: kind === 'details' && comments, version }).catch(
        (err: unknown) => {
          throw new HttpError(409, `无法导出：${refusal(err)}`);
        },
      );
      return sendDownload(reply, file.body, file.fileName, file.contentType);
    },
  );
};
