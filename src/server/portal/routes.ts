import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { audit } from '../../audit/log.ts';
import { getContest } from '../../contests/index.ts';
import { eligibilityChecks, jobPayload } from '../../db/columns.ts';
import { INTAKE_STATES } from '../../intake/quotas.ts';
import { IntakeError, setPick, submitPicks } from '../../intake/store/decisions.ts';
import { loadIntake } from '../../intake/store/settle.ts';
import { intakeStageFor } from '../../intake/stages.ts';
import { timeLeft } from '../../deadlines/deadlines.ts';
import { type UnitAccount, unitAccountOf } from '../../units/store/accounts.ts';
import { HttpError, notFound } from '../http-error.ts';
import type { ImportRequest } from '../imports/start.ts';
import type { ReceivedUpload } from '../imports/routes.ts';
import { idParams, type Ids } from '../schemas.ts';

/**
 * 报送单位: the pages of a county's or school's delegated account. Every route reads the account's unit and
 * shows or changes only entries of that unit and the units below it; anything else is 404, as if it did not exist.
 */

const UNITS = ['unit'] as const;

export interface PortalOptions {
  startImport: (r: ImportRequest) => Promise<number>;
  receiveUpload: (request: FastifyRequest) => Promise<ReceivedUpload>;
}

async function requireAccount(request: FastifyRequest): Promise<UnitAccount> {
  const account = await unitAccountOf(request.server.db, request.signedIn.id);
  if (!account) throw new HttpError(403, '该账号未关联报送单位，请联系组织者');
  return account;
}

