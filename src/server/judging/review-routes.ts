import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Review } from '../../db/schema.ts';
import { EXPERTS } from '../auth/access.ts';
import { HttpError, notFound } from '../http-error.ts';
import { isHtmx } from '../htmx.ts';
import { idParams, type Ids } from '../schemas.ts';
import { sendStoredFile } from '../entries/download.ts';
import { videoNotes } from '../entries/videos.ts';
import { sanitizeDocumentHtml } from '../../ingest/extract/sanitize.ts';
import { openReview, saveOpenedReview, type SaveOutcome } from '../../judging/store/reviews.ts';
import { categoryRubric, type RubricChoices, type ScoreProblem } from '../../judging/rubric.ts';
import { declareConflict, lastAssignOptions } from '../../judging/store/assignments.ts';
import { expertEntryView } from '../../judging/expert-view.ts';
import { ruleSetOf } from '../../contests/index.ts';
import { entryMaterials, expertTasks, nextUnscored, reviewContext, type ReviewContext } from './expert-work.ts';
import { asUserError, field, type FormBody } from './forms.ts';
import { reviewScores } from '../../db/columns.ts';
import { shanghaiClock } from '../../util/time.ts';
import { expertDeadlines } from '../../deadlines/store/deadlines.ts';
import { JUDGING_STAGE, timeLeft } from '../../deadlines/deadlines.ts';

/** Form field of a criterion's score. */
export const scoreField = (key: string): string => `s_${key}`;

/** What the box above the rubric says: the outcome of the last save, or how things stand on load. */
export interface SaveState {
  kind: 'idle' | 'saved' | 'invalid' | 'problems' | 'conflict' | 'locked';
  assignmentId: number;
  /** The version the page holds: the next save must name it. */
  version: number;
  at: string | null;
  problems: ScoreProblem[];
  /** On a conflict: what is stored now, to compare with what this tab holds. */
  server: { version: number; scores: Record<string, number | null>; comment: string; updatedAt: string } | null;
  criteria: { key: string; name: string }[];
}

const scoresOf = (review: Review | null): Record<string, number | null> => (review ? reviewScores.read(review.scores_json) : {});

function saveState(ctx: ReviewContext, rubric: RubricChoices, outcome: SaveOutcome | null, baseVersion: number): SaveState {
  const base = {
    assignmentId: ctx.assignmentId,
    criteria: rubric.criteria.map((c) => ({ key: c.key, name: c.name })),
    problems: [],
    server: null,
  };
  if (!outcome) {
    const review = ctx.review;
    return {
      ...base,
      kind: 'idle',
      version: review?.version ?? 0,
      at: review && review.version > 0 ? shanghaiClock(review.updated_at) : null,
    };
  }
  const { review } = outcome;
  switch (outcome.status) {
    case 'saved':
      return { ...base, kind: 'saved', version: review.version, at: shanghaiClock(review.updated_at) };
    case 'invalid':
      // A draft keeps its valid values (new version); a refused submission changed nothing.
      return {
        ...base,
        kind: review.version === baseVersion ? 'problems' : 'invalid',
        version: review.version,
        at: shanghaiClock(review.updated_at),
        problems: outcome.checked.problems,
      };
    case 'conflict':
    case 'locked':
      return {
        ...base,
        kind: outcome.status,
        // The tab keeps its own version: it must choose to load or overwrite the newer work.
        version: baseVersion,
        at: null,
        server: { version: review.version, scores: scoresOf(review), comment: review.comment, updatedAt: shanghaiClock(review.updated_at) },
      };
  }
}

async function requireContext(request: FastifyRequest<{ Params: Ids<'assignmentId'> }>): Promise<ReviewContext> {
  const ctx = await reviewContext(request.server.db, request.params.assignmentId, request.signedIn.id);
  // Someone else's assignment looks exactly like one that does not exist.
  if (!ctx) throw notFound('评审任务');
  return ctx;
}

function requireRubric(ctx: ReviewContext): RubricChoices {
  const rubric = categoryRubric(ruleSetOf({ rules_yaml: ctx.rulesYaml, rules_source: ctx.rulesSource }), ctx.categoryKey);
  if (!rubric) throw new HttpError(409, '这件作品没有对应的评分标准（类别未确定），请联系组织者');
  return rubric;
}

interface FormValues {
  scores: Record<string, string>;
  comment: string;
}

const storedValues = (review: Review | null): FormValues => ({
  scores: Object.fromEntries(Object.entries(scoresOf(review)).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)])),
  comment: review?.comment ?? '',
});

function postedValues(rubric: RubricChoices, body: FormBody): FormValues & { version: number } {
  const version = Number(field(body, 'version'));
  if (!Number.isInteger(version) || version < 0) throw new HttpError(400, '页面缺少版本信息，请刷新后重试');
  const comment = field(body, 'comment');
  if (comment.length > 5000) throw new HttpError(422, '评语不能超过 5000 字');
  return { version, comment, scores: Object.fromEntries(rubric.criteria.map((c) => [c.key, field(body, scoreField(c.key))])) };
}

