import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Contest } from '../../db/schema.ts';
import { CONTEST_ORGANIZERS } from '../auth/access.ts';
import { HttpError } from '../http-error.ts';
import { idParams, type Ids } from '../schemas.ts';
import { requireContest } from '../contests/load.ts';
import { entryFacets } from '../entries/query.ts';
import { contestCategories } from '../../contests/index.ts';
import { expertRowProblem, parseExpertRows, type ExpertRow, type RowProblem } from '../../judging/experts.ts';
import { contestExperts, importExperts, type CreatedExpert } from '../../judging/store/experts.ts';
import { contestPanels, createPanel, setPanelMember } from '../../judging/store/panels.ts';
import { gridOf, loadWorkbook, SpreadsheetError } from '../../spreadsheet/workbook.ts';
import { asUserError, field, idField, type FormBody } from './forms.ts';
import { readUploadedSheet } from './uploads.ts';
import { sortedByText } from '../../util/collate.ts';

const EXPERT_FIELDS = ['name', 'unit', 'county', 'phone', 'email', 'specialties', 'panel'] as const;
type ExpertForm = Record<(typeof EXPERT_FIELDS)[number], string>;
const EMPTY_FORM: ExpertForm = { name: '', unit: '', county: '', phone: '', email: '', specialties: '', panel: '' };

/** The outcome of adding experts, shown once: the one-time passwords are never stored or shown again. */
export interface ExpertsCreated {
  created: CreatedExpert[];
  problems: RowProblem[];
  source: string;
}

/** 专家: the contest's experts (add one, import a list) and its panels (评审组) per category. */
export const expertRoutes: FastifyPluginAsync = async (app) => {
  const contestParams = { params: idParams('contestId') };

  async function renderExperts(
    reply: FastifyReply,
    contest: Contest,
    extra: { form?: ExpertForm; formError?: string | null; result?: ExpertsCreated | null } = {},
    status = 200,
  ) {
    const [experts, panels, categories, facets, accounts] = await Promise.all([
      contestExperts(app.db, contest.id),
      contestPanels(app.db, contest.id),
      contestCategories(app.db, contest.id),
      entryFacets(app.db, contest.id),
      app.db
        .selectFrom('users')
        .select(['id', 'display_name', 'unit'])
        .where('role', '=', 'expert')
        .orderBy('id')
        .execute()
        .then((rows) =>
          sortedByText(
            rows,
            (u) => u.display_name,
            (u) => u.unit,
          ),
        ),
    ]);
    return reply.page(
      'judging/experts',
      {
        contest,
        tab: 'experts',
        experts,
        panels,
        categories,
        groups: facets.groups,
        accounts,
        form: extra.form ?? EMPTY_FORM,
        formError: extra.formError ?? null,
        result: extra.result ?? null,
      },
      { title: `评审专家 · ${contest.name}`, status },
    );
  }

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/experts',
    { config: { access: CONTEST_ORGANIZERS }, schema: contestParams },
    async (request, reply) => renderExperts(reply, await requireContest(app.db, request.params.contestId)),
  );

  // One expert by hand: the same account and panel rules as an imported list.
  app.post<{ Params: Ids<'contestId'>; Body: FormBody }>(
    '/contests/:contestId/experts',
    { config: { access: CONTEST_ORGANIZERS }, schema: contestParams },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const form = Object.fromEntries(EXPERT_FIELDS.map((f) => [f, field(request.body, f)])) as ExpertForm;
      const categories = await contestCategories(app.db, contest.id);
      const panelCategory = form.panel ? categories.find((c) => String(c.id) === form.panel) : null;
      const row: Omit<ExpertRow, 'row'> = {
        name: form.name,
        unit: form.unit || null,
        county: form.county || null,
        phone: form.phone || null,
        email: form.email || null,
        specialties: form.specialties || null,
        panel: panelCategory?.name ?? null,
      };
      const problem = form.panel && !panelCategory ? '请选择本竞赛的类别' : expertRowProblem(row);
      if (problem) return renderExperts(reply, contest, { form, formError: problem }, 422);
      const { created, problems } = await importExperts(app.db, contest.id, [{ ...row, row: 1 }], request.signedIn.id);
      if (problems.length)
        return renderExperts(reply, contest, { form, formError: problems.map((p) => p.message.replace(/^第 1 行：/, '')).join('；') }, 422);
      return renderExperts(reply, contest, { result: { created, problems: [], source: '手工添加' } });
    },
  );

  app.post<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/experts/import',
    { config: { access: CONTEST_ORGANIZERS }, schema: contestParams },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const upload = await readUploadedSheet(request, ['.xlsx', '.csv']);
      let grid: string[][];
      try {
        const workbook = await loadWorkbook(upload.bytes, upload.name);
        grid = workbook.worksheets[0] ? gridOf(workbook.worksheets[0]) : [];
      } catch (err) {
        if (err instanceof SpreadsheetError) throw new HttpError(422, err.message);
        throw err;
      }
      const parsed = parseExpertRows(grid, upload.name);
      const { created, problems } = await importExperts(app.db, contest.id, parsed.rows, request.signedIn.id);
      const result: ExpertsCreated = {
        created,
        problems: [...parsed.problems, ...problems].sort((a, b) => a.row - b.row),
        source: upload.name,
      };
      return reply.page('judging/experts-created', { contest, result }, { title: `导入专家 · ${contest.name}` });
    },
  );

  app.post<{ Params: Ids<'contestId'>; Body: FormBody }>(
    '/contests/:contestId/panels',
    { config: { access: CONTEST_ORGANIZERS }, schema: contestParams },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const categoryId = idField(request.body, 'category_id', '类别');
      const groupName = field(request.body, 'group') || null;
      const name = field(request.body, 'name') || null;
      if (name && name.length > 100) throw new HttpError(422, '评审组名称不能超过 100 字');
      await asUserError(() => createPanel(app.db, contest.id, { categoryId, groupName, name }, request.signedIn.id));
      return reply.goTo(`/contests/${contest.id}/experts#panels`);
    },
  );

  app.post<{ Params: Ids<'contestId' | 'panelId'>; Body: FormBody }>(
    '/contests/:contestId/panels/:panelId/members',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'panelId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const expertId = idField(request.body, 'expert_id', '专家');
      await asUserError(() => setPanelMember(app.db, contest.id, request.params.panelId, expertId, true, request.signedIn.id));
      return reply.goTo(`/contests/${contest.id}/experts#panel-${request.params.panelId}`);
    },
  );

  app.post<{ Params: Ids<'contestId' | 'panelId' | 'userId'> }>(
    '/contests/:contestId/panels/:panelId/members/:userId/remove',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'panelId', 'userId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      await asUserError(() =>
        setPanelMember(app.db, contest.id, request.params.panelId, request.params.userId, false, request.signedIn.id),
      );
      return reply.goTo(`/contests/${contest.id}/experts#panel-${request.params.panelId}`);
    },
  );
};
