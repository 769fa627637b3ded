import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { ensureFirstAdmin } from '../src/users/accounts.ts';
import { testDatabases } from './helpers/db.ts';

describe.each(testDatabases)('first administrator on $name', ({ open }) => {
  let db: Db;
  beforeEach(async () => {
    db = await open();
  });
  afterEach(() => db.destroy());

  it('is created once even when several instances start together on an empty database', async () => {
    const results = await Promise.all([1, 2, 3].map(() => ensureFirstAdmin(db, {})));
    const created = results.filter((r) => r !== null);
    expect(created).toHaveLength(1);
    expect(created[0]!.generatedPassword).toHaveLength(16);
    expect(await db.selectFrom('users').select(['username', 'role', 'must_change_password']).execute()).toEqual([
      { username: 'admin', role: 'admin', must_change_password: 1 },
    ]);
    expect(await ensureFirstAdmin(db, {})).toBeNull();
  });
});
