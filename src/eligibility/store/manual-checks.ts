import { audit } from '../../audit/log.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import type { RuleSet } from '../../rules/schema.ts';
import { currentRuleVersion } from '../../contests/index.ts';
import { inChunks } from '../../util/chunks.ts';
import { VALID_STATUSES } from '../../entries/status.ts';
import { checklistFor, openItems } from '../checklist.ts';

/** Confirmations of 人工核查 items (the rule set's checklist), per entry, with who and when. */

export interface ManualCheck {
  item: string;
  /** Null while open. */
  confirmed: { by: string | null; at: string } | null;
}

/** Every valid entry's checklist with its confirmations, by entry id. */
export async function manualChecks(db: Db, contestId: number, ruleSet: RuleSet, entryIds?: number[]): Promise<Map<number, ManualCheck[]>> {
  let query = db
    .selectFrom('entries as e')
    .leftJoin('categories as c', 'c.id', 'e.category_id')
    .select(['e.id', 'c.key'])
    .where('e.contest_id', '=', contestId)
    .where('e.status', 'in', VALID_STATUSES);
  if (entryIds) query = query.where('e.id', 'in', entryIds.length ? entryIds : [-1]);
  const entries = await query.execute();
  const confirmations = await db
    .selectFrom('manual_checks as m')
    .leftJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.entry_id', 'm.item', 'm.created_at', 'u.display_name'])
    .where('m.contest_id', '=', contestId)
    .execute();
  const byEntry = new Map<number, Map<string, { by: string | null; at: string }>>();
  for (const c of confirmations) {
    const m = byEntry.get(c.entry_id) ?? new Map();
    m.set(c.item, { by: c.display_name, at: c.created_at });
    byEntry.set(c.entry_id, m);
  }
  return new Map(
    entries.map((e) => [e.id, checklistFor(ruleSet, e.key).map((item) => ({ item, confirmed: byEntry.get(e.id)?.get(item) ?? null }))]),
  );
}

/** The open 人工核查 items of every valid entry, by entry id (entries with none left out). */
export async function openManualChecks(db: Db, contestId: number, ruleSet: RuleSet): Promise<Map<number, string[]>> {
  const open = new Map<number, string[]>();
  for (const [id, checks] of await manualChecks(db, contestId, ruleSet)) {
    const items = openItems(
      checks.map((c) => c.item),
      new Set(checks.filter((c) => c.confirmed).map((c) => c.item)),
    );
    if (items.length) open.set(id, items);
  }
  return open;
}

/**
 * Confirms 人工核查 items for entries (one or in bulk), audited, in one transaction; items already confirmed
 * stay as they were. `items` null confirms every item of each entry's checklist. Returns how many were new.
 */
export async function confirmManualChecks(
  db: Db,
  contestId: number,
  ruleSet: RuleSet,
  entryIds: number[],
  items: string[] | null,
  userId: number | null,
): Promise<number> {
  const ids = [...new Set(entryIds)];
  if (ids.length === 0) throw new Error('没有选中任何作品');
  return db.transaction().execute(async (trx) => {
    const checks = new Map<number, ManualCheck[]>();
    for (const part of inChunks(ids, 500)) for (const [id, c] of await manualChecks(trx, contestId, ruleSet, part)) checks.set(id, c);
    const missing = ids.filter((id) => !checks.has(id));
    if (missing.length) throw new Error(`以下作品不属于本竞赛或不是有效作品，不能确认人工核查：${missing.join('、')}`);
    const now = nowIso();
    const rows = ids.flatMap((id) => {
      const list = checks.get(id) ?? [];
      const unknown = items?.filter((item) => !list.some((c) => c.item === item)) ?? [];
      if (unknown.length) throw new Error(`核查项“${unknown[0]}”不在该作品所属类别的核查清单中`);
      return list
        .filter((c) => !c.confirmed && (items === null || items.includes(c.item)))
        .map((c) => ({ contest_id: contestId, entry_id: id, item: c.item, user_id: userId, created_at: now }));
    });
    for (const part of inChunks(rows, 100)) await trx.insertInto('manual_checks').values(part).execute();
    for (const id of ids) {
      const confirmed = rows.filter((r) => r.entry_id === id).map((r) => r.item);
      if (confirmed.length)
        await audit(trx, {
          userId,
          contestId,
          action: 'eligibility.manual-check',
          subjectType: 'entry',
          subjectId: id,
          newValue: { confirmed },
        });
    }
    return rows.length;
  });
}

/** The rule-set versions the stored 形式审查 results were checked against, and the contest's current one. */
export async function checkedRuleVersions(db: Db, contestId: number): Promise<{ current: number; checked: number[] }> {
  const [current, rows] = await Promise.all([
    currentRuleVersion(db, contestId),
    db.selectFrom('eligibility_results').select('rules_version').distinct().where('contest_id', '=', contestId).execute(),
  ]);
  return { current, checked: rows.map((r) => r.rules_version ?? 1).sort((a, b) => a - b) };
}
