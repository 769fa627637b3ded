import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { PackageError, writePackage } from '../../packages/store/export.ts';
import { attachmentDisposition } from '../entries/download.ts';
import type { Contest } from '../../db/schema.ts';
import { decideLate, decideQuota, IntakeError } from '../../intake/store/decisions.ts';
import { loadIntake } from '../../intake/store/settle.ts';
import { QUOTA_DECISIONS, type QuotaDecisionKind } from '../../intake/quotas.ts';
import { audit } from '../../audit/log.ts';
import { nowIso } from '../../db/connect.ts';
import { createUnitAccount, listUnitAccounts } from '../../units/store/accounts.ts';
import {
  addUnit,
  assignEntryUnit,
  deleteUnit,
  entryCountsByUnit,
  importUnitList,
  UnitInputError,
  unmatchedEntries,
  updateUnit,
} from '../../units/store/units.ts';
import { UNIT_KINDS, type UnitKind } from '../../units/tree.ts';
import { parseShanghaiLocal } from '../../util/time.ts';
import { CONTEST_ORGANIZERS } from '../auth/access.ts';
import { requireContest } from '../contests/load.ts';
import { idParams, type Ids } from '../schemas.ts';

/** 单位与名额: the units tree, unit lists, unmatched entries, unit accounts; the intake report, decisions and stage dates. */

type Form = Record<string, string | undefined>;

const ZIP_TYPE = 'application/zip';

