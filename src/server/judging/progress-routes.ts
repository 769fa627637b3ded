import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Contest } from '../../db/schema.ts';
import { CONTEST_ORGANIZERS } from '../auth/access.ts';
import { HttpError } from '../http-error.ts';
import { idParams, type Ids } from '../schemas.ts';
import { requireContest } from '../contests/load.ts';
import { sendDownload } from '../entries/download.ts';
import { judgingProgress, owedWorkbook } from '../../judging/store/progress.ts';
import { scoreCharts } from './score-charts.ts';
import { JUDGING_STAGE } from '../../deadlines/deadlines.ts';
import { listReminders, sendReminders } from '../../judging/store/reminders.ts';
import { setDeadline } from '../../deadlines/store/deadlines.ts';
import { parseShanghaiLocal, shanghaiLocalInput } from '../../util/time.ts';
import { TERMS } from '../../util/terms.ts';
import { field, type FormBody } from './forms.ts';
import { contestScoreSheet, importScoreSheet } from '../../judging/store/offline.ts';
import { SpreadsheetError } from '../../spreadsheet/workbook.ts';
import { audit } from '../../audit/log.ts';
import { readUploadedSheet } from './uploads.ts';

interface ReminderSummary {
  sent?: number;
  failed?: number;
  noAddress?: number;
}

const summarySchema = {
  type: 'object',
  properties: {
    sent: { type: 'integer', minimum: 0 },
    failed: { type: 'integer', minimum: 0 },
    noAddress: { type: 'integer', minimum: 0 },
  },
} as const;

/** Where experts sign in, for the link in a reminder: CASEJURY_PUBLIC_URL, else the address this request came to. */
const loginUrl = (request: FastifyRequest): string =>
  process.env.CASEJURY_PUBLIC_URL?.replace(/\/+$/, '') || `${request.protocol}://${request.host}`;

/**
 * 评审进度: progress per panel and expert, missing reviews, discrepancies; the judging deadline (contest and panels);
 * reminders by e-mail to experts who owe reviews, and the same list as .xlsx; the offline score sheet.
 */