/** 评分: the scoring screen, draft saves, submission, 申请回避 and the entry's videos — for the assigned expert only. */
export const reviewRoutes: FastifyPluginAsync = async (app) => {
  const params = { params: idParams('assignmentId') };

  async function renderReview(
    request: FastifyRequest<{ Params: Ids<'assignmentId'> }>,
    reply: FastifyReply,
    ctx: ReviewContext,
    extra: { values?: FormValues; state?: SaveState; status?: number } = {},
  ) {
    const rules = ruleSetOf({ rules_yaml: ctx.rulesYaml, rules_source: ctx.rulesSource });
    const rubric = categoryRubric(rules, ctx.categoryKey);
    const { authors, files } = await entryMaterials(app.db, ctx.entryId);
    const view = expertEntryView({ blind: ctx.blind, authors, files, documentKinds: rules.similarity.documentKinds }, sanitizeDocumentHtml);
    const videos = await videoNotes(files, rules, { categoryKey: ctx.categoryKey, groupName: ctx.groupName }, app.blobs);
    const tasks = await expertTasks(app.db, request.signedIn.id);
    const inContest = tasks.filter((t) => t.contestId === ctx.contestId);
    const deadline = (await expertDeadlines(app.db, request.signedIn.id, [ctx.contestId], JUDGING_STAGE)).get(ctx.contestId);
    return reply.page(
      'judging/review',
      {
        task: {
          assignmentId: ctx.assignmentId,
          contestName: ctx.contestName,
          code: ctx.code,
          title: ctx.title,
          category: ctx.category,
          groupName: ctx.groupName,
          blind: ctx.blind,
        },
        view,
        videos,
        rubric,
        review: ctx.review ?? { status: 'draft', version: 0, total: null, return_reason: null, submitted_at: null },
        values: extra.values ?? storedValues(ctx.review),
        state: extra.state ?? (rubric ? saveState(ctx, rubric, null, 0) : null),
        progress: { done: inContest.filter((t) => t.state === 'submitted').length, total: inContest.length },
        deadline: deadline ? timeLeft(deadline.closesAt, new Date()) : null,
        next: nextUnscored(tasks, ctx.assignmentId),
        scoreField,
      },
      { title: `${ctx.code} ${ctx.title} · 评分`, status: extra.status },
    );
  }

  app.get<{ Params: Ids<'assignmentId'> }>(
    '/reviews/:assignmentId',
    { config: { access: EXPERTS }, schema: params },
    async (request, reply) => renderReview(request, reply, await requireContext(request)),
  );

  /** Draft save (autosave) or submission; both refuse a stale version and a locked review without changing anything. */
  async function save(request: FastifyRequest<{ Params: Ids<'assignmentId'>; Body: FormBody }>, reply: FastifyReply, submit: boolean) {
    const ctx = await requireContext(request);
    const rubric = requireRubric(ctx);
    const posted = postedValues(rubric, request.body);
    // Null only when the assignment was removed since the context was read.
    const review = ctx.review ?? (await openReview(app.db, ctx.assignmentId, request.signedIn.id));
    if (!review) throw notFound('评审任务');
    const outcome = await saveOpenedReview(
      app.db,
      review,
      {
        assignmentId: ctx.assignmentId,
        expertId: request.signedIn.id,
        criteria: rubric.criteria,
        raw: posted.scores,
        comment: posted.comment,
        baseVersion: posted.version,
      },
      submit,
    );
    if (submit && outcome.status === 'saved') return reply.goTo(`/reviews/${ctx.assignmentId}`);
    const state = saveState(ctx, rubric, outcome, posted.version);
    const status = outcome.status === 'conflict' || outcome.status === 'locked' ? 409 : state.kind === 'problems' ? 422 : 200;
    if (isHtmx(request)) return reply.page('judging/save-state', { ...state }, { title: '保存评分', status });
    // Without htmx (a plain form post) the whole screen comes back, still holding what was typed.
    return renderReview(request, reply, { ...ctx, review: outcome.review }, { values: posted, state, status });
  }

  app.post<{ Params: Ids<'assignmentId'>; Body: FormBody }>(
    '/reviews/:assignmentId/save',
    { config: { access: EXPERTS }, schema: params },
    (request, reply) => save(request, reply, false),
  );
  app.post<{ Params: Ids<'assignmentId'>; Body: FormBody }>(
    '/reviews/:assignmentId/submit',
    { config: { access: EXPERTS }, schema: params },
    (request, reply) => save(request, reply, true),
  );

  app.post<{ Params: Ids<'assignmentId'>; Body: FormBody }>(
    '/reviews/:assignmentId/decline',
    { config: { access: EXPERTS }, schema: params },
    async (request, reply) => {
      const ctx = await requireContext(request);
      const reason = field(request.body, 'reason');
      if (reason.length > 500) throw new HttpError(422, '回避原因不能超过 500 字');
      const rules = ruleSetOf({ rules_yaml: ctx.rulesYaml, rules_source: ctx.rulesSource });
      const options = await lastAssignOptions(app.db, ctx.contestId, rules.judging.reviewersPerEntry);
      await asUserError(() => declareConflict(app.db, ctx.assignmentId, request.signedIn.id, reason, options));
      return reply.goTo(`/?declined=${encodeURIComponent(ctx.code)}`);
    },
  );

  // Only files the expert view lists as downloadable: videos, or anything when the contest is not blind.
  app.get<{ Params: Ids<'assignmentId' | 'fileId'> }>(
    '/reviews/:assignmentId/files/:fileId',
    { config: { access: EXPERTS }, schema: { params: idParams('assignmentId', 'fileId') } },
    async (request, reply) => {
      const ctx = await requireContext(request as FastifyRequest<{ Params: Ids<'assignmentId'> }>);
      const { files } = await entryMaterials(app.db, ctx.entryId);
      // Built only for its file labels and download rules; the documents are not rendered here.
      const listed = expertEntryView({ blind: ctx.blind, authors: [], files }, (html) => html).files.find(
        (f) => f.id === request.params.fileId,
      );
      const stored = files.find((f) => f.id === request.params.fileId);
      if (!listed?.downloadable || !stored) throw notFound('文件');
      // A video plays in the page and seeks by range requests; its name stays neutral in a blind contest.
      return sendStoredFile(request, reply, app.blobs.path(stored.sha256), {
        name: ctx.blind ? `${ctx.code}-${listed.label}` : stored.name,
        mime: stored.mime,
      });
    },
  );
};
