import type { Db } from '../../db/connect.ts';
import type { Category } from '../../db/schema.ts';
import { audit } from '../../audit/log.ts';
import { contestCategories, contestRuleSet } from '../../contests/index.ts';
import { matchCategory } from '../../ingest/categories.ts';
import { createUser, UserInputError } from '../../users/accounts.ts';
import { generatePassword } from '../../users/passwords.ts';

import type { ExpertDetails, ExpertRow, RowProblem } from '../experts.ts';
import { sortedByText } from '../../util/collate.ts';

/** Expert accounts of a contest and their panels. */

export interface CreatedExpert {
  row: number;
  userId: number;
  name: string;
  username: string;
  /** Shown once; null when an existing account was reused. */
  initialPassword: string | null;
  panels: string[];
}

/** The panel of a category, created on first use. */
export async function categoryPanel(db: Db, contestId: number, category: Category): Promise<number> {
  const name = `${category.name}评审组`;
  const existing = await db
    .selectFrom('panels')
    .select('id')
    .where('contest_id', '=', contestId)
    .where('category_id', '=', category.id)
    .where('group_name', 'is', null)
    .executeTakeFirst();
  if (existing) return existing.id;
  const { id } = await db
    .insertInto('panels')
    .values({ contest_id: contestId, name, category_id: category.id, group_name: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * Creates an account per expert (username: the phone number, else zj<contest>-<row>) with a one-time password,
 * or reuses the expert account with the same phone or e-mail, and puts each into the panels of its categories.
 */
export async function importExperts(
  db: Db,
  contestId: number,
  rows: ExpertRow[],
  actorId: number | null,
): Promise<{ created: CreatedExpert[]; problems: RowProblem[] }> {
  const categories = await contestCategories(db, contestId);
  const ruleSet = await contestRuleSet(db, contestId);
  const refs = categories.map((c) => ({ ...c, aliases: ruleSet.categories.find((r) => r.key === c.key)?.aliases ?? [] }));
  const created: CreatedExpert[] = [];
  const problems: RowProblem[] = [];

  for (const row of rows) {
    const targets = row.panel ? [matchCategory(row.panel, refs)].filter((c): c is (typeof refs)[number] => c !== null) : refs;
    if (row.panel && targets.length === 0) {
      problems.push({ row: row.row, message: `第 ${row.row} 行：评审组“${row.panel}”与本竞赛的任何类别都对不上` });
      continue;
    }
    const contacts = [row.phone && (['phone', row.phone] as const), row.email && (['email', row.email] as const)].filter((c) => !!c);
    const existing = contacts.length
      ? await db
          .selectFrom('users')
          .selectAll()
          .where('role', '=', 'expert')
          .where((eb) => eb.or(contacts.map(([column, value]) => eb(column, '=', value))))
          .executeTakeFirst()
      : undefined;
    let userId: number;
    let username: string;
    let initialPassword: string | null = null;
    if (existing) {
      userId = existing.id;
      username = existing.username;
    } else {
      username = await freeUsername(db, row.phone?.replace(/\D/g, '') || `zj${contestId}-${row.row}`);
      initialPassword = generatePassword();
      try {
        userId = await createUser(
          db,
          {
            username,
            displayName: row.name,
            role: 'expert',
            password: initialPassword,
            mustChangePassword: true,
            unit: row.unit,
            county: row.county,
            phone: row.phone,
            email: row.email,
            specialties: row.specialties,
          },
          actorId,
        );
      } catch (err) {
        if (!(err instanceof UserInputError)) throw err;
        problems.push({ row: row.row, message: `第 ${row.row} 行：${err.message}` });
        continue;
      }
    }
    const panels: string[] = [];
    await db.transaction().execute(async (trx) => {
      for (const category of targets) {
        const panelId = await categoryPanel(trx, contestId, category);
        await trx
          .insertInto('panel_members')
          .values({ panel_id: panelId, user_id: userId })
          .onConflict((oc) => oc.columns(['panel_id', 'user_id']).doNothing())
          .execute();
        panels.push(`${category.name}评审组`);
      }
      await audit(trx, {
        userId: actorId,
        contestId,
        action: 'expert.add',
        subjectType: 'user',
        subjectId: userId,
        newValue: { name: row.name, unit: row.unit, panels },
      });
    });
    created.push({ row: row.row, userId, name: row.name, username, initialPassword, panels });
  }
  return { created, problems };
}

/** `base`, or `base-2`, `base-3` … when taken: a second list or a form may reuse a row number or a phone. */
async function freeUsername(db: Db, base: string): Promise<string> {
  const taken = new Set(
    (
      await db
        .selectFrom('users')
        .select('username')
        .where((eb) => eb.or([eb('username', '=', base), eb('username', 'like', `${base}-%`)]))
        .execute()
    ).map((u) => u.username),
  );
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export interface ContestExpert extends ExpertDetails {
  id: number;
  username: string;
  /** Still has to replace the one-time password. */
  pendingPassword: boolean;
  panels: string[];
  assigned: number;
  submitted: number;
}

/** Experts of a contest: members of its panels and anyone with an active assignment in it. */
export async function contestExperts(db: Db, contestId: number): Promise<ContestExpert[]> {
  const memberships = await db
    .selectFrom('panel_members')
    .innerJoin('panels', 'panels.id', 'panel_members.panel_id')
    .select(['panel_members.user_id', 'panels.name'])
    .where('panels.contest_id', '=', contestId)
    .orderBy('panels.id')
    .execute();
  const work = await db
    .selectFrom('assignments')
    .leftJoin('reviews', 'reviews.assignment_id', 'assignments.id')
    .select(['assignments.expert_id', 'reviews.status'])
    .where('assignments.contest_id', '=', contestId)
    .where('assignments.status', '=', 'active')
    .execute();
  const ids = [...new Set([...memberships.map((m) => m.user_id), ...work.map((w) => w.expert_id)])];
  if (ids.length === 0) return [];
  const users = await db.selectFrom('users').selectAll().where('id', 'in', ids).orderBy('id').execute();
  return sortedByText(
    users,
    (u) => u.display_name,
    (u) => u.unit,
  ).map((u) => ({
    id: u.id,
    username: u.username,
    name: u.display_name,
    unit: u.unit,
    county: u.county,
    phone: u.phone,
    email: u.email,
    specialties: u.specialties,
    pendingPassword: u.must_change_password === 1,
    panels: memberships.filter((m) => m.user_id === u.id).map((m) => m.name),
    assigned: work.filter((w) => w.expert_id === u.id).length,
    submitted: work.filter((w) => w.expert_id === u.id && w.status === 'submitted').length,
  }));
}