export const portalRoutes: FastifyPluginAsync<PortalOptions> = async (app, { startImport, receiveUpload }) => {
  /** The unit's entries, its quota and its stage's deadline, as the page shows them. */
  async function portalView(account: UnitAccount) {
    const contest = await getContest(app.db, account.contestId);
    if (!contest) throw notFound('竞赛');
    const state = await loadIntake(app.db, account.contestId);
    const scope = state.tree.subtree(account.unitId);
    const rows = await app.db
      .selectFrom('entries as e')
      .leftJoin('units as u', 'u.id', 'e.unit_id')
      .leftJoin('eligibility_results as r', 'r.entry_id', 'e.id')
      .select(['e.id', 'e.code', 'e.title', 'e.intake', 'e.late', 'e.picked', 'u.name as unit', 'r.verdict'])
      .where('e.contest_id', '=', account.contestId)
      .where('e.unit_id', 'in', [...scope])
      .orderBy('e.id')
      .execute();
    const quota = state.report.units.find((u) => u.unit?.id === account.unitId) ?? null;
    const counted = new Set(quota?.counted.map((e) => e.id));
    const stage = intakeStageFor(state.schedule, state.tree.submitting(account.unitId)?.kind ?? null);
    const now = new Date();
    const jobs = await app.db
      .selectFrom('jobs')
      .select(['id', 'status', 'message', 'payload_json', 'created_at', 'finished_at'])
      .where('contest_id', '=', account.contestId)
      .where('kind', '=', 'import')
      .orderBy('id', 'desc')
      .limit(20)
      .execute();
    const imports = jobs
      .map((j) => ({ ...j, payload: jobPayload.read(j.payload_json) }))
      .filter((j) => j.payload.unitId === account.unitId)
      .slice(0, 5)
      .map((j) => ({ id: j.id, status: j.status, message: j.message, source: String(j.payload.source ?? ''), at: j.created_at }));
    return {
      contest,
      account,
      rows: rows.map((r) => ({ ...r, counted: counted.has(r.id), intakeLabel: INTAKE_STATES[r.intake] })),
      quota,
      picked: rows.filter((r) => r.picked === 1 && counted.has(r.id)).length,
      stage,
      left: stage?.closesAt ? timeLeft(stage.closesAt, now) : null,
      imports,
      running: imports.some((j) => j.status === 'queued' || j.status === 'running'),
    };
  }

  const render = async (reply: FastifyReply, account: UnitAccount, say: { error?: string; notice?: string } = {}, status = 200) =>
    reply.page(
      'portal/index',
      { ...(await portalView(account)), error: say.error ?? null, notice: say.notice ?? null },
      { title: `${account.unitName} · 作品报送`, status },
    );

  app.get('/portal', { config: { access: UNITS } }, async (request, reply) => render(reply, await requireAccount(request)));

  app.get<{ Params: Ids<'entryId'> }>(
    '/portal/entries/:entryId',
    { config: { access: UNITS }, schema: { params: idParams('entryId') } },
    async (request, reply) => {
      const account = await requireAccount(request);
      const state = await loadIntake(app.db, account.contestId);
      const entry = await app.db
        .selectFrom('entries')
        .selectAll()
        .where('id', '=', request.params.entryId)
        .where('contest_id', '=', account.contestId)
        .executeTakeFirst();
      // Another unit's entry (or another contest's) does not exist for this account.
      if (!entry || entry.unit_id === null || !state.tree.subtree(account.unitId).has(entry.unit_id)) throw notFound('作品');
      const [authors, files, result] = await Promise.all([
        app.db.selectFrom('authors').select(['name', 'unit', 'phone']).where('entry_id', '=', entry.id).orderBy('position').execute(),
        app.db
          .selectFrom('files')
          .select(['original_path', 'kind', 'size', 'error'])
          .where('entry_id', '=', entry.id)
          .orderBy('original_path')
          .execute(),
        app.db.selectFrom('eligibility_results').select(['verdict', 'checks_json']).where('entry_id', '=', entry.id).executeTakeFirst(),
      ]);
      return reply.page(
        'portal/entry',
        {
          account,
          entry: { ...entry, intakeLabel: INTAKE_STATES[entry.intake], unitPath: entry.unit_id ? state.tree.path(entry.unit_id) : '' },
          authors,
          files,
          checks: result ? eligibilityChecks.read(result.checks_json) : null,
          verdict: result?.verdict ?? null,
        },
        { title: `${entry.code} ${entry.title}` },
      );
    },
  );

  app.post<{ Params: Ids<'entryId'>; Body: { picked?: string } }>(
    '/portal/picks/:entryId',
    { config: { access: UNITS }, schema: { params: idParams('entryId') } },
    async (request, reply) => {
      const account = await requireAccount(request);
      try {
        await setPick(app.db, account.contestId, account.unitId, request.params.entryId, request.body?.picked === '1', request.signedIn.id);
      } catch (err) {
        if (!(err instanceof IntakeError)) throw err;
        return render(reply, account, { error: err.message }, 422);
      }
      return reply.goTo('/portal');
    },
  );

  app.post('/portal/submit', { config: { access: UNITS } }, async (request, reply) => {
    const account = await requireAccount(request);
    try {
      const done = await submitPicks(app.db, account.contestId, account.unitId, request.signedIn.id);
      return render(reply, account, { notice: `已提交推荐：${done.picked} 件作品进入下一阶段，其余 ${done.refused} 件未推荐` });
    } catch (err) {
      if (!(err instanceof IntakeError)) throw err;
      return render(reply, account, { error: err.message }, 422);
    }
  });

  // Multipart: the CSRF token comes in the X-CSRF-Token header (htmx sends it from the page's hx-headers).
  app.post('/portal/upload', { config: { access: UNITS } }, async (request, reply) => {
    const account = await requireAccount(request);
    const { dest, name, size, tempDir } = await receiveUpload(request);
    await audit(app.db, {
      userId: request.signedIn.id,
      contestId: account.contestId,
      action: 'import.upload',
      subjectType: 'unit',
      subjectId: account.unitId,
      newValue: { name, size, unit: account.unitName },
    });
    await startImport({
      contestId: account.contestId,
      source: dest,
      label: name,
      userId: request.signedIn.id,
      tempDir,
      origin: 'browser',
      unitId: account.unitId,
    });
    return reply.goTo('/portal');
  });
};
