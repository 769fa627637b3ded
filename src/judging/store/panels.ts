import type { Db } from '../../db/connect.ts';
import { audit } from '../../audit/log.ts';
import { sortedByText } from '../../util/collate.ts';

/** 评审组 of a contest: which experts review which category (or group of it). */

export interface PanelView {
  id: number;
  name: string;
  categoryId: number | null;
  category: string | null;
  groupName: string | null;
  members: { id: number; name: string; unit: string | null }[];
}

export async function contestPanels(db: Db, contestId: number): Promise<PanelView[]> {
  const panels = await db
    .selectFrom('panels')
    .leftJoin('categories', 'categories.id', 'panels.category_id')
    .select(['panels.id', 'panels.name', 'panels.category_id', 'panels.group_name', 'categories.name as category', 'categories.sort_order'])
    .where('panels.contest_id', '=', contestId)
    .orderBy('categories.sort_order')
    .orderBy('panels.id')
    .execute();
  const members = panels.length
    ? await db
        .selectFrom('panel_members')
        .innerJoin('users', 'users.id', 'panel_members.user_id')
        .select(['panel_members.panel_id', 'users.id', 'users.display_name', 'users.unit'])
        .where(
          'panel_members.panel_id',
          'in',
          panels.map((p) => p.id),
        )
        .execute()
    : [];
  return panels.map((p) => ({
    id: p.id,
    name: p.name,
    categoryId: p.category_id,
    category: p.category,
    groupName: p.group_name,
    members: sortedByText(
      members.filter((m) => m.panel_id === p.id).map((m) => ({ id: m.id, name: m.display_name, unit: m.unit })),
      (m) => m.name,
      (m) => m.unit,
    ),
  }));
}

export interface NewPanel {
  categoryId: number;
  /** Only entries of this group (学段); null: the whole category. */
  groupName: string | null;
  /** Defaults to “<category>评审组” (plus the group). */
  name: string | null;
}

/** Creates a panel; throws a Chinese message when the category is not the contest's or the name is taken. */
export async function createPanel(db: Db, contestId: number, input: NewPanel, userId: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const category = await trx
      .selectFrom('categories')
      .select(['id', 'name'])
      .where('id', '=', input.categoryId)
      .where('contest_id', '=', contestId)
      .executeTakeFirst();
    if (!category) throw new Error('请选择本竞赛的一个类别');
    const name = input.name?.trim() || `${category.name}${input.groupName ? `（${input.groupName}）` : ''}评审组`;
    const taken = await trx
      .selectFrom('panels')
      .select('id')
      .where('contest_id', '=', contestId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (taken) throw new Error(`评审组“${name}”已存在`);
    const same = await trx
      .selectFrom('panels')
      .select('name')
      .where('contest_id', '=', contestId)
      .where('category_id', '=', category.id)
      .where('group_name', input.groupName === null ? 'is' : '=', input.groupName)
      .executeTakeFirst();
    if (same) throw new Error(`“${same.name}”已负责该类别${input.groupName ? `的${input.groupName}组` : ''}`);
    const { id } = await trx
      .insertInto('panels')
      .values({ contest_id: contestId, name, category_id: category.id, group_name: input.groupName })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, {
      userId,
      contestId,
      action: 'panel.create',
      subjectType: 'panel',
      subjectId: id,
      newValue: { name, category: category.name, group: input.groupName },
    });
    return id;
  });
}

/** Adds an expert to a panel or takes them off it (their assignments stay until the next automatic run). */
export async function setPanelMember(
  db: Db,
  contestId: number,
  panelId: number,
  expertId: number,
  member: boolean,
  userId: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const panel = await trx
      .selectFrom('panels')
      .select(['id', 'name'])
      .where('id', '=', panelId)
      .where('contest_id', '=', contestId)
      .executeTakeFirst();
    if (!panel) throw new Error('评审组不存在');
    const expert = await trx
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('id', '=', expertId)
      .where('role', '=', 'expert')
      .executeTakeFirst();
    if (!expert) throw new Error('该用户不是评审专家');
    if (member) {
      await trx
        .insertInto('panel_members')
        .values({ panel_id: panelId, user_id: expertId })
        .onConflict((oc) => oc.columns(['panel_id', 'user_id']).doNothing())
        .execute();
    } else {
      await trx.deleteFrom('panel_members').where('panel_id', '=', panelId).where('user_id', '=', expertId).execute();
    }
    await audit(trx, {
      userId,
      contestId,
      action: member ? 'panel.member.add' : 'panel.member.remove',
      subjectType: 'panel',
      subjectId: panelId,
      newValue: { panel: panel.name, expertId, name: expert.display_name },
    });
  });
}
