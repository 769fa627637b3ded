import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Contest } from '../../db/schema.ts';
import { judgingSkips } from '../../flow/store/status.ts';
import { safeLocalPath, CONTEST_ORGANIZERS } from '../auth/access.ts';
import { HttpError, notFound } from '../http-error.ts';
import { idParams, type Ids } from '../schemas.ts';
import { requireContest } from '../contests/load.ts';
import { entryDetail } from '../entries/query.ts';
import { contestCategories } from '../../contests/index.ts';
import { conflictReason } from '../../judging/conflicts.ts';
import { contestExperts } from '../../judging/store/experts.ts';
import { returnReview } from '../../judging/store/reviews.ts';
import {
  addExtraReviewer,
  assignmentConflict,
  lastAssignOptions,
  moveAssignment,
  runAutoAssign,
  setAssignment,
  type AssignRunResult,
} from '../../judging/store/assignments.ts';
import { ruleSetOf } from '../../contests/index.ts';
import { categoryRubric } from '../../judging/rubric.ts';
import { assignmentTable, entryReviewers } from './organizer-queries.ts';
import { asUserError, field, idField, reasonField, type FormBody } from './forms.ts';

interface AssignmentsQuery {
  category?: number;
  short?: string;
}

const assignmentsQuerySchema = {
  type: 'object',
  properties: { category: { type: 'integer', minimum: 1 }, short: { type: 'string', maxLength: 5 } },
} as const;

/** What the automatic run did, with entry codes for the shortfalls. */
interface RunSummary {
  perEntry: number;
  avoidSameCounty: boolean;
  assignments: number;
  added: number;
  removed: number;
  unpanelled: number;
  shortfalls: { entryId: number; code: string; title: string; assigned: number; needed: number; reason: string }[];
}

const entryPage = (contestId: number, entryId: number) => `/contests/${contestId}/judging/entries/${entryId}`;

