import { safeUploadName } from '../upload-name.ts';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { portalRoutes } from '../portal/routes.ts';
import type { Contest } from '../../db/schema.ts';
import multipart from '@fastify/multipart';
import { ADMINS, CONTEST_ORGANIZERS } from '../auth/access.ts';
import { HttpError, notFound } from '../http-error.ts';
import { idParams, type Ids } from '../schemas.ts';
import { requireContest } from '../contests/load.ts';
import { getJob } from '../jobs.ts';
import { audit } from '../../audit/log.ts';
import { importJobs } from './start.ts';
import { ImportRootRefused, withinImportRoots } from '../../ingest/roots.ts';
import { activeImportJobs, describeImportJob, ocrJobAfter } from './view.ts';
import { importBatchDetail, importProblemsWorkbook, listImportBatches } from '../../ingest/store/batches.ts';
import { sendDownload } from '../entries/download.ts';
import { TERMS } from '../../util/terms.ts';
import { viewHelpers } from '../view-helpers.ts';

/** Upload formats importPath understands (folders come by server path instead). */
export const UPLOAD_EXTENSIONS = ['.zip', '.rar', '.xlsx', '.csv'];

/** An uploaded file streamed into its own temp folder. */
export interface ReceivedUpload {
  dest: string;
  name: string;
  size: number;
  tempDir: string;
}

export interface ImportRoutesOptions {
  /** Largest accepted upload in bytes. */
  uploadLimitBytes: number;
  /** Server folders an administrator may import from; none: uploads only. */
  importRoots: readonly string[];
}