export const progressRoutes: FastifyPluginAsync = async (app) => {
  const contestParams = { params: idParams('contestId') };

  const renderProgress = async (
    reply: FastifyReply,
    contest: Contest,
    extra: { summary?: ReminderSummary; deadlineError?: string | null; deadlineForm?: Record<string, string> } = {},
  ) => {
    const progress = await judgingProgress(app.db, contest.id);
    return reply.page(
      'judging/progress',
      {
        contest,
        tab: 'progress',
        progress,
        charts: scoreCharts(progress.spreads),
        reminders: await listReminders(app.db, contest.id),
        mailFrom: app.mailer?.from ?? null,
        summary: extra.summary ?? {},
        deadlineError: extra.deadlineError ?? null,
        deadlineForm: extra.deadlineForm ?? null,
        localInput: shanghaiLocalInput,
      },
      { title: `评审进度 · ${contest.name}`, status: extra.deadlineError ? 422 : 200 },
    );
  };

  app.get<{ Params: Ids<'contestId'>; Querystring: ReminderSummary }>(
    '/contests/:contestId/progress',
    { config: { access: CONTEST_ORGANIZERS }, schema: { ...contestParams, querystring: summarySchema } },
    async (request, reply) => renderProgress(reply, await requireContest(app.db, request.params.contestId), { summary: request.query }),
  );

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/progress/owed.xlsx',
    { config: { access: CONTEST_ORGANIZERS }, schema: contestParams },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const progress = await judgingProgress(app.db, contest.id);
      const bytes = await owedWorkbook(contest.name, progress, request.signedIn.display_name);
      return sendDownload(reply, bytes, `${contest.name}-${TERMS.owedList}.xlsx`);
    },
  );

  // The judging deadline of the contest (field `contest`) and of each panel (`panel_<id>`); an empty field removes it.
  app.post<{ Params: Ids<'contestId'>; Body: FormBody }>(
    '/contests/:contestId/progress/deadlines',
    { config: { access: CONTEST_ORGANIZERS }, schema: contestParams },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const panels = await app.db.selectFrom('panels').select(['id', 'name']).where('contest_id', '=', contest.id).execute();
      const targets = [
        { key: 'contest', label: '全部评审组', panelId: null },
        ...panels.map((p) => ({ key: `panel_${p.id}`, label: p.name, panelId: p.id })),
      ];
      const form = Object.fromEntries(targets.map((t) => [t.key, field(request.body, t.key)]));
      const changes = [];
      for (const t of targets) {
        const text = form[t.key];
        const closesAt = text ? parseShanghaiLocal(text) : null;
        if (text && !closesAt) {
          return renderProgress(reply, contest, {
            deadlineError: `“${t.label}”的截止时间“${text}”无效，请写成 2024-09-30 18:00 的形式`,
            deadlineForm: form,
          });
        }
        changes.push({ panelId: t.panelId, closesAt });
      }
      for (const c of changes) {
        await setDeadline(app.db, { contestId: contest.id, stage: JUDGING_STAGE, ...c, userId: request.signedIn.id });
      }
      return reply.goTo(`/contests/${contest.id}/progress#deadlines`);
    },
  );

  app.post<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/progress/reminders',
    { config: { access: CONTEST_ORGANIZERS }, schema: contestParams },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      if (!app.mailer)
        throw new HttpError(
          409,
          '未配置发信服务器（CASEJURY_SMTP_URL、CASEJURY_MAIL_FROM），无法发送邮件；可下载待评清单，通过短信或微信提醒',
        );
      const outcomes = await sendReminders(app.db, {
        contestId: contest.id,
        contestName: contest.name,
        progress: await judgingProgress(app.db, contest.id),
        mailer: app.mailer,
        loginUrl: loginUrl(request),
        sender: request.signedIn.display_name,
        userId: request.signedIn.id,
      });
      const count = (status: string) => outcomes.filter((o) => o.status === status).length;
      const query = new URLSearchParams({
        sent: String(count('sent')),
        failed: String(count('failed')),
        noAddress: String(count('no-address')),
      });
      return reply.goTo(`/contests/${contest.id}/progress?${query}#reminders`);
    },
  );

  app.get<{ Params: Ids<'contestId'>; Querystring: { panel?: number } }>(
    '/contests/:contestId/score-sheet.xlsx',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: { params: idParams('contestId'), querystring: { type: 'object', properties: { panel: { type: 'integer', minimum: 1 } } } },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const panelId = request.query.panel;
      const panel = panelId
        ? await app.db.selectFrom('panels').select('name').where('id', '=', panelId).where('contest_id', '=', contest.id).executeTakeFirst()
        : null;
      if (panelId && !panel) throw new HttpError(404, '评审组不存在');
      const bytes = await contestScoreSheet(app.db, contest.id, { panelId });
      return sendDownload(reply, bytes, `${contest.name}-${panel ? `${panel.name}-` : ''}评分表.xlsx`);
    },
  );

  // A filled sheet back in: each filled row becomes a submitted review; refused rows are listed with reasons.
  app.post<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/score-sheet',
    { config: { access: CONTEST_ORGANIZERS }, schema: contestParams },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const upload = await readUploadedSheet(request, ['.xlsx']);
      try {
        const result = await importScoreSheet(app.db, contest.id, upload.bytes, upload.name);
        await audit(app.db, {
          userId: request.signedIn.id,
          contestId: contest.id,
          action: 'scores.upload',
          subjectType: 'contest',
          subjectId: contest.id,
          newValue: { file: upload.name, imported: result.imported, unchanged: result.unchanged, refused: result.refused.length },
        });
        return reply.page('judging/sheet-result', { contest, file: upload.name, result }, { title: `导入评分表 · ${contest.name}` });
      } catch (err) {
        if (err instanceof SpreadsheetError) throw new HttpError(422, err.message);
        throw err;
      }
    },
  );
};
