import type { FastifyPluginAsync } from 'fastify';
import type { Contest } from '../../db/schema.ts';
import {
  contestSuspects,
  decideSuspect,
  isSuspectDecision,
  listSuspectDecisions,
  SUSPECT_DECISIONS,
} from '../../suspects/store/suspects.ts';
import { CONTEST_ORGANIZERS } from '../auth/access.ts';
import { requireContest } from '../contests/load.ts';
import { shownDocuments } from '../entries/documents.ts';
import { entryDetail } from '../entries/query.ts';
import { notFound } from '../http-error.ts';
import { idParams, type Ids } from '../schemas.ts';
import { refusal } from '../refusal.ts';
import { crossProjectPairs, fmt } from '../similarity/pages.ts';
import { TERMS } from '../../util/terms.ts';

/**
 * 一稿多投与相似主题: the contest's suspects (the same work or topic entered in two projects) with their
 * reasons, the scan's other cross-project text overlaps, a pair view with both entries side by side, and the
 * organizer's decision. The detection and the decisions are src/suspects/store; these routes show and pass them on.
 */

const MAX_REASON = 2000;

const listUrl = (contestId: number): string => `/contests/${contestId}/suspects`;
const pairUrl = (contestId: number, a: number, b: number): string => `/contests/${contestId}/suspects/${a}/${b}`;

interface DecisionBody {
  decision?: string;
  withdraw?: string;
  reason?: string;
}

const decisionBody = {
  type: 'object',
  properties: {
    decision: { type: 'string', maxLength: 20 },
    withdraw: { type: 'string', maxLength: 20 },
    reason: { type: 'string', maxLength: MAX_REASON },
  },
} as const;

type PairParams = Ids<'contestId' | 'entryA' | 'entryB'>;

export const suspectRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/suspects',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const [found, decisions, text] = await Promise.all([
        contestSuspects(app.db, contest.id),
        listSuspectDecisions(app.db, contest.id),
        crossProjectPairs(app.db, contest.id),
      ]);
      return reply.page(
        'suspects/index',
        {
          contest,
          tab: 'suspects',
          ...found,
          decisions,
          // Cross-project pairs of the scan below the 一稿多投 share: shown here, so one page holds every such pair.
          textOverlaps: text.others,
          textOverlapsTotal: text.othersTotal,
          fmt,
          pairUrl: (a: number, b: number) => pairUrl(contest.id, a, b),
        },
        { title: `${TERMS.suspects} · ${contest.name}` },
      );
    },
  );

  /** Both entries side by side (files, shared ones marked, and documents), the suspect's reasons, decisions and the form. */
  async function pairPage(contest: Contest, ids: [number, number], form: { values: DecisionBody; error: string | null }) {
    const [a, b] = [...ids].sort((x, y) => x - y);
    const [sideA, sideB] = await Promise.all([a, b].map((id) => entryDetail(app.db, contest.id, id)));
    if (!sideA || !sideB || a === b) throw notFound('作品');
    const [{ suspects, threshold }, decisions, hashes] = await Promise.all([
      contestSuspects(app.db, contest.id),
      listSuspectDecisions(app.db, contest.id),
      app.db.selectFrom('files').select(['id', 'entry_id', 'sha256']).where('entry_id', 'in', [a, b]).execute(),
    ]);
    const hashesOf = (entryId: number) => new Set(hashes.filter((f) => f.entry_id === entryId).map((f) => f.sha256));
    const [ofA, ofB] = [hashesOf(a), hashesOf(b)];
    const shared = new Set(hashes.filter((f) => ofA.has(f.sha256) && ofB.has(f.sha256)).map((f) => f.id));
    return {
      contest,
      tab: 'suspects',
      suspect: suspects.find((s) => s.a.id === a && s.b.id === b) ?? null,
      threshold,
      decisions: decisions.filter((d) => d.a === a && d.b === b),
      choices: SUSPECT_DECISIONS,
      sides: [sideA, sideB].map((d) => ({ ...d, shared, documents: shownDocuments(d.files) })),
      action: `${pairUrl(contest.id, a, b)}/decision`,
      form: form.values,
      error: form.error,
    };
  }

  app.get<{ Params: PairParams }>(
    '/contests/:contestId/suspects/:entryA/:entryB',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'entryA', 'entryB') } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const data = await pairPage(contest, [request.params.entryA, request.params.entryB], { values: {}, error: null });
      return reply.page('suspects/pair', data, {
        title: `${TERMS.suspects}对照 · ${data.sides[0].entry.code} / ${data.sides[1].entry.code}`,
      });
    },
  );

  app.post<{ Params: PairParams; Body: DecisionBody }>(
    '/contests/:contestId/suspects/:entryA/:entryB/decision',
    { config: { access: CONTEST_ORGANIZERS }, schema: { params: idParams('contestId', 'entryA', 'entryB'), body: decisionBody } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      const ids: [number, number] = [request.params.entryA, request.params.entryB];
      const values = request.body ?? {};
      let error: string | null = null;
      try {
        if (!isSuspectDecision(values.decision)) throw new Error(`请选择处理决定：${SUSPECT_DECISIONS.join('、')}`);
        const withdraw = values.withdraw && /^\d{1,12}$/.test(values.withdraw) ? Number(values.withdraw) : null;
        await decideSuspect(app.db, contest.id, {
          entries: ids,
          decision: values.decision,
          withdraw,
          reason: values.reason ?? '',
          userId: request.signedIn.id,
        });
      } catch (err) {
        error = refusal(err);
      }
      if (error) {
        const data = await pairPage(contest, ids, { values, error });
        return reply.page('suspects/pair', data, {
          title: `${TERMS.suspects}对照 · ${data.sides[0].entry.code} / ${data.sides[1].entry.code}`,
          status: 422,
        });
      }
      return reply.goTo(listUrl(contest.id));
    },
  );
};
