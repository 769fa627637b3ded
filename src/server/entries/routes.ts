import type { FastifyPluginAsync } from 'fastify';
import type { EntryStatus } from '../../db/schema.ts';
import { CONTEST_ORGANIZERS } from '../auth/access.ts';
import { idParams, type Ids } from '../schemas.ts';
import { notFound } from '../http-error.ts';
import { requireContest } from '../contests/load.ts';
import { ENTRY_STATUSES } from '../../entries/status.ts';
import { contestFile, entryDetail, entryFacets } from './query.ts';
import { loadEntryTable } from '../../entries/store/table.ts';
import { entryTablePage, type EntryTableQuery, type EntryVerdict, isSortKey } from '../../entries/table.ts';
import { VERDICT_LABELS } from '../../eligibility/store/board.ts';
import { sendStoredFile } from './download.ts';
import { videoNotes } from './videos.ts';
import { isVideoFile, playsInBrowser } from '../../eligibility/video.ts';
import { contestRuleSet } from '../../contests/index.ts';
import { PART_LABELS, PROPERTY_LABELS } from '../../ingest/extract/parts.ts';
import { shownDocuments } from './documents.ts';

interface ListQuery {
  category?: string;
  group?: string;
  status?: string;
  verdict?: string;
  flagged?: boolean;
  award?: string;
  q?: string;
  sort?: string;
  desc?: boolean;
  page?: number;
}

const listQuerySchema = {
  type: 'object',
  properties: {
    category: { type: 'string', maxLength: 20 },
    group: { type: 'string', maxLength: 100 },
    status: { type: 'string', maxLength: 20 },
    verdict: { type: 'string', maxLength: 20 },
    flagged: { type: 'boolean' },
    award: { type: 'string', maxLength: 40 },
    q: { type: 'string', maxLength: 100 },
    sort: { type: 'string', maxLength: 20 },
    desc: { type: 'boolean' },
    page: { type: 'integer', minimum: 1, default: 1 },
  },
} as const;

const isVerdict = (v: string | undefined): v is EntryVerdict => v !== undefined && v in VERDICT_LABELS;

function toQuery(q: ListQuery): EntryTableQuery {
  const category = q.category === 'none' ? 'none' : /^\d+$/.test(q.category ?? '') ? Number(q.category) : undefined;
  const status = q.status && q.status in ENTRY_STATUSES ? (q.status as EntryStatus) : undefined;
  return {
    category,
    group: q.group || undefined,
    status,
    verdict: isVerdict(q.verdict) ? q.verdict : undefined,
    flagged: q.flagged || undefined,
    award: q.award || undefined,
    q: q.q?.trim() || undefined,
    sort: q.sort && isSortKey(q.sort) ? q.sort : 'code',
    desc: q.desc ?? false,
    page: q.page ?? 1,
  };
}

/** 作品列表 (every entry at every stage: 形式审查, 查重, 评审, 评奖), 作品详情 and file downloads. */
export const entryRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: Ids<'contestId'>; Querystring: ListQuery }>(
    '/contests/:contestId/entries',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId'), querystring: listQuerySchema } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const query = toQuery(request.query);
      const [table, facets] = await Promise.all([loadEntryTable(app.db, contest.id), entryFacets(app.db, contest.id)]);
      return reply.page(
        'entries/list',
        {
          contest,
          tab: 'entries',
          filter: query,
          result: entryTablePage(table.rows, query, table.bands),
          table,
          facets,
          statuses: ENTRY_STATUSES,
          verdicts: VERDICT_LABELS,
        },
        { title: `作品列表 · ${contest.name}` },
      );
    },
  );

  app.get<{ Params: Ids<'contestId' | 'entryId'> }>(
    '/contests/:contestId/entries/:entryId',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'entryId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const detail = await entryDetail(app.db, contest.id, request.params.entryId);
      if (!detail) throw notFound('作品');
      const documents = shownDocuments(detail.files);
      const ruleSet = await contestRuleSet(app.db, contest.id);
      const categoryKey = detail.entry.category_id
        ? ((await app.db.selectFrom('categories').select('key').where('id', '=', detail.entry.category_id).executeTakeFirst())?.key ?? null)
        : null;
      const videos = await videoNotes(detail.files, ruleSet, { categoryKey, groupName: detail.entry.group_name }, app.blobs);
      return reply.page(
        'entries/detail',
        {
          contest,
          tab: 'entries',
          ...detail,
          documents,
          videos: detail.files
            .filter(isVideoFile)
            .map((f) => ({ id: f.id, name: f.name, playable: playsInBrowser(f), note: videos.get(f.id) })),
          partLabels: PART_LABELS,
          propertyLabels: PROPERTY_LABELS,
        },
        { title: `${detail.entry.code} ${detail.entry.title}` },
      );
    },
  );

  app.get<{ Params: Ids<'contestId' | 'fileId'> }>(
    '/contests/:contestId/files/:fileId/download',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'fileId') } },
    async (request, reply) => {
      const file = await contestFile(app.db, request.params.contestId, request.params.fileId);
      if (!file) throw notFound('文件');
      // Range requests too: the entry page plays videos from here and seeks in them.
      return sendStoredFile(request, reply, app.blobs.path(file.sha256), file);
    },
  );
};