export const unitRoutes: FastifyPluginAsync = async (app) => {
  const params = { params: idParams('contestId') };

  async function renderUnits(
    reply: FastifyReply,
    contest: Contest,
    say: { error?: string; notice?: string; created?: unknown } = {},
    status = 200,
  ) {
    const state = await loadIntake(app.db, contest.id);
    const [counts, unmatched, accounts] = await Promise.all([
      entryCountsByUnit(app.db, contest.id),
      unmatchedEntries(app.db, contest.id),
      listUnitAccounts(app.db, contest.id),
    ]);
    // Depth first, each unit followed by the units below it.
    const ordered = (parentId: number | null): typeof state.tree.units =>
      state.tree.children(parentId).flatMap((u) => [u, ...ordered(u.id)]);
    const units = ordered(null).map((u) => ({ ...u, depth: state.tree.chain(u.id).length - 1, entries: counts.get(u.id) ?? 0 }));
    return reply.page(
      'units/index',
      {
        contest,
        tab: 'units',
        units,
        kinds: UNIT_KINDS,
        unmatched,
        accounts,
        schedule: state.schedule,
        report: state.report,
        late: state.entries.filter((e) => e.late && e.intake === 'held'),
        decisions: QUOTA_DECISIONS,
        error: say.error ?? null,
        notice: say.notice ?? null,
        created: say.created ?? null,
      },
      { title: `单位与名额 · ${contest.name}`, status },
    );
  }

  /** Runs a change; a Chinese refusal is shown on the page with 422. */
  async function act(reply: FastifyReply, contest: Contest, change: () => Promise<string | { notice: string; created: unknown }>) {
    try {
      const done = await change();
      return renderUnits(reply, contest, typeof done === 'string' ? { notice: done } : done);
    } catch (err) {
      if (!(err instanceof UnitInputError || err instanceof IntakeError)) throw err;
      return renderUnits(reply, contest, { error: err.message }, 422);
    }
  }

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/units',
    { config: { access: CONTEST_ORGANIZERS }, schema: params },
    async (request, reply) => renderUnits(reply, await requireContest(app.db, request.params.contestId)),
  );

  // 推荐包: the prize winners of the categories the rule set sends on, for the next level to import.
  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/package',
    { config: { access: CONTEST_ORGANIZERS }, schema: params },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const dir = await fsp.mkdtemp(path.join(app.tmpDir, 'package-'));
      const file = path.join(dir, 'package.zip');
      try {
        await writePackage(app.db, contest.id, file, app.blobs);
      } catch (err) {
        await fsp.rm(dir, { recursive: true, force: true });
        if (!(err instanceof PackageError)) throw err;
        return renderUnits(reply, contest, { error: err.message }, 409);
      }
      const stream = fs.createReadStream(file);
      stream.on('close', () => void fsp.rm(dir, { recursive: true, force: true }));
      return reply
        .header('Content-Type', ZIP_TYPE)
        .header('Content-Disposition', attachmentDisposition(`${contest.name}-推荐包.zip`))
        .header('Cache-Control', 'private, no-store')
        .send(stream);
    },
  );

  app.post<{ Params: Ids<'contestId'>; Body: Form }>(
    '/contests/:contestId/units/add',
    { config: { access: CONTEST_ORGANIZERS }, schema: params },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const b = request.body ?? {};
      return act(reply, contest, async () => {
        const kind = (UNIT_KINDS as readonly string[]).includes(b.kind ?? '') ? (b.kind as UnitKind) : null;
        if (!kind) throw new UnitInputError('请选择单位类型');
        const parentId = b.parent ? Number(b.parent) : null;
        const aliases = (b.aliases ?? '')
          .split(/[、，,]/)
          .map((s) => s.trim())
          .filter(Boolean);
        await addUnit(app.db, contest.id, { name: b.name ?? '', kind, parentId, aliases }, request.signedIn.id);
        return `已添加单位“${(b.name ?? '').trim()}”`;
      });
    },
  );

  app.post<{ Params: Ids<'contestId' | 'unitId'>; Body: Form }>(
    '/contests/:contestId/units/:unitId/edit',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'unitId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const b = request.body ?? {};
      return act(reply, contest, async () => {
        if (b.delete === '1') {
          await deleteUnit(app.db, contest.id, request.params.unitId, request.signedIn.id);
          return '已删除单位';
        }
        const unit = (await loadIntake(app.db, contest.id)).tree.byId.get(request.params.unitId);
        if (!unit) throw new UnitInputError('找不到该单位');
        const kind = (UNIT_KINDS as readonly string[]).includes(b.kind ?? '') ? (b.kind as UnitKind) : unit.kind;
        const aliases = (b.aliases ?? '')
          .split(/[、，,]/)
          .map((s) => s.trim())
          .filter(Boolean);
        await updateUnit(
          app.db,
          contest.id,
          unit.id,
          { name: b.name ?? unit.name, kind, parentId: unit.parentId, aliases },
          request.signedIn.id,
        );
        return `已保存单位“${(b.name ?? unit.name).trim()}”`;
      });
    },
  );

  app.post<{ Params: Ids<'contestId'>; Body: Form }>(
    '/contests/:contestId/units/list',
    { config: { access: CONTEST_ORGANIZERS }, schema: params },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      // The list is pasted as text (one unit a line: 名称,类型,上级,别名) or uploaded with `casejury units import`.
      const text = request.body?.list ?? '';
      return act(reply, contest, async () => {
        const csv = Buffer.from(`单位名称,单位类型,上级单位,别名\n${text.replace(/[\t，]/g, ',')}`, 'utf8');
        const r = await importUnitList(app.db, contest.id, csv, '单位名单.csv', request.signedIn.id);
        const problems = r.problems.map((p) => p.message).join('；');
        return `单位名单：新增 ${r.added}，更新 ${r.updated}，未变化 ${r.unchanged}；作品匹配到单位 ${r.matched} 件${problems ? `。${problems}` : ''}`;
      });
    },
  );

  app.post<{ Params: Ids<'contestId' | 'entryId'>; Body: Form }>(
    '/contests/:contestId/units/entries/:entryId',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'entryId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const unit = Number(request.body?.unit);
      return act(reply, contest, async () => {
        if (!Number.isInteger(unit) || unit <= 0) throw new UnitInputError('请选择单位');
        await assignEntryUnit(app.db, contest.id, request.params.entryId, unit, request.signedIn.id);
        return '已指定作品的报送单位';
      });
    },
  );

  app.post<{ Params: Ids<'contestId'>; Body: Form }>(
    '/contests/:contestId/units/accounts',
    { config: { access: CONTEST_ORGANIZERS }, schema: params },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const unit = Number(request.body?.unit);
      return act(reply, contest, async () => {
        const created = await createUnitAccount(app.db, contest.id, unit, request.signedIn.id);
        return { notice: '已创建报送单位账号，一次性密码只显示这一次', created };
      });
    },
  );

  app.post<{ Params: Ids<'contestId'>; Body: Form }>(
    '/contests/:contestId/intake/quota',
    { config: { access: CONTEST_ORGANIZERS }, schema: params },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const b = request.body ?? {};
      return act(reply, contest, async () => {
        const decision = b.decision && b.decision in QUOTA_DECISIONS ? (b.decision as QuotaDecisionKind) : null;
        if (!decision) throw new IntakeError('请选择处理方式');
        const r = await decideQuota(app.db, contest.id, Number(b.unit), b.quota ?? '', decision, b.reason ?? null, request.signedIn.id);
        return `${r.unitName}：${QUOTA_DECISIONS[decision]}`;
      });
    },
  );

  app.post<{ Params: Ids<'contestId'>; Body: Form }>(
    '/contests/:contestId/intake/late',
    { config: { access: CONTEST_ORGANIZERS }, schema: params },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const b = request.body ?? {};
      return act(reply, contest, async () => {
        const codes = await decideLate(app.db, contest.id, [Number(b.entry)], b.admit === '1', b.reason ?? null, request.signedIn.id);
        return `${codes.join('、')}：${b.admit === '1' ? '已接受逾期作品' : '逾期作品未受理'}`;
      });
    },
  );

  app.post<{ Params: Ids<'contestId'>; Body: Form }>(
    '/contests/:contestId/intake/deadline',
    { config: { access: CONTEST_ORGANIZERS }, schema: params },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const b = request.body ?? {};
      return act(reply, contest, async () => {
        const state = await loadIntake(app.db, contest.id);
        const stage = state.schedule.find((s) => s.key === b.stage);
        if (!stage) throw new IntakeError('没有这个阶段');
        const closesAt = parseShanghaiLocal(b.closes ?? '');
        if (!closesAt) throw new IntakeError('截止时间应写作 2024-08-20 17:00 或 2024-08-20');
        await app.db.transaction().execute(async (trx) => {
          await trx
            .deleteFrom('deadlines')
            .where('contest_id', '=', contest.id)
            .where('stage', '=', stage.key)
            .where('panel_id', 'is', null)
            .execute();
          await trx
            .insertInto('deadlines')
            .values({
              contest_id: contest.id,
              stage: stage.key,
              panel_id: null,
              closes_at: closesAt,
              user_id: request.signedIn.id,
              updated_at: nowIso(),
            })
            .execute();
          await audit(trx, {
            userId: request.signedIn.id,
            contestId: contest.id,
            action: 'deadline.set',
            subjectType: 'stage',
            subjectId: stage.key,
            oldValue: stage.closesAt,
            newValue: closesAt,
          });
        });
        return `已设定${stage.name}的截止时间`;
      });
    },
  );
};