/** 评审分配: automatic assignment, the table of reviewers per entry, and one entry's reviewers and reviews. */
export const assignmentRoutes: FastifyPluginAsync = async (app) => {
  const defaults = async (contest: Contest) => lastAssignOptions(app.db, contest.id, ruleSetOf(contest).judging.reviewersPerEntry);

  async function renderAssignments(reply: FastifyReply, contest: Contest, query: AssignmentsQuery, run: RunSummary | null) {
    const options = await defaults(contest);
    const filter = { categoryId: query.category, shortOnly: query.short === '1', perEntry: options.perEntry };
    const [rows, categories, skips] = await Promise.all([
      assignmentTable(app.db, contest.id, filter),
      contestCategories(app.db, contest.id),
      judgingSkips(app.db, contest.id),
    ]);
    return reply.page(
      'judging/assignments',
      {
        contest,
        tab: 'assignments',
        rows,
        categories,
        filter,
        options,
        ruleDefault: ruleSetOf(contest).judging.reviewersPerEntry,
        run,
        skips,
      },
      { title: `评审分配 · ${contest.name}` },
    );
  }

  app.get<{ Params: Ids<'contestId'>; Querystring: AssignmentsQuery }>(
    '/contests/:contestId/assignments',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId'), querystring: assignmentsQuerySchema } },
    async (request, reply) => renderAssignments(reply, await requireContest(app.db, request.params.contestId), request.query, null),
  );

  app.post<{ Params: Ids<'contestId'>; Body: FormBody }>(
    '/contests/:contestId/assignments/auto',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const perEntry = Number(field(request.body, 'per_entry'));
      if (!Number.isInteger(perEntry) || perEntry < 1 || perEntry > 20) throw new HttpError(422, '每件作品的专家人数应为 1–20 的整数');
      const avoidSameCounty = field(request.body, 'avoid_county') === '1';
      const result: AssignRunResult = await runAutoAssign(app.db, contest.id, { perEntry, avoidSameCounty, userId: request.signedIn.id });
      const entries = result.shortfalls.length
        ? await app.db
            .selectFrom('entries')
            .select(['id', 'code', 'title'])
            .where(
              'id',
              'in',
              result.shortfalls.map((s) => s.entryId),
            )
            .execute()
        : [];
      const run: RunSummary = {
        perEntry,
        avoidSameCounty,
        assignments: result.assignments.length,
        added: result.added.length,
        removed: result.removed.length,
        unpanelled: result.unpanelled.length,
        shortfalls: result.shortfalls.map((s) => {
          const e = entries.find((x) => x.id === s.entryId);
          if (!e) throw new Error(`Assignment shortfall names entry ${s.entryId}, which is not in the contest`);
          return { ...s, code: e.code, title: e.title };
        }),
      };
      return renderAssignments(reply, contest, {}, run);
    },
  );

  const entryParams = { params: idParams('contestId', 'entryId') };

  app.get<{ Params: Ids<'contestId' | 'entryId'> }>(
    '/contests/:contestId/judging/entries/:entryId',
    { config: { access: CONTEST_ORGANIZERS }, schema: entryParams },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const detail = await entryDetail(app.db, contest.id, request.params.entryId);
      if (!detail) throw notFound('作品');
      const rules = ruleSetOf(contest);
      const category = detail.entry.category_id
        ? (await contestCategories(app.db, contest.id)).find((c) => c.id === detail.entry.category_id)
        : undefined;
      const rubric = categoryRubric(rules, category?.key ?? null);
      const [reviewers, experts, options] = await Promise.all([
        entryReviewers(app.db, contest.id, detail.entry.id),
        contestExperts(app.db, contest.id),
        defaults(contest),
      ]);
      const active = new Set(reviewers.filter((r) => r.status === 'active').map((r) => r.expertId));
      // Who could be added: the contest's experts who are not on it yet, each with any conflict (回避) spelled out.
      const candidates = experts
        .filter((x) => !active.has(x.id))
        .map((x) => ({
          id: x.id,
          name: x.name,
          unit: x.unit,
          panels: x.panels,
          assigned: x.assigned,
          conflict: conflictReason(x, detail.authors, options),
        }));
      return reply.page(
        'judging/entry',
        {
          contest,
          tab: 'assignments',
          entry: detail.entry,
          category: detail.category,
          authors: detail.authors,
          rubric,
          reviewers,
          candidates,
          options,
        },
        { title: `${detail.entry.code} 评审 · ${contest.name}` },
      );
    },
  );

  /** The entry must be the contest's and the expert free of conflicts before anyone is added. */
  async function requireNoConflict(contestId: number, entryId: number, expertId: number) {
    const options = await lastAssignOptions(app.db, contestId, 1);
    const conflict = await assignmentConflict(app.db, entryId, expertId, options.avoidSameCounty);
    if (conflict) throw new HttpError(422, `该专家需回避这件作品：${conflict}`);
  }

  app.post<{ Params: Ids<'contestId' | 'entryId'>; Body: FormBody }>(
    '/contests/:contestId/judging/entries/:entryId/add',
    { config: { access: CONTEST_ORGANIZERS }, schema: entryParams },
    async (request, reply) => {
      const { contestId, entryId } = request.params;
      const expertId = idField(request.body, 'expert_id', '专家');
      const reason = reasonField(request.body, '增加评审专家');
      await requireContest(app.db, contestId);
      await requireNoConflict(contestId, entryId, expertId);
      await asUserError(() => setAssignment(app.db, contestId, entryId, expertId, true, reason, request.signedIn.id));
      return reply.goTo(entryPage(contestId, entryId));
    },
  );

  app.post<{ Params: Ids<'contestId' | 'entryId'>; Body: FormBody }>(
    '/contests/:contestId/judging/entries/:entryId/remove',
    { config: { access: CONTEST_ORGANIZERS }, schema: entryParams },
    async (request, reply) => {
      const { contestId, entryId } = request.params;
      const expertId = idField(request.body, 'expert_id', '专家');
      const reason = reasonField(request.body, '撤销评审分配');
      await requireContest(app.db, contestId);
      await asUserError(() => setAssignment(app.db, contestId, entryId, expertId, false, reason, request.signedIn.id));
      return reply.goTo(entryPage(contestId, entryId));
    },
  );

  app.post<{ Params: Ids<'contestId' | 'entryId'>; Body: FormBody }>(
    '/contests/:contestId/judging/entries/:entryId/move',
    { config: { access: CONTEST_ORGANIZERS }, schema: entryParams },
    async (request, reply) => {
      const { contestId, entryId } = request.params;
      const from = idField(request.body, 'from_id', '原专家');
      const to = idField(request.body, 'to_id', '新专家');
      const reason = reasonField(request.body, '更换评审专家');
      await requireContest(app.db, contestId);
      await requireNoConflict(contestId, entryId, to);
      await asUserError(() => moveAssignment(app.db, contestId, entryId, from, to, reason, request.signedIn.id));
      return reply.goTo(entryPage(contestId, entryId));
    },
  );

  // One click from the progress page: the least-loaded conflict-free expert of the entry's panel.
  app.post<{ Params: Ids<'contestId' | 'entryId'>; Body: FormBody }>(
    '/contests/:contestId/judging/entries/:entryId/extra-reviewer',
    { config: { access: CONTEST_ORGANIZERS }, schema: entryParams },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const options = await defaults(contest);
      const reason = field(request.body, 'reason') || '评分分歧或缺评，增加一位评审';
      const added = await asUserError(() =>
        addExtraReviewer(app.db, contest.id, request.params.entryId, options.avoidSameCounty, reason, request.signedIn.id),
      );
      if (added === null)
        throw new HttpError(422, '该作品的评审组中已没有可增加的专家（都已分配、已回避或需回避），请先在“专家”页为评审组增加专家');
      return reply.goTo(safeLocalPath(field(request.body, 'back'), entryPage(contest.id, request.params.entryId)));
    },
  );

  app.post<{ Params: Ids<'contestId' | 'reviewId'>; Body: FormBody }>(
    '/contests/:contestId/judging/reviews/:reviewId/return',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'reviewId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const review = await app.db
        .selectFrom('reviews')
        .select(['id', 'entry_id'])
        .where('id', '=', request.params.reviewId)
        .where('contest_id', '=', contest.id)
        .executeTakeFirst();
      if (!review) throw notFound('评分记录');
      const reason = reasonField(request.body, '退回评分');
      await asUserError(() => returnReview(app.db, review.id, request.signedIn.id, reason));
      return reply.goTo(entryPage(contest.id, review.entry_id));
    },
  );
};
