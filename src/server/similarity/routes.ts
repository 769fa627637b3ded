import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import type { Contest, SimilarityRole } from '../../db/schema.ts';
import { decideOnEntry, SIMILARITY_DECISIONS } from '../../similarity/store/decisions.ts';
import { excludeCommonPassage, restoreCommonPassage } from '../../similarity/store/exclusions.ts';
import {
  addLibraryUpload,
  LIBRARY_UPLOAD_EXTENSIONS,
  type LibraryUploadResult,
  removeLibraryDocument,
} from '../../similarity/store/library.ts';
import { type ScanEngine, workerEngine } from '../../similarity/store/engine.ts';
import { runContestScan } from '../../similarity/store/scan.ts';
import { warmSuspects } from '../suspects/warm.ts';
import { CONTEST_ORGANIZERS } from '../auth/access.ts';
import { requireContest } from '../contests/load.ts';
import { HttpError, notFound } from '../http-error.ts';
import { getJob } from '../jobs.ts';
import { safeUploadName } from '../upload-name.ts';
import { idParams, type Ids } from '../schemas.ts';
import { viewHelpers } from '../view-helpers.ts';
import {
  activeScanJob,
  commonPage,
  type DecisionForm,
  describeScanJob,
  fmt,
  libraryPage,
  pairPage,
  ratesPage,
  reportPage,
  SCAN_JOB,
} from './pages.ts';
import { attempt } from '../refusal.ts';
import { sendDownload } from '../entries/download.ts';
import { contestScanReport } from '../../similarity/store/report.ts';
import { latestRun } from '../../similarity/store/queries.ts';
import { writeScanWorkbook } from '../../similarity/store/workbook.ts';
import { TERMS } from '../../util/terms.ts';

/**
 * 查重: scans in the background (progress in the jobs table), entries by rate, cross-project
 * suspects, common passages, the library, pair views, per-document reports and the organizer's
 * decisions. The work is in src/similarity/contest; these routes read and pass decisions on.
 */

export interface SimilarityRoutesOptions {
  /** Largest library upload in bytes; a library is earlier years' documents, not a batch of videos. */
  uploadLimitBytes?: number;
}

const LIBRARY_UPLOAD_MAX_BYTES = 512 * 1024 * 1024;

const base = (contestId: number): string => `/contests/${contestId}/similarity`;

/** Registers the scan job kind; returns the function that queues a scan unless one is queued or running for the contest already. */
function scanJobs(app: FastifyInstance, engine: ScanEngine): (contest: Contest, userId: number) => Promise<number> {
  // A rerun after an instance died scans from scratch and stores the same results.
  const submit = app.jobs.register<{ contestId: number; userId: number }>(SCAN_JOB, {
    run: async ({ contestId, userId }, progress) => {
      const summary = await runContestScan(app.db, contestId, {
        userId,
        engine,
        onProgress: (done, total) => progress.report(done, total),
      });
      // the new overlaps change the suspects: detected now, so 一稿多投, 评奖 and 概况 open without waiting for it
      await warmSuspects(app, contestId);
      return summary;
    },
  });
  return async (contest, userId) => (await activeScanJob(app.db, contest.id))?.id ?? submit({ contestId: contest.id, userId });
}

const reasonSchema = { type: 'string', maxLength: 2000 } as const;
const reasonBody = { type: 'object', properties: { reason: reasonSchema } } as const;

