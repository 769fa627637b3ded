import fs from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import type { EntryStatus } from '../../db/schema.ts';
import { ORGANIZERS } from '../auth/access.ts';
import { idParams, type Ids } from '../schemas.ts';
import { notFound } from '../http-error.ts';
import { requireContest } from '../contests/load.ts';
import { ENTRY_STATUSES } from '../../entries/status.ts';
import { contestFile, entryDetail, entryFacets, listEntries, type EntryFilter } from './query.ts';
import { attachmentDisposition } from './download.ts';
import { shownDocuments } from './documents.ts';

interface ListQuery {
  category?: string;
  group?: string;
  status?: string;
  q?: string;
  page?: number;
}

const listQuerySchema = {
  type: 'object',
  properties: {
    category: { type: 'string', maxLength: 20 },
    group: { type: 'string', maxLength: 100 },
    status: { type: 'string', maxLength: 20 },
    q: { type: 'string', maxLength: 100 },
    page: { type: 'integer', minimum: 1, default: 1 },
  },
} as const;

function toFilter(q: ListQuery): EntryFilter {
  const category = q.category === 'none' ? 'none' : /^\d+$/.test(q.category ?? '') ? Number(q.category) : undefined;
  const status = q.status && q.status in ENTRY_STATUSES ? (q.status as EntryStatus) : undefined;
  return { category, group: q.group || undefined, status, q: q.q?.trim() || undefined, page: q.page ?? 1 };
}

/** 作品列表, 作品详情 and file downloads. */
export const entryRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: Ids<'contestId'>; Querystring: ListQuery }>(
    '/contests/:contestId/entries',
    { config: { access: ORGANIZERS }, schema: { params: idParams('contestId'), querystring: listQuerySchema } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const filter = toFilter(request.query);
      const [result, facets] = await Promise.all([listEntries(app.db, contest.id, filter), entryFacets(app.db, contest.id)]);
      return reply.page(
        'entries/list',
        { contest, tab: 'entries', filter, result, facets, statuses: ENTRY_STATUSES },
        { title: `作品列表 · ${contest.name}` },
      );
    },
  );

  app.get<{ Params: Ids<'contestId' | 'entryId'> }>(
    '/contests/:contestId/entries/:entryId',
    { config: { access: ORGANIZERS }, schema: { params: idParams('contestId', 'entryId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const detail = await entryDetail(app.db, contest.id, request.params.entryId);
      if (!detail) throw notFound('作品');
      const documents = shownDocuments(detail.files);
      return reply.page(
        'entries/detail',
        { contest, tab: 'entries', ...detail, documents },
        { title: `${detail.entry.code} ${detail.entry.title}` },
      );
    },
  );

  app.get<{ Params: Ids<'contestId' | 'fileId'> }>(
    '/contests/:contestId/files/:fileId/download',
    { config: { access: ORGANIZERS }, schema: { params: idParams('contestId', 'fileId') } },
    async (request, reply) => {
      const file = await contestFile(app.db, request.params.contestId, request.params.fileId);
      if (!file) throw notFound('文件');
      const blob = app.blobs.path(file.sha256);
      const stat = await fs.promises.stat(blob).catch(() => null);
      if (!stat) throw notFound(`文件“${file.name}”的存储内容`);
      return reply
        .header('Content-Type', 'application/octet-stream')
        .header('Content-Disposition', attachmentDisposition(file.name))
        .header('Content-Length', String(stat.size))
        .header('Cache-Control', 'private, no-store')
        .send(fs.createReadStream(blob));
    },
  );
};
