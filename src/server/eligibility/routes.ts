import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { Contest } from '../../db/schema.ts';
import { eligibilityBoard, entryChecklist } from '../../eligibility/store/board.ts';
import { decide, isDecision } from '../../eligibility/store/decisions.ts';
import { eligibilityXlsx } from '../../eligibility/store/export.ts';
import { importPriorAwards } from '../../eligibility/store/prior-awards.ts';
import { type RunSummary, runChecks } from '../../eligibility/store/run.ts';
import { CONTEST_ORGANIZERS } from '../auth/access.ts';
import { requireContest } from '../contests/load.ts';
import { attachmentDisposition } from '../entries/download.ts';
import { isHtmx } from '../htmx.ts';
import { HttpError, notFound } from '../http-error.ts';
import { idParams, type Ids } from '../schemas.ts';
import { safeUploadName } from '../upload-name.ts';
import { checkJobs, checkRun } from './check-job.ts';
import { boardUrl, type FilterFields, filterFields, filterProperties, type LoadedBoard, loadBoard, selectionToken } from './filter.ts';
import { checksBySeverity, labels, priorAwardsInfo } from './view.ts';
import { attempt, refusal } from '../refusal.ts';
import { ruleSetOf } from '../../contests/index.ts';
import { checkedRuleVersions, confirmManualChecks, manualChecks } from '../../eligibility/store/manual-checks.ts';
import { materialsFor } from '../../rules/schema.ts';

/**
 * 形式审查: the eligibility board of a contest (counts, filters, every entry's checklist), the
 * organizer's decisions one by one or in bulk for a filter, check runs, the 往届获奖名单 upload and
 * the results as .xlsx. The checks, decisions and counts all come from src/eligibility; these
 * routes only show them and pass the organizer's decisions on.
 */

const ROWS_PER_PAGE = 100;
const PRIOR_AWARDS_MAX_BYTES = 20 * 1024 * 1024;
const MAX_REASON = 2000;

const entryUrl = (contestId: number, entryId: number) => `/contests/${contestId}/eligibility/entries/${entryId}`;

interface BoardQuery extends FilterFields {
  page?: string;
}

interface DecisionBody {
  decision?: string;
  reason?: string;
}

interface BulkBody extends FilterFields, DecisionBody {
  /** Present on the confirming submission: the selection the organizer saw (selectionToken). */
  token?: string;
}

const decisionProperties = { decision: { type: 'string' }, reason: { type: 'string', maxLength: MAX_REASON } } as const;

function parsePage(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  if (!/^[1-9]\d{0,5}$/.test(raw)) throw new HttpError(400, `页码“${raw}”无效，应为正整数`);
  return Number(raw);
}

const chooseDecision = '请选择审定结果：通过、退回修改或取消资格';
/** The bulk form's choice that confirms every 人工核查 item of the selection instead of deciding. */
const MANUAL_CHECKS = '确认人工核查';

