import type { Db } from '../../db/connect.ts';
import { nowIso } from '../../db/connect.ts';
import type { AwardOverrideKind } from '../../db/schema.ts';
import { audit } from '../../audit/log.ts';
import { contestRuleSet } from '../../contests/index.ts';
import { ENTRY_STATUSES } from '../../entries/status.ts';
import { VALID_STATUSES } from '../../entries/status.ts';

/** The organizer's decisions on single entries (band, 推优, release from a blocker), each with a reason and audited. */

export interface AwardDecision {
  contestId: number;
  entryId: number;
  kind: AwardOverrideKind;
  /**
   * 'band': a band name of the entry's category, or null for no award;
   * 'quota': 'recommend' or 'withhold'; 'release': null.
   */
  value: string | null;
  reason: string;
  userId: number | null;
}

export interface StoredDecision {
  id: number;
  entryId: number;
  code: string;
  title: string;
  kind: AwardOverrideKind;
  value: string | null;
  reason: string;
  userId: number | null;
  createdAt: string;
}

const KIND_NAMES: Record<AwardOverrideKind, string> = { band: '调整奖项', quota: '调整推优', release: '放行' };
const QUOTA_VALUES = ['recommend', 'withhold'];

/** The database id of the entry with 编号 `code` in the contest. */
export async function entryIdByCode(db: Db, contestId: number, code: string): Promise<number> {
  const row = await db.selectFrom('entries').select('id').where('contest_id', '=', contestId).where('code', '=', code).executeTakeFirst();
  if (!row) throw new Error(`本竞赛中没有编号为“${code}”的作品`);
  return row.id;
}

async function validEntry(db: Db, contestId: number, entryId: number, action: string) {
  const entry = await db
    .selectFrom('entries')
    .leftJoin('categories', 'categories.id', 'entries.category_id')
    .select(['entries.id', 'entries.code', 'entries.status', 'categories.key as categoryKey'])
    .where('entries.id', '=', entryId)
    .where('entries.contest_id', '=', contestId)
    .executeTakeFirst();
  if (!entry) throw new Error(`${action}有误：作品 ${entryId} 不属于本竞赛`);
  if (!(VALID_STATUSES as readonly string[]).includes(entry.status)) {
    throw new Error(`${action}有误：作品 ${entry.code} 不是有效作品（状态：${ENTRY_STATUSES[entry.status]}）`);
  }
  return entry;
}

/** Records (or replaces) the organizer's decision on an entry; refuses a missing reason or an unknown band. */
export async function setAwardOverride(db: Db, d: AwardDecision): Promise<void> {
  const action = KIND_NAMES[d.kind];
  const reason = d.reason.trim();
  const entry = await validEntry(db, d.contestId, d.entryId, action);
  if (!reason) throw new Error(`${action}有误：调整作品 ${entry.code} 必须填写理由`);
  if (d.kind === 'band' && d.value !== null) {
    const rules = (await contestRuleSet(db, d.contestId)).categories.find((c) => c.key === entry.categoryKey);
    if (!rules) throw new Error(`${action}有误：作品 ${entry.code} 未归入任何类别`);
    const names = rules.awards.bands.map((b) => b.name);
    if (!names.includes(d.value)) throw new Error(`${action}有误：奖项“${d.value}”不存在（可选：${names.join('、')}，或不获奖）`);
  }
  if (d.kind === 'quota' && !QUOTA_VALUES.includes(d.value ?? ''))
    throw new Error(`${action}有误：应为推优（recommend）或不推优（withhold）`);
  if (d.kind === 'release' && d.value !== null) throw new Error(`${action}有误：放行不带取值`);

  await db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom('award_overrides')
      .select(['value', 'reason'])
      .where('entry_id', '=', d.entryId)
      .where('kind', '=', d.kind)
      .executeTakeFirst();
    const row = { value: d.value, reason, user_id: d.userId, created_at: nowIso() };
    await trx
      .insertInto('award_overrides')
      .values({ contest_id: d.contestId, entry_id: d.entryId, kind: d.kind, ...row })
      .onConflict((oc) => oc.columns(['entry_id', 'kind']).doUpdateSet(row))
      .execute();
    await audit(trx, {
      userId: d.userId,
      contestId: d.contestId,
      action: `award.override.${d.kind}`,
      subjectType: 'entry',
      subjectId: d.entryId,
      oldValue: old ?? null,
      newValue: { code: entry.code, value: d.value },
      reason,
    });
  });
}

/** Withdraws a decision, so the computed result applies again; the reason is audited. */
export async function clearAwardOverride(
  db: Db,
  d: { contestId: number; entryId: number; kind: AwardOverrideKind; reason: string; userId: number | null },
): Promise<void> {
  const reason = d.reason.trim();
  if (!reason) throw new Error(`撤销${KIND_NAMES[d.kind]}须填写理由`);
  await db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom('award_overrides')
      .select(['id', 'value', 'reason'])
      .where('contest_id', '=', d.contestId)
      .where('entry_id', '=', d.entryId)
      .where('kind', '=', d.kind)
      .executeTakeFirst();
    if (!old) {
      const entry = await trx.selectFrom('entries').select('code').where('id', '=', d.entryId).executeTakeFirst();
      throw new Error(`作品 ${entry?.code ?? d.entryId} 没有可撤销的${KIND_NAMES[d.kind]}`);
    }
    await trx.deleteFrom('award_overrides').where('id', '=', old.id).execute();
    await audit(trx, {
      userId: d.userId,
      contestId: d.contestId,
      action: `award.override.${d.kind}.clear`,
      subjectType: 'entry',
      subjectId: d.entryId,
      oldValue: { value: old.value, reason: old.reason },
      newValue: null,
      reason,
    });
  });
}

/** Every stored decision of the contest, by entry code. */
export async function listAwardOverrides(db: Db, contestId: number): Promise<StoredDecision[]> {
  const rows = await db
    .selectFrom('award_overrides as o')
    .innerJoin('entries as e', 'e.id', 'o.entry_id')
    .select(['o.id', 'o.entry_id', 'e.code', 'e.title', 'o.kind', 'o.value', 'o.reason', 'o.user_id', 'o.created_at'])
    .where('o.contest_id', '=', contestId)
    .orderBy('e.code')
    .orderBy('o.kind')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    entryId: r.entry_id,
    code: r.code,
    title: r.title,
    kind: r.kind,
    value: r.value,
    reason: r.reason,
    userId: r.user_id,
    createdAt: r.created_at,
  }));
}
