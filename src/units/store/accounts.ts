import { audit } from '../../audit/log.ts';
import { type Db, nowIso, type QueryRow } from '../../db/connect.ts';
import { createUser } from '../../users/accounts.ts';
import { generatePassword } from '../../users/passwords.ts';
import { UnitInputError } from './units.ts';

/**
 * Delegated intake accounts (off unless the organizer creates one): a county or school signs in with a one-time
 * password, as experts do, and sees only its own unit's entries.
 */

export interface UnitAccount {
  userId: number;
  username: string;
  contestId: number;
  unitId: number;
  unitName: string;
  createdAt: string;
}

/** Unit accounts with their user and unit, as UnitAccount reads them. */
const unitAccounts = (db: Db) =>
  db
    .selectFrom('unit_accounts as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .innerJoin('units as n', 'n.id', 'a.unit_id')
    .select(['a.user_id', 'u.username', 'a.contest_id', 'a.unit_id', 'n.name', 'a.created_at']);

type UnitAccountRow = QueryRow<ReturnType<typeof unitAccounts>>;

const toUnitAccount = (row: UnitAccountRow): UnitAccount => ({
  userId: row.user_id,
  username: row.username,
  contestId: row.contest_id,
  unitId: row.unit_id,
  unitName: row.name,
  createdAt: row.created_at,
});

/** The unit an account acts for, or undefined for any other account. */
export async function unitAccountOf(db: Db, userId: number): Promise<UnitAccount | undefined> {
  const row = await unitAccounts(db).where('a.user_id', '=', userId).executeTakeFirst();
  return row && toUnitAccount(row);
}

export async function listUnitAccounts(db: Db, contestId: number): Promise<UnitAccount[]> {
  const rows = await unitAccounts(db).where('a.contest_id', '=', contestId).orderBy('n.sort_order').orderBy('u.username').execute();
  return rows.map(toUnitAccount);
}

/** Creates a unit's account with a one-time password (shown once, changed at first sign-in); audited. */
export async function createUnitAccount(
  db: Db,
  contestId: number,
  unitId: number,
  actorId: number | null,
): Promise<{ userId: number; username: string; password: string }> {
  const unit = await db
    .selectFrom('units')
    .select(['id', 'name'])
    .where('id', '=', unitId)
    .where('contest_id', '=', contestId)
    .executeTakeFirst();
  if (!unit) throw new UnitInputError('该单位不属于本竞赛');
  const taken = await db.selectFrom('users').select('username').where('username', 'like', `dw${contestId}-${unitId}%`).execute();
  const username = `dw${contestId}-${unitId}${taken.length ? `-${taken.length + 1}` : ''}`;
  const password = generatePassword();
  const userId = await createUser(
    db,
    { username, displayName: unit.name, role: 'unit', password, unit: unit.name, mustChangePassword: true },
    actorId,
  );
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('unit_accounts')
      .values({ user_id: userId, contest_id: contestId, unit_id: unitId, created_by: actorId, created_at: nowIso() })
      .execute();
    await audit(trx, {
      userId: actorId,
      contestId,
      action: 'units.account',
      subjectType: 'unit',
      subjectId: unitId,
      newValue: { username },
    });
  });
  return { userId, username, password };
}
