import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Contest } from '../../db/schema.ts';
import { CONTEST_ORGANIZERS } from '../auth/access.ts';
import { HttpError } from '../http-error.ts';
import { idParams, type Ids } from '../schemas.ts';
import { requireContest } from '../contests/load.ts';
import { sendDownload } from '../entries/download.ts';
import { judgingProgress, owedWorkbook } from '../../judging/store/progress.ts';
import { contestScoreSheet, importScoreSheet } from '../../judging/store/offline.ts';
import { SpreadsheetError } from '../../spreadsheet/workbook.ts';
import { audit } from '../../audit/log.ts';
import { readUploadedSheet } from './uploads.ts';

/** 评审进度: progress per panel and expert, missing reviews, discrepancies; owed list and the offline score sheet. */
export const progressRoutes: FastifyPluginAsync = async (app) => {
  const contestParams = { params: idParams('contestId') };

  const renderProgress = async (reply: FastifyReply, contest: Contest) =>
    reply.page(
      'judging/progress',
      { contest, tab: 'progress', progress: await judgingProgress(app.db, contest.id) },
      { title: `评审进度 · ${contest.name}` },
    );

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/progress',
    { config: { access: CONTEST_ORGANIZERS }, schema: contestParams },
    async (request, reply) => renderProgress(reply, await requireContest(app.db, request.params.contestId)),
  );

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/progress/owed.xlsx',
    { config: { access: CONTEST_ORGANIZERS }, schema: contestParams },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      return sendDownload(reply, await owedWorkbook(await judgingProgress(app.db, contest.id)), `${contest.name}-待评清单.xlsx`);
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