export const eligibilityRoutes: FastifyPluginAsync = async (app) => {
  await app.register(multipart, { limits: { fileSize: PRIOR_AWARDS_MAX_BYTES, files: 1, fields: 2, parts: 3 } });
  const startCheckRun = checkJobs(app);

  /** The whole board: run panel, counts, filters, the selected entries (one page) and the bulk form. */
  async function boardData(contest: Contest, fields: FilterFields, page: number) {
    let loaded: LoadedBoard;
    let error: string | null = null;
    try {
      loaded = await loadBoard(app.db, contest.id, fields);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      // A bad filter still shows the board (counts, filter form) with the reason instead of a list.
      error = err.message;
      loaded = { board: await eligibilityBoard(app.db, contest.id), filter: {} };
    }
    const { board, filter } = loaded;
    const selected = error ? [] : board.entries;
    const pages = Math.max(1, Math.ceil(selected.length / ROWS_PER_PAGE));
    const current = Math.min(page, pages);
    const [run, prior, rules] = await Promise.all([
      checkRun(app.db, contest.id),
      priorAwardsInfo(app.db, contest.id),
      checkedRuleVersions(app.db, contest.id),
    ]);
    return {
      contest,
      tab: 'eligibility',
      labels,
      counts: board.counts,
      checkIds: board.checkIds,
      rules,
      lastCheckedAt: board.lastCheckedAt,
      fields: { ...filterFields({}), ...fields },
      query: filterFields(filter),
      filterError: error,
      selected: selected.length,
      rows: selected.slice((current - 1) * ROWS_PER_PAGE, current * ROWS_PER_PAGE),
      page: current,
      pages,
      boardUrl: (extra: Record<string, string | number> = {}) => boardUrl(contest.id, filter, extra),
      countUrl: (extra: Record<string, string>) => boardUrl(contest.id, {}, extra),
      run,
      prior,
      priorNotice: null,
      priorError: null,
      bulk: { count: selected.length, decision: '', reason: '', error: null, confirm: null },
      notice: null as string | null,
    };
  }

  const boardTitle = (contest: Contest) => `形式审查 · ${contest.name}`;

  app.get<{ Params: Ids<'contestId'>; Querystring: BoardQuery }>(
    '/contests/:contestId/eligibility',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: {
        params: idParams('contestId'),
        querystring: { type: 'object', properties: { ...filterProperties, page: { type: 'string' } } },
      },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { page, ...fields } = request.query;
      const data = await boardData(contest, fields, parsePage(page));
      return reply.page('eligibility/board', data, { title: boardTitle(contest), status: data.filterError ? 400 : 200 });
    },
  );

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/eligibility/export.xlsx',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const body = await eligibilityXlsx(app.db, contest.id);
      return reply
        .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', attachmentDisposition(`${contest.name}-形式审查结果.xlsx`))
        .header('Cache-Control', 'private, no-store')
        .send(body);
    },
  );

  // ---- Check runs ----

  app.post<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/eligibility/check',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      await startCheckRun(contest.id, request.signedIn.id);
      return reply.goTo(boardUrl(contest.id));
    },
  );

  // Polled by the board's progress bar while a run is under way; once it has finished the board reloads.
  app.get<{ Params: Ids<'contestId' | 'jobId'> }>(
    '/contests/:contestId/eligibility/check/:jobId',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'jobId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const run = await checkRun(app.db, contest.id, request.params.jobId);
      if (!run) throw notFound('检查任务');
      if (!run.active || !isHtmx(request)) return reply.goTo(boardUrl(contest.id));
      return reply.page('eligibility/partials/run', { contest, run }, { title: boardTitle(contest) });
    },
  );

  // ---- One entry: checklist, decision, re-check ----

  async function requireChecklist(contestId: number, entryId: number) {
    const entry = await entryChecklist(app.db, contestId, entryId);
    if (!entry) throw notFound('作品');
    return entry;
  }

  interface ChecklistView {
    notice?: string;
    error?: string;
    form?: DecisionBody;
  }

  /**
   * The checklist of one entry. As a swap (the board's expanded row, or the entry page's own
   * form) it also carries the board's counts and the entry's row, which htmx puts in place when
   * the board is on screen — so the counts follow each decision without reloading the board.
   */
  async function showChecklist(request: FastifyRequest, reply: FastifyReply, contest: Contest, entryId: number, view: ChecklistView = {}) {
    const entry = await requireChecklist(contest.id, entryId);
    const ruleSet = ruleSetOf(contest);
    const category = ruleSet.categories.find((c) => c.key === entry.category?.key);
    const manual = (await manualChecks(app.db, contest.id, ruleSet, [entryId])).get(entryId) ?? [];
    // Each material the entry is checked against, with the notice's note beside it.
    const materials = category
      ? materialsFor(category, entry.group).map((m) => ({ name: m.name ?? m.kind, required: m.required, note: m.note ?? null }))
      : [];
    const refresh =
      isHtmx(request) && view.notice
        ? {
            counts: (await eligibilityBoard(app.db, contest.id)).counts,
            countUrl: (extra: Record<string, string>) => boardUrl(contest.id, {}, extra),
          }
        : null;
    return reply.page(
      'eligibility/entry',
      {
        contest,
        tab: 'eligibility',
        labels,
        e: entry,
        checks: checksBySeverity(entry),
        manual,
        materials,
        notice: view.notice ?? null,
        error: view.error ?? null,
        form: view.form ?? {},
        refresh,
      },
      { title: `形式审查 · ${entry.code} ${entry.title}`, status: view.error ? 422 : 200 },
    );
  }

  app.get<{ Params: Ids<'contestId' | 'entryId'> }>(
    '/contests/:contestId/eligibility/entries/:entryId',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'entryId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      return showChecklist(request, reply, contest, request.params.entryId);
    },
  );

  app.post<{ Params: Ids<'contestId' | 'entryId'>; Body: DecisionBody }>(
    '/contests/:contestId/eligibility/entries/:entryId/decision',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: { params: idParams('contestId', 'entryId'), body: { type: 'object', properties: decisionProperties } },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { entryId } = request.params;
      await requireChecklist(contest.id, entryId);
      const form = request.body ?? {};
      const decision = form.decision;
      let error: string | null = null;
      try {
        if (!isDecision(decision)) throw new Error(chooseDecision);
        await decide(app.db, contest.id, [entryId], decision, form.reason ?? '', request.signedIn.id);
      } catch (err) {
        error = refusal(err);
      }
      if (error) return showChecklist(request, reply, contest, entryId, { error, form });
      if (!isHtmx(request)) return reply.goTo(entryUrl(contest.id, entryId));
      return showChecklist(request, reply, contest, entryId, { notice: `已审定为“${decision}”` });
    },
  );

  app.post<{ Params: Ids<'contestId' | 'entryId'> }>(
    '/contests/:contestId/eligibility/entries/:entryId/check',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'entryId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { entryId } = request.params;
      await requireChecklist(contest.id, entryId);
      let result: RunSummary;
      try {
        result = await runChecks(app.db, contest.id, { entryIds: [entryId], blobs: app.blobs, userId: request.signedIn.id });
      } catch (err) {
        return showChecklist(request, reply, contest, entryId, { error: refusal(err) });
      }
      if (!isHtmx(request)) return reply.goTo(entryUrl(contest.id, entryId));
      const outcome = result.fail ? labels.verdict.fail : result.warn ? labels.verdict.warn : labels.verdict.pass;
      return showChecklist(request, reply, contest, entryId, { notice: `已重新检查：${outcome}` });
    },
  );

  app.post<{ Params: Ids<'contestId' | 'entryId'>; Body: { item?: string | string[] } }>(
    '/contests/:contestId/eligibility/entries/:entryId/manual-checks',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: {
        params: idParams('contestId', 'entryId'),
        body: {
          type: 'object',
          properties: {
            item: {
              anyOf: [
                { type: 'string', maxLength: 2000 },
                { type: 'array', items: { type: 'string', maxLength: 2000 }, maxItems: 100 },
              ],
            },
          },
        },
      },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { entryId } = request.params;
      await requireChecklist(contest.id, entryId);
      const raw = request.body?.item;
      const items = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      let confirmed = 0;
      const error = items.length
        ? await attempt(async () => {
            confirmed = await confirmManualChecks(app.db, contest.id, ruleSetOf(contest), [entryId], items, request.signedIn.id);
          })
        : '请勾选已核查的项目';
      if (error) return showChecklist(request, reply, contest, entryId, { error });
      if (!isHtmx(request)) return reply.goTo(entryUrl(contest.id, entryId));
      return showChecklist(request, reply, contest, entryId, { notice: `已确认 ${confirmed} 项人工核查` });
    },
  );

  // ---- Bulk decision for the current filter ----

  /**
   * First submission: shows how many entries (and which) the decision would apply to. The
   * confirming submission carries the token of that selection and applies the decision only if
   * the filter still selects exactly those entries.
   */
  app.post<{ Params: Ids<'contestId'>; Body: BulkBody }>(
    '/contests/:contestId/eligibility/bulk',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: {
        params: idParams('contestId'),
        body: { type: 'object', properties: { ...filterProperties, ...decisionProperties, token: { type: 'string', maxLength: 64 } } },
      },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const body = request.body ?? {};
      const { board, filter } = await loadBoard(app.db, contest.id, body);
      const ids = board.entries.map((e) => e.id);
      const token = selectionToken(ids);
      const decision = body.decision ?? '';
      const reason = body.reason?.trim() ?? '';
      const panel = (status: number, bulk: Record<string, unknown>) =>
        reply.page(
          'eligibility/bulk',
          {
            contest,
            tab: 'eligibility',
            labels,
            query: filterFields(filter),
            boardUrl: () => boardUrl(contest.id, filter),
            bulk: { count: ids.length, decision, reason, error: null, confirm: null, ...bulk },
          },
          { title: boardTitle(contest), status },
        );
      const confirmation = { token, codes: board.entries.map((e) => e.code) };

      if (ids.length === 0) return panel(422, { error: '当前筛选没有作品，无法批量审定' });
      const manual = decision === MANUAL_CHECKS;
      if (!manual && !isDecision(decision)) return panel(422, { error: chooseDecision });
      if (!reason) return panel(422, { error: '请填写审定理由' });
      if (!body.token) return panel(200, { confirm: confirmation });
      if (body.token !== token) {
        return panel(409, { confirm: confirmation, error: `筛选结果已经变化，现在是 ${ids.length} 件作品，请核对后再确认` });
      }

      let notice = '';
      try {
        if (manual) {
          // 人工核查 for every selected entry that is still valid (the others have nothing to confirm).
          const valid = board.entries.filter((e) => e.status === 'submitted' || e.status === 'eligible').map((e) => e.id);
          const n = valid.length ? await confirmManualChecks(app.db, contest.id, ruleSetOf(contest), valid, null, request.signedIn.id) : 0;
          notice = `已为 ${valid.length} 件作品确认人工核查（新确认 ${n} 项）`;
        } else if (isDecision(decision)) {
          const result = await decide(app.db, contest.id, ids, decision, reason, request.signedIn.id);
          notice = `已将 ${result.decided} 件作品审定为“${decision}”（其中 ${result.changed} 件状态有变化）`;
        }
      } catch (err) {
        return panel(422, { confirm: confirmation, error: refusal(err) });
      }
      const url = boardUrl(contest.id, filter);
      if (!isHtmx(request)) return reply.goTo(url);
      // The refreshed board replaces the page, with the filter kept in the address bar.
      const data = await boardData(contest, filterFields(filter), 1);
      data.notice = notice;
      reply.header('HX-Retarget', '#main').header('HX-Reswap', 'innerHTML show:top').header('HX-Replace-Url', url);
      return reply.page('eligibility/board', data, { title: boardTitle(contest) });
    },
  );

  // ---- 往届获奖名单 ----

  // Multipart bodies are read in the handler, after the CSRF check, so the form sends its token
  // in the X-CSRF-Token header (htmx adds it from the page's hx-headers).
  app.post<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/eligibility/prior-awards',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const part = await request.file();
      let notice: string | null = null;
      let error: string | null = null;
      if (!part?.filename) error = '请选择往届获奖名单文件（.xlsx）';
      else {
        const name = safeUploadName(part.filename);
        if (path.extname(name).toLowerCase() !== '.xlsx') {
          part.file.resume();
          error = `“${name}”不是 .xlsx 文件：往届获奖名单请以 Excel（.xlsx）格式上传`;
        } else {
          const data = await part.toBuffer();
          try {
            const rows = await importPriorAwards(app.db, contest.id, data, name, request.signedIn.id);
            notice = `已导入“${name}”，共 ${rows} 件往届获奖作品。重新运行检查后比对结果才会更新。`;
          } catch (err) {
            error = refusal(err);
          }
        }
      }
      return reply.page(
        'eligibility/partials/prior',
        { contest, prior: await priorAwardsInfo(app.db, contest.id), priorNotice: notice, priorError: error },
        { title: boardTitle(contest), status: error ? 422 : 200 },
      );
    },
  );
};