/** 上传导入: upload an archive or sheet, or (admins) name a folder on the server; watch the job. */
export const importRoutes: FastifyPluginAsync<ImportRoutesOptions> = async (app, { uploadLimitBytes, importRoots }) => {
  await app.register(multipart, {
    limits: { fileSize: uploadLimitBytes, files: 1, fields: 5, parts: 6, fieldSize: 4096 },
  });

  const jobUrl = (contestId: number, jobId: number) => `/contests/${contestId}/imports/${jobId}`;
  const startImport = importJobs(app, importRoots);

  /** The 导入 page: the forms, imports under way, and the history of every import (browser, command line, packages). */
  async function renderImports(reply: FastifyReply, contest: Contest, folder = '', folderError: string | null = null) {
    const [jobs, batches] = await Promise.all([activeImportJobs(app.db, contest.id), listImportBatches(app.db, contest.id)]);
    return reply.page(
      'imports/index',
      { contest, tab: 'imports', jobs, batches, extensions: UPLOAD_EXTENSIONS, limit: uploadLimitBytes, importRoots, folderError, folder },
      { title: `导入作品 · ${contest.name}`, status: folderError ? 422 : 200 },
    );
  }

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/imports',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => renderImports(reply, await requireContest(app.db, request.params.contestId)),
  );

  const sendProblems = async (reply: FastifyReply, contest: Contest, batchId?: number) =>
    sendDownload(
      reply,
      await importProblemsWorkbook(app.db, contest.id, batchId),
      `${contest.name}-${TERMS.importProblems}${batchId === undefined ? '' : `-第${batchId}批`}.xlsx`,
    );

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/imports/problems.xlsx',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => sendProblems(reply, await requireContest(app.db, request.params.contestId)),
  );

  app.get<{ Params: Ids<'contestId' | 'batchId'> }>(
    '/contests/:contestId/imports/batches/:batchId',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'batchId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const batch = await importBatchDetail(app.db, contest.id, request.params.batchId);
      if (!batch) throw notFound('导入记录');
      return reply.page('imports/batch', { contest, tab: 'imports', batch }, { title: `导入记录 · ${batch.source}` });
    },
  );

  app.get<{ Params: Ids<'contestId' | 'batchId'> }>(
    '/contests/:contestId/imports/batches/:batchId/problems.xlsx',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'batchId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      if (!(await importBatchDetail(app.db, contest.id, request.params.batchId))) throw notFound('导入记录');
      return sendProblems(reply, contest, request.params.batchId);
    },
  );

  // Multipart bodies are read in the handler, after the preHandler CSRF check, so this form
  // sends its token in the X-CSRF-Token header (htmx adds it from the page's hx-headers).
  app.post<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/imports/upload',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const { dest, name, size, tempDir } = await receiveUpload(request);
      await audit(app.db, {
        userId: request.signedIn.id,
        contestId: contest.id,
        action: 'import.upload',
        subjectType: 'contest',
        subjectId: contest.id,
        newValue: { name, size },
      });
      const jobId = await startImport({
        contestId: contest.id,
        source: dest,
        label: name,
        userId: request.signedIn.id,
        tempDir,
        origin: 'browser',
      });
      return reply.goTo(jobUrl(contest.id, jobId));
    },
  );

  /** Streams the request's one uploaded file into a temp folder of its own, refusing other types, empty files and files over the limit. */
  async function receiveUpload(request: FastifyRequest): Promise<ReceivedUpload> {
    const part = await request.file();
    if (!part?.filename) throw new HttpError(400, '请选择要上传的文件');
    const name = safeUploadName(part.filename);
    const ext = path.extname(name).toLowerCase();
    if (!UPLOAD_EXTENSIONS.includes(ext)) {
      part.file.resume();
      throw new HttpError(415, `不支持的文件类型“${name}”：请上传 ${UPLOAD_EXTENSIONS.join('、')} 文件`);
    }
    const tempDir = await fsp.mkdtemp(path.join(app.tmpDir, 'upload-'));
    const dest = path.join(tempDir, name);
    try {
      await pipeline(part.file, fs.createWriteStream(dest, { mode: 0o600 }));
    } catch (err) {
      await fsp.rm(tempDir, { recursive: true, force: true });
      throw err;
    }
    const { size } = await fsp.stat(dest);
    // A streamed part over the limit is cut short, not failed: check it here.
    const refusal = part.file.truncated
      ? new HttpError(413, `上传的文件“${name}”超过大小限制（${viewHelpers.size(uploadLimitBytes)}）`)
      : size === 0
        ? new HttpError(400, `上传的文件“${name}”是空文件`)
        : null;
    if (refusal) {
      await fsp.rm(tempDir, { recursive: true, force: true });
      throw refusal;
    }
    return { dest, name, size, tempDir };
  }

  // A county's or school's own account sends its package through the same upload and import job.
  await app.register(portalRoutes, { startImport, receiveUpload });

  app.post<{ Params: Ids<'contestId'>; Body: { folder?: string } }>(
    '/contests/:contestId/imports/folder',
    { config: { access: ADMINS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const folder = String(request.body?.folder ?? '').trim();
      if (!folder) return renderImports(reply, contest, folder, '请填写服务器上的路径');
      let absolute: string;
      try {
        absolute = await withinImportRoots(folder, importRoots);
      } catch (err) {
        if (!(err instanceof ImportRootRefused)) throw err;
        await audit(app.db, {
          userId: request.signedIn.id,
          contestId: contest.id,
          action: 'import.folder_refused',
          subjectType: 'contest',
          subjectId: contest.id,
          newValue: { path: folder },
          reason: err.message,
        });
        return renderImports(reply, contest, folder, err.message);
      }
      const stat = await fsp.stat(absolute);
      if (!stat.isDirectory() && !UPLOAD_EXTENSIONS.includes(path.extname(absolute).toLowerCase())) {
        return renderImports(reply, contest, folder, `“${folder}”既不是文件夹，也不是 ${UPLOAD_EXTENSIONS.join('、')} 文件`);
      }
      await audit(app.db, {
        userId: request.signedIn.id,
        contestId: contest.id,
        action: 'import.folder',
        subjectType: 'contest',
        subjectId: contest.id,
        newValue: { path: absolute },
      });
      const jobId = await startImport({
        contestId: contest.id,
        source: absolute,
        label: absolute,
        userId: request.signedIn.id,
        origin: 'folder',
      });
      return reply.goTo(jobUrl(contest.id, jobId));
    },
  );

  // Polled by the progress bar every second while the job runs; a reload shows the same thing.
  app.get<{ Params: Ids<'contestId' | 'jobId'> }>(
    '/contests/:contestId/imports/:jobId',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'jobId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const job = await getJob(app.db, request.params.jobId);
      if (job?.kind !== 'import' || job.contest_id !== contest.id) throw notFound('导入任务');
      const ocr = await ocrJobAfter(app.db, contest.id, job.id);
      return reply.page(
        'imports/job',
        { contest, tab: 'imports', job: describeImportJob(job), ocr },
        { title: `导入进度 · ${contest.name}` },
      );
    },
  );
};