export const similarityRoutes: FastifyPluginAsync<SimilarityRoutesOptions> = async (
  app,
  { uploadLimitBytes = LIBRARY_UPLOAD_MAX_BYTES },
) => {
  await app.register(multipart, { limits: { fileSize: uploadLimitBytes, files: 1, fields: 5, parts: 6, fieldSize: 4096 } });
  // The engine on its own worker thread: a scan never blocks the pages; it keeps the prepared
  // corpus of the last scan per contest, so documents added later are the only ones prepared.
  const engine = workerEngine();
  app.addHook('onClose', () => engine.close());
  const startScan = scanJobs(app, engine);

  app.get<{ Params: Ids<'contestId'>; Querystring: { page: number; flagged: boolean } }>(
    '/contests/:contestId/similarity',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: {
        params: idParams('contestId'),
        querystring: {
          type: 'object',
          properties: { page: { type: 'integer', minimum: 1, default: 1 }, flagged: { type: 'boolean', default: false } },
        },
      },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      return reply.page('similarity/index', await ratesPage(app.db, contest, request.query), { title: `查重 · ${contest.name}` });
    },
  );

  // The latest scan as the same workbook `casejury scan --contest ID --xlsx` writes (streamed to a temp file first).
  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/similarity/export.xlsx',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const run = await latestRun(app.db, contest.id);
      if (!run) throw notFound('查重结果');
      const dir = await fsp.mkdtemp(path.join(app.tmpDir, 'scan-export-'));
      const file = path.join(dir, 'report.xlsx');
      try {
        await writeScanWorkbook(file, await contestScanReport(app.db, contest.id, run));
        return await sendDownload(reply, await fsp.readFile(file), `${contest.name}-${TERMS.similarityResults}（第${run.version}次）.xlsx`);
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
      }
    },
  );

  app.post<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/similarity/scan',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const jobId = await startScan(contest, request.signedIn.id);
      return reply.goTo(`${base(contest.id)}/jobs/${jobId}`);
    },
  );

  // Polled every second by the progress bar; a finished scan sends the browser to the results.
  app.get<{ Params: Ids<'contestId' | 'jobId'> }>(
    '/contests/:contestId/similarity/jobs/:jobId',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'jobId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const job = await getJob(app.db, request.params.jobId);
      if (!job || job.kind !== SCAN_JOB || job.contest_id !== contest.id) throw notFound('查重任务');
      if (job.status === 'done') return reply.goTo(base(contest.id));
      return reply.page(
        'similarity/job',
        { contest, tab: 'similarity', section: 'rates', fmt, job: describeScanJob(job) },
        { title: `查重进度 · ${contest.name}` },
      );
    },
  );

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/similarity/suspects',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      // 一稿多投与相似主题 is one page: the scan's cross-project pairs are listed there.
      const contest = await requireContest(app.db, request.params.contestId);
      return reply.redirect(`/contests/${contest.id}/suspects`, 301);
    },
  );

  app.get<{ Params: Ids<'contestId'>; Querystring: { page: number } }>(
    '/contests/:contestId/similarity/common',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: {
        params: idParams('contestId'),
        querystring: { type: 'object', properties: { page: { type: 'integer', minimum: 1, default: 1 } } },
      },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      return reply.page('similarity/common', await commonPage(app.db, contest, null, request.query.page), {
        title: `公共文本 · ${contest.name}`,
      });
    },
  );

  app.post<{ Params: Ids<'contestId' | 'commonId'>; Body: { reason?: string } }>(
    '/contests/:contestId/similarity/common/:commonId/exclude',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'commonId'), body: reasonBody } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { commonId } = request.params;
      const reason = request.body?.reason ?? '';
      const error = await attempt(() => excludeCommonPassage(app.db, contest.id, commonId, reason, request.signedIn.id));
      if (error)
        return reply.page('similarity/common', await commonPage(app.db, contest, { commonId, message: error, reason }), {
          title: `公共文本 · ${contest.name}`,
          status: 422,
        });
      return reply.goTo(`${base(contest.id)}/common`);
    },
  );

  app.post<{ Params: Ids<'contestId' | 'exclusionId'>; Body: { reason?: string } }>(
    '/contests/:contestId/similarity/exclusions/:exclusionId/restore',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'exclusionId'), body: reasonBody } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { exclusionId } = request.params;
      const reason = request.body?.reason ?? '';
      const error = await attempt(() => restoreCommonPassage(app.db, contest.id, exclusionId, reason, request.signedIn.id));
      if (error)
        return reply.page('similarity/common', await commonPage(app.db, contest, { exclusionId, message: error, reason }), {
          title: `公共文本 · ${contest.name}`,
          status: 422,
        });
      return reply.goTo(`${base(contest.id)}/common`);
    },
  );

  const showLibrary = async (contest: Contest, outcome: Parameters<typeof libraryPage>[4] = {}, status = 200) =>
    libraryPage(app.db, contest, LIBRARY_UPLOAD_EXTENSIONS, uploadLimitBytes, outcome).then((data) => ({
      data,
      opts: { title: `比对库 · ${contest.name}`, status },
    }));

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/similarity/library',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { data, opts } = await showLibrary(contest);
      return reply.page('similarity/library', data, opts);
    },
  );

  // Multipart bodies are read after the CSRF check, so this form sends its token in the X-CSRF-Token header (htmx).
  app.post<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/similarity/library/upload',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const part = await request.file();
      if (!part?.filename) throw new HttpError(400, '请选择要上传的文件');
      const roleField = part.fields.role;
      const roleValue = roleField && !Array.isArray(roleField) && roleField.type === 'field' ? roleField.value : 'library';
      if (roleValue !== 'library' && roleValue !== 'template') {
        part.file.resume();
        throw new HttpError(400, '请选择上传到比对库还是模板');
      }
      const role: SimilarityRole = roleValue;
      const name = safeUploadName(part.filename);
      if (!LIBRARY_UPLOAD_EXTENSIONS.includes(path.extname(name).toLowerCase())) {
        part.file.resume();
        throw new HttpError(415, `不支持的文件类型“${name}”：请上传 ${LIBRARY_UPLOAD_EXTENSIONS.join('、')} 文件`);
      }
      const workDir = await fsp.mkdtemp(path.join(app.tmpDir, 'library-'));
      try {
        const dest = path.join(workDir, name);
        await pipeline(part.file, fs.createWriteStream(dest, { mode: 0o600 }));
        if (part.file.truncated) throw new HttpError(413, `上传的文件“${name}”超过大小限制（${viewHelpers.size(uploadLimitBytes)}）`);
        let result: LibraryUploadResult | undefined;
        const error = await attempt(async () => {
          result = await addLibraryUpload(app.db, contest.id, role, { name, path: dest }, request.signedIn.id, workDir);
        });
        const { data, opts } = await showLibrary(contest, error ? { error } : { result }, error ? 422 : 200);
        return reply.page('similarity/library', data, opts);
      } finally {
        await fsp.rm(workDir, { recursive: true, force: true });
      }
    },
  );

  app.post<{ Params: Ids<'contestId' | 'documentId'> }>(
    '/contests/:contestId/similarity/library/:documentId/delete',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'documentId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const error = await attempt(() => removeLibraryDocument(app.db, contest.id, request.params.documentId, request.signedIn.id));
      if (error) throw new HttpError(404, error);
      return reply.goTo(`${base(contest.id)}/library`);
    },
  );

  app.get<{ Params: Ids<'contestId' | 'pairId'>; Querystring: { flip: boolean } }>(
    '/contests/:contestId/similarity/pairs/:pairId',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: {
        params: idParams('contestId', 'pairId'),
        querystring: { type: 'object', properties: { flip: { type: 'boolean', default: false } } },
      },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      return reply.page('similarity/pair', await pairPage(app.db, contest, request.params.pairId, request.query.flip), {
        title: `相似文档对照 · ${contest.name}`,
      });
    },
  );

  app.get<{ Params: Ids<'contestId' | 'fileId'> }>(
    '/contests/:contestId/similarity/files/:fileId',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'fileId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const data = await reportPage(app.db, contest, request.params.fileId);
      return reply.page('similarity/report', data, { title: `查重报告 · ${data.report.code} ${data.report.title}` });
    },
  );

  app.post<{ Params: Ids<'contestId' | 'entryId'>; Body: DecisionForm & { file: number } }>(
    '/contests/:contestId/similarity/entries/:entryId/decision',
    {
      config: { access: CONTEST_ORGANIZERS },
      schema: {
        params: idParams('contestId', 'entryId'),
        body: {
          type: 'object',
          properties: { decision: { type: 'string', maxLength: 20 }, reason: reasonSchema, file: { type: 'integer', minimum: 1 } },
          required: ['file'],
        },
      },
    },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { entryId } = request.params;
      const { decision, reason, file } = request.body;
      const reportUrl = `${base(contest.id)}/files/${file}`;
      const error = !decision
        ? `请选择处理决定：${SIMILARITY_DECISIONS.join('或')}`
        : await attempt(() =>
            decideOnEntry(
              app.db,
              contest.id,
              entryId,
              decision as (typeof SIMILARITY_DECISIONS)[number],
              reason ?? '',
              request.signedIn.id,
            ),
          );
      if (error) {
        const data = await reportPage(app.db, contest, file, { decision, reason }, error);
        if (data.report.entryId !== entryId) throw new HttpError(400, '文档与作品不符');
        return reply.page('similarity/report', data, { title: `查重报告 · ${data.report.code} ${data.report.title}`, status: 422 });
      }
      return reply.goTo(`${reportUrl}#decision`);
    },
  );
};
