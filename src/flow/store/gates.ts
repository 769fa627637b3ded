import { eligibilityChecks } from '../../db/columns.ts';
import type { Db } from '../../db/connect.ts';
import type { RuleSet } from '../../rules/schema.ts';
import { latestDecisions } from '../../similarity/store/decisions.ts';
import { entryRates, latestRun } from '../../similarity/store/queries.ts';
import { contestSuspects } from '../../suspects/store/suspects.ts';
import type { GateEntry, GateInput } from '../gates.ts';
import { openManualChecks } from '../../eligibility/store/manual-checks.ts';

/** When the contest's latest import that brought anything finished; null when none did. */
export async function latestImportAt(db: Db, contestId: number): Promise<string | null> {
  const row = await db
    .selectFrom('import_batches')
    .select((eb) => eb.fn.max('finished_at').as('at'))
    .where('contest_id', '=', contestId)
    .where('status', '=', 'done')
    .where('imported', '>', 0)
    .executeTakeFirst();
  return row?.at ?? null;
}

/** Loads what the gates between the stages read (src/flow/gates.ts) for one contest. */
export async function loadGateInput(db: Db, contestId: number, ruleSet: RuleSet): Promise<GateInput> {
  const [entries, results, run, importedAt, suspects, openChecks] = await Promise.all([
    db.selectFrom('entries').select(['id', 'code', 'status', 'created_at']).where('contest_id', '=', contestId).orderBy('code').execute(),
    db
      .selectFrom('eligibility_results')
      .select(['entry_id', 'verdict', 'checks_json', 'checked_at'])
      .where('contest_id', '=', contestId)
      .execute(),
    latestRun(db, contestId),
    latestImportAt(db, contestId),
    contestSuspects(db, contestId),
    openManualChecks(db, contestId, ruleSet),
  ]);
  const rates = run ? await entryRates(db, run.id) : new Map<number, number>();
  const decisions = await latestDecisions(
    db,
    contestId,
    entries.map((e) => e.id),
  );
  const resultOf = new Map(results.map((r) => [r.entry_id, r]));
  return {
    threshold: ruleSet.similarity.threshold,
    latestImportAt: importedAt,
    scan: run ? { version: run.version, startedAt: run.started_at } : null,
    entries: entries.map((e): GateEntry => {
      const r = resultOf.get(e.id);
      const checks = r ? eligibilityChecks.read(r.checks_json) : [];
      const d = decisions.get(e.id);
      return {
        id: e.id,
        code: e.code,
        status: e.status,
        createdAt: e.created_at,
        eligibility: r
          ? {
              verdict: r.verdict,
              failed: checks.filter((c) => c.status === 'fail').map((c) => c.message),
              warned: checks.filter((c) => c.status === 'warn').map((c) => c.message),
              checkedAt: r.checked_at,
            }
          : null,
        openChecks: openChecks.get(e.id) ?? [],
        rate: rates.get(e.id) ?? null,
        similarityDecision: d ? { decision: d.decision, rate: d.rate } : null,
      };
    }),
    suspects: suspects.suspects.map((s) => ({ a: s.a.code, b: s.b.code, kind: s.kind, decided: s.decision !== null })),
  };
}
