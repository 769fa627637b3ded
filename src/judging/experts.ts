import type { Db } from '../db/connect.ts';
import type { Category } from '../db/schema.ts';
import { audit } from '../audit/log.ts';
import { contestCategories, contestRuleSet } from '../contests/index.ts';
import { matchCategory } from '../ingest/categories.ts';
import { createUser, UserInputError } from '../users/accounts.ts';
import { generatePassword } from '../users/passwords.ts';

/** Experts (评审专家) of a contest: reading the organizer's list, accounts, and panels per category. */

export interface ExpertRow {
  /** Row number as Excel shows it. */
  row: number;
  name: string;
  unit: string | null;
  county: string | null;
  phone: string | null;
  email: string | null;
  specialties: string | null;
  /** 评审组 or 类别 column: which category's panel the expert joins; empty means every category. */
  panel: string | null;
}

export interface RowProblem {
  row: number;
  message: string;
}

type Field = Exclude<keyof ExpertRow, 'row'>;

const HEADERS: [Field, RegExp][] = [
  ['name', /^(专家)?姓名$/],
  ['unit', /^(工作)?(单位|学校|所在单位)$/],
  ['county', /^(所在)?(区县|县区|地区)$/],
  ['phone', /^(手机|手机号|手机号码|电话|联系电话)$/],
  ['email', /^(邮箱|电子邮箱|e-?mail)$/i],
  ['specialties', /^(专业|学科|专长|研究方向|学科专业)$/],
  ['panel', /^(评审组|评审项目|类别|参评项目|项目)$/],
];

/** Reads a grid (see src/spreadsheet/workbook.ts) whose first non-empty row is the header. */
export function parseExpertRows(grid: string[][], fileName: string): { rows: ExpertRow[]; problems: RowProblem[] } {
  const headerIndex = grid.findIndex((cells) => cells.some((c) => c.trim()));
  if (headerIndex < 0) return { rows: [], problems: [{ row: 0, message: `${fileName}：没有内容` }] };
  const columns: Partial<Record<Field, number>> = {};
  grid[headerIndex].forEach((cell, i) => {
    const field = HEADERS.find(([, re]) => re.test(cell.replace(/[\s*＊:：]/g, '')))?.[0];
    if (field && columns[field] === undefined) columns[field] = i;
  });
  if (columns.name === undefined) return { rows: [], problems: [{ row: headerIndex + 1, message: `${fileName}：找不到“姓名”列` }] };

  const rows: ExpertRow[] = [];
  const problems: RowProblem[] = [];
  for (let i = headerIndex + 1; i < grid.length; i++) {
    const cells = grid[i];
    if (!cells.some((c) => c.trim())) continue;
    const at = (f: Field) => (columns[f] === undefined ? null : cells[columns[f]!]?.trim() || null);
    const row: ExpertRow = {
      row: i + 1,
      name: at('name') ?? '',
      unit: at('unit'),
      county: at('county'),
      phone: at('phone'),
      email: at('email'),
      specialties: at('specialties'),
      panel: at('panel'),
    };
    const problem = expertRowProblem(row);
    if (problem) problems.push({ row: row.row, message: `第 ${row.row} 行：${problem}` });
    else rows.push(row);
  }
  return { rows, problems };
}

/** What is wrong with one expert's details (from a sheet row or the organizer's form), or null. */
export function expertRowProblem(row: Omit<ExpertRow, 'row'>): string | null {
  if (!row.name) return '缺少姓名';
  if (row.phone && !/^\+?[\d-]{7,20}$/.test(row.phone)) return `手机号“${row.phone}”格式不对`;
  if (row.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(row.email)) return `邮箱“${row.email}”格式不对`;
  return null;
}

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

export interface ContestExpert {
  id: number;
  username: string;
  name: string;
  unit: string | null;
  county: string | null;
  phone: string | null;
  email: string | null;
  specialties: string | null;
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
  const users = await db.selectFrom('users').selectAll().where('id', 'in', ids).orderBy('display_name').orderBy('id').execute();
  return users.map((u) => ({
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
