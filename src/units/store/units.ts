import { audit } from '../../audit/log.ts';
import { authorsOfEntries } from '../../contests/authors.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import type { UnitRowDb } from '../../db/schema.ts';
import { gridOf, loadWorkbook, SpreadsheetError } from '../../spreadsheet/workbook.ts';
import { matchUnit, type UnitClues } from '../match.ts';
import { orderUnitRows, parseUnitList, type Unit, type UnitKind, type UnitListProblem, UnitTree } from '../tree.ts';

/** The contest's units in the database: the tree, a list imported from .xlsx/.csv, edits, and entries' units. */

export class UnitInputError extends Error {}

const splitAliases = (text: string) => text.split('、').filter(Boolean);

export const toUnit = (r: Pick<UnitRowDb, 'id' | 'parent_id' | 'name' | 'kind' | 'aliases'>): Unit => ({
  id: r.id,
  parentId: r.parent_id,
  name: r.name,
  kind: r.kind,
  aliases: splitAliases(r.aliases),
});

export async function loadUnitTree(db: Db, contestId: number): Promise<UnitTree> {
  const rows = await db
    .selectFrom('units')
    .select(['id', 'parent_id', 'name', 'kind', 'aliases'])
    .where('contest_id', '=', contestId)
    .orderBy('sort_order')
    .orderBy('id')
    .execute();
  return new UnitTree(rows.map(toUnit));
}

export interface UnitListResult {
  added: number;
  updated: number;
  unchanged: number;
  problems: UnitListProblem[];
  /** Entries that found their unit once the list was in. */
  matched: number;
}

/**
 * Adds a unit list (.xlsx/.csv: 单位名称, 类型, 上级单位, 别名 — or 区县 and 学校 columns) to the contest's tree in
 * one transaction. Units already there (same name under the same parent) keep their id and get the list's kind
 * and aliases; nothing is deleted. Entries still without a unit are matched again afterwards.
 */
export async function importUnitList(
  db: Db,
  contestId: number,
  bytes: Buffer,
  fileName: string,
  userId: number | null,
): Promise<UnitListResult> {
  let grid: string[][];
  try {
    const workbook = await loadWorkbook(bytes, fileName);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new UnitInputError(`${fileName}：没有工作表`);
    grid = gridOf(sheet);
  } catch (err) {
    if (err instanceof SpreadsheetError) throw new UnitInputError(err.message);
    throw err;
  }
  const parsed = parseUnitList(grid);
  const result = await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('units').selectAll().where('contest_id', '=', contestId).execute();
    const ordered = orderUnitRows(parsed.rows, existing);
    const problems = [...parsed.problems, ...ordered.problems].sort((a, b) => a.row - b.row);
    let [added, updated, unchanged] = [0, 0, 0];
    const byName = new Map<string, (typeof existing)[number][]>();
    for (const u of existing) byName.set(u.name, [...(byName.get(u.name) ?? []), u]);
    let order = existing.length;
    for (const row of ordered.rows) {
      const parent = row.parent === null ? null : (byName.get(row.parent)?.[0] ?? null);
      const same = (byName.get(row.name) ?? []).find((u) => u.parent_id === (parent?.id ?? null));
      const aliases = row.aliases.join('、');
      if (same) {
        if (same.kind === row.kind && (same.aliases === aliases || !aliases)) unchanged++;
        else {
          await trx
            .updateTable('units')
            .set({ kind: row.kind, aliases: aliases || same.aliases })
            .where('id', '=', same.id)
            .execute();
          updated++;
        }
        continue;
      }
      const inserted = await trx
        .insertInto('units')
        .values({
          contest_id: contestId,
          parent_id: parent?.id ?? null,
          name: row.name,
          kind: row.kind,
          aliases,
          sort_order: order++,
          created_at: nowIso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      byName.set(row.name, [...(byName.get(row.name) ?? []), inserted]);
      added++;
    }
    await audit(trx, {
      userId,
      contestId,
      action: 'units.import',
      subjectType: 'contest',
      subjectId: contestId,
      newValue: { file: fileName, added, updated, unchanged, problems: problems.length },
    });
    return { added, updated, unchanged, problems };
  });
  const matched = await matchUnassignedEntries(db, contestId, userId);
  return { ...result, matched };
}

