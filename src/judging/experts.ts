import type { Db } from '../db/connect.ts';
import type { Category } from '../db/schema.ts';
import { audit } from '../audit/log.ts';
import { contestCategories, contestRuleSet } from '../contests/index.ts';
import { matchCategory } from '../ingest/categories.ts';
import { createUser } from '../server/auth/users.ts';
import { generatePassword } from '../server/auth/passwords.ts';

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
    if (!row.name) problems.push({ row: row.row, message: `第 ${row.row} 行：缺少姓名` });
    else if (row.phone && !/^\+?[\d-]{7,20}$/.test(row.phone)) problems.push({ row: row.row, message: `第 ${row.row} 行：手机号“${row.phone}”格式不对` });
    else if (row.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(row.email)) problems.push({ row: row.row, message: `第 ${row.row} 行：邮箱“${row.email}”格式不对` });
    else rows.push(row);
  }
  return { rows, problems };
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
  const existing = await db.selectFrom('panels').select('id').where('contest_id', '=', contestId).where('category_id', '=', category.id).where('group_name', 'is', null).executeTakeFirst();
  if (existing) return existing.id;
  const { id } = await db.insertInto('panels').values({ contest_id: contestId, name, category_id: category.id, group_name: null }).returning('id').executeTakeFirstOrThrow();
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
      username = row.phone?.replace(/\D/g, '') || `zj${contestId}-${row.row}`;
      initialPassword = generatePassword();
      userId = await createUser(
        db,
        { username, displayName: row.name, role: 'expert', password: initialPassword, mustChangePassword: true, unit: row.unit, county: row.county, phone: row.phone, email: row.email, specialties: row.specialties },
        actorId,
      );
    }
    const panels: string[] = [];
    await db.transaction().execute(async (trx) => {
      for (const category of targets) {
        const panelId = await categoryPanel(trx, contestId, category);
        await trx.insertInto('panel_members').values({ panel_id: panelId, user_id: userId }).onConflict((oc) => oc.columns(['panel_id', 'user_id']).doNothing()).execute();
        panels.push(`${category.name}评审组`);
      }
      await audit(trx, { userId: actorId, contestId, action: 'expert.add', subjectType: 'user', subjectId: userId, newValue: { name: row.name, unit: row.unit, panels } });
    });
    created.push({ row: row.row, userId, name: row.name, username, initialPassword, panels });
  }
  return { created, problems };
}