export interface UnitInput {
  name: string;
  kind: UnitKind;
  parentId: number | null;
  aliases: string[];
}

async function checkUnitInput(db: Db, contestId: number, input: UnitInput, selfId: number | null): Promise<string> {
  const name = input.name.trim();
  if (!name) throw new UnitInputError('请填写单位名称');
  if (name.length > 100) throw new UnitInputError('单位名称不能超过 100 字');
  if (input.parentId !== null) {
    const tree = await loadUnitTree(db, contestId);
    if (!tree.byId.has(input.parentId)) throw new UnitInputError('上级单位不存在');
    if (selfId !== null && tree.subtree(selfId).has(input.parentId)) throw new UnitInputError('不能把单位放到它自己或它的下级单位之下');
  }
  let same = db.selectFrom('units').select('id').where('contest_id', '=', contestId).where('name', '=', name);
  same = input.parentId === null ? same.where('parent_id', 'is', null) : same.where('parent_id', '=', input.parentId);
  if (selfId !== null) same = same.where('id', '!=', selfId);
  if (await same.executeTakeFirst()) throw new UnitInputError(`同一上级下已有名为“${name}”的单位`);
  return name;
}

export async function addUnit(db: Db, contestId: number, input: UnitInput, userId: number | null): Promise<number> {
  const name = await checkUnitInput(db, contestId, input, null);
  const id = await db.transaction().execute(async (trx) => {
    const { n } = await trx
      .selectFrom('units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('contest_id', '=', contestId)
      .executeTakeFirstOrThrow();
    const row = await trx
      .insertInto('units')
      .values({
        contest_id: contestId,
        parent_id: input.parentId,
        name,
        kind: input.kind,
        aliases: input.aliases.join('、'),
        sort_order: Number(n),
        created_at: nowIso(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, { userId, contestId, action: 'units.add', subjectType: 'unit', subjectId: row.id, newValue: { ...input, name } });
    return row.id;
  });
  await matchUnassignedEntries(db, contestId, userId);
  return id;
}

export async function updateUnit(db: Db, contestId: number, unitId: number, input: UnitInput, userId: number | null): Promise<void> {
  const old = await db.selectFrom('units').selectAll().where('id', '=', unitId).where('contest_id', '=', contestId).executeTakeFirst();
  if (!old) throw new UnitInputError('找不到该单位');
  const name = await checkUnitInput(db, contestId, input, unitId);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('units')
      .set({ name, kind: input.kind, parent_id: input.parentId, aliases: input.aliases.join('、') })
      .where('id', '=', unitId)
      .execute();
    await audit(trx, {
      userId,
      contestId,
      action: 'units.update',
      subjectType: 'unit',
      subjectId: unitId,
      oldValue: old,
      newValue: { ...input, name },
    });
  });
  await matchUnassignedEntries(db, contestId, userId);
}

/** Deletes a unit with no entries in its subtree (its sub-units go with it). */
export async function deleteUnit(db: Db, contestId: number, unitId: number, userId: number | null): Promise<void> {
  const tree = await loadUnitTree(db, contestId);
  const unit = tree.byId.get(unitId);
  if (!unit) throw new UnitInputError('找不到该单位');
  const ids = [...tree.subtree(unitId)];
  const used = await db
    .selectFrom('entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('contest_id', '=', contestId)
    .where('unit_id', 'in', ids)
    .executeTakeFirstOrThrow();
  if (Number(used.n) > 0)
    throw new UnitInputError(`“${unit.name}”及其下级单位还有 ${Number(used.n)} 件作品，不能删除；请先把这些作品改到其他单位`);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('units').where('id', 'in', ids).execute();
    await audit(trx, { userId, contestId, action: 'units.delete', subjectType: 'unit', subjectId: unitId, oldValue: unit });
  });
}

/** Sets (or clears) an entry's unit by hand, from the review page. */
export async function assignEntryUnit(
  db: Db,
  contestId: number,
  entryId: number,
  unitId: number | null,
  userId: number | null,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const entry = await trx
      .selectFrom('entries')
      .select(['id', 'unit_id', 'code'])
      .where('id', '=', entryId)
      .where('contest_id', '=', contestId)
      .executeTakeFirst();
    if (!entry) throw new UnitInputError('找不到该作品');
    if (unitId !== null) {
      const unit = await trx
        .selectFrom('units')
        .select('id')
        .where('id', '=', unitId)
        .where('contest_id', '=', contestId)
        .executeTakeFirst();
      if (!unit) throw new UnitInputError('所选单位不属于本竞赛');
    }
    if (entry.unit_id === unitId) return;
    await trx.updateTable('entries').set({ unit_id: unitId, updated_at: nowIso() }).where('id', '=', entryId).execute();
    await audit(trx, {
      userId,
      contestId,
      action: 'entry.unit',
      subjectType: 'entry',
      subjectId: entryId,
      oldValue: entry.unit_id,
      newValue: unitId,
    });
  });
}

/** What an entry's stored rows say about its unit. */
export function cluesOf(
  e: { unit_label: string | null; source_path: string | null },
  authors: { unit: string | null; county: string | null }[],
): UnitClues {
  return {
    sheetUnit: e.unit_label,
    county: authors.find((a) => a.county)?.county ?? null,
    folderSchool: null,
    authorUnits: authors.map((a) => a.unit).filter((u): u is string => !!u),
    folders: (e.source_path ?? '').split('/').filter(Boolean),
  };
}

/** Matches every entry still without a unit against the tree (after units were added); returns how many found one. */
export async function matchUnassignedEntries(db: Db, contestId: number, userId: number | null): Promise<number> {
  const tree = await loadUnitTree(db, contestId);
  if (tree.units.length === 0) return 0;
  const entries = await db
    .selectFrom('entries')
    .select(['id', 'unit_label', 'source_path'])
    .where('contest_id', '=', contestId)
    .where('unit_id', 'is', null)
    .execute();
  if (entries.length === 0) return 0;
  const authors = await authorsOfEntries(
    db,
    entries.map((e) => e.id),
  );
  let matched = 0;
  await db.transaction().execute(async (trx) => {
    for (const e of entries) {
      const found = matchUnit(tree, cluesOf(e, authors.get(e.id) ?? []));
      if (!found.unit) continue;
      await trx.updateTable('entries').set({ unit_id: found.unit.id }).where('id', '=', e.id).execute();
      matched++;
    }
    if (matched)
      await audit(trx, { userId, contestId, action: 'units.match', subjectType: 'contest', subjectId: contestId, newValue: { matched } });
  });
  return matched;
}

export interface UnmatchedEntry {
  id: number;
  code: string;
  title: string;
  label: string | null;
  authorUnits: string;
  sourcePath: string | null;
}

/** Entries whose unit could not be matched, for the review page. */
export async function unmatchedEntries(db: Db, contestId: number): Promise<UnmatchedEntry[]> {
  const rows = await db
    .selectFrom('entries')
    .select(['id', 'code', 'title', 'unit_label', 'source_path'])
    .where('contest_id', '=', contestId)
    .where('unit_id', 'is', null)
    .orderBy('code')
    .execute();
  const authors = await authorsOfEntries(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    title: r.title,
    label: r.unit_label,
    authorUnits: [...new Set((authors.get(r.id) ?? []).filter((a) => a.unit).map((a) => a.unit))].join('、'),
    sourcePath: r.source_path,
  }));
}

/** Entries per unit (its own, not its sub-units'). */
export async function entryCountsByUnit(db: Db, contestId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('entries')
    .select(['unit_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('contest_id', '=', contestId)
    .where('unit_id', 'is not', null)
    .groupBy('unit_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.unit_id), Number(r.n)]));
}
