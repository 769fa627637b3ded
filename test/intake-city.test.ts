import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAwardInput } from '../src/awards/store/contest.ts';
import { createContest } from '../src/contests/index.ts';
import type { Db } from '../src/db/connect.ts';
import { importPath } from '../src/ingest/import.ts';
import { decideQuota, IntakeError, setPick, submitPicks } from '../src/intake/store/decisions.ts';
import { loadIntake } from '../src/intake/store/settle.ts';
import { LocalBlobStore } from '../src/storage/blobs.ts';
import { importUnitList, loadUnitTree } from '../src/units/store/units.ts';
import { cases, unitListXlsx, unitPackage } from './helpers/city-packages.ts';
import { testDatabases } from './helpers/db.ts';

const CITY = 'rules/city-platform-application-special.yaml';

/**
 * The city notice's 区县推优: packages from 3 counties, the development zone and 2 city schools. 东湖区 sends 43
 * teacher cases against its 40 and its 教育局's 区域推广应用案例, which takes no seat.
 */
describe.each(testDatabases)('quotas at intake on $name', ({ open }) => {
  let db: Db;
  let dir: string;
  let blobs: LocalBlobStore;
  let contestId: number;
  let organizer: number;
  const unitId = async (name: string) => {
    const unit = (await loadUnitTree(db, contestId)).units.find((u) => u.name === name);
    if (!unit) throw new Error(`no unit ${name}`);
    return unit.id;
  };
  const send = async (unit: string, rows: Parameters<typeof unitPackage>[1], asSender: boolean) => {
    const file = path.join(dir, `${unit}.zip`);
    await fsp.writeFile(file, await unitPackage(unit, rows, { recommender: !asSender }));
    return importPath(db, contestId, file, { blobs, userId: organizer, unitId: asSender ? await unitId(unit) : null });
  };

  beforeAll(async () => {
    db = await open();
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'casejury-intake-'));
    process.env.CASEJURY_DATA = dir;
    blobs = new LocalBlobStore(path.join(dir, 'files'));
    ({ id: organizer } = await db
      .insertInto('users')
      .values({
        username: 'org',
        display_name: '市电教馆',
        password_hash: 'x',
        role: 'organizer',
        unit: null,
        county: null,
        phone: null,
        email: null,
        must_change_password: 0,
        specialties: null,
        created_at: new Date().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow());
    contestId = await createContest(db, { rulesYaml: fs.readFileSync(CITY, 'utf8'), rulesSource: 'city.yaml', userId: organizer });
    const units = await importUnitList(db, contestId, await unitListXlsx(), '报送单位.xlsx', organizer);
    expect(units).toMatchObject({ added: 12, problems: [] });
  });
  afterAll(async () => {
    delete process.env.CASEJURY_DATA;
    await db.destroy();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('names the county, its count and its quota; lists the exempt entry apart; the organizer’s choice is audited', async () => {
    const east = await send(
      '东湖区',
      [
        ...cases('东湖区', ['东湖区实验小学', '东湖区第二中学'], 43),
        { title: '东湖区国家平台区域推广应用案例', school: '东湖区教育局', group: '区县案例' },
      ],
      true,
    );
    expect(east.imported).toBe(44);
    expect(east.errors).toContainEqual({
      path: '东湖区',
      message: '东湖区报送 43 件，超出县（市）区推优名额（40 件）3 件，另有 1 件不占名额',
    });
    await send('西山县', cases('西山县', ['西山县实验小学'], 6), false);
    await send('南岭县', cases('南岭县', ['南岭县第一中学'], 4), true);
    await send('高新技术产业开发区', cases('高新区', ['高新区星海学校'], 5), false);
    await send('市第一中学', cases('一中', ['市第一中学'], 6), true);
    await send('市实验幼儿园', cases('实幼', ['市实验幼儿园'], 2), true);

    const state = await loadIntake(db, contestId);
    expect(state.entries).toHaveLength(44 + 6 + 4 + 5 + 6 + 2);
    expect(state.entries.filter((e) => e.unitId === null)).toEqual([]);
    const byUnit = new Map(state.report.units.map((u) => [u.unitName, u]));
    expect([...byUnit].map(([name, u]) => [name, u.quota, u.count, u.max])).toEqual([
      ['高新技术产业开发区', '开发区推优名额', 5, 30],
      ['市第一中学', '市管学校推荐名额', 6, 6],
      ['市实验幼儿园', '市管学校推荐名额', 2, 6],
      ['东湖区', '县（市）区推优名额', 43, 40],
      ['西山县', '县（市）区推优名额', 6, 40],
      ['南岭县', '县（市）区推优名额', 4, 40],
    ]);
    expect(state.report.open.map((u) => u.message)).toEqual(['东湖区报送 43 件，超出县（市）区推优名额（40 件）3 件，另有 1 件不占名额']);
    // The 区域推广应用案例 is listed apart and takes no seat.
    expect(state.report.exempt).toEqual([
      { quota: '县（市）区推优名额', unitName: '东湖区', entries: [expect.objectContaining({ title: '东湖区国家平台区域推广应用案例' })] },
    ]);
    // The surplus, in the county's own order, waits for the organizer.
    const surplus = byUnit.get('东湖区')?.surplus.map((e) => e.title);
    expect(surplus).toEqual(['东湖区平台应用案例41', '东湖区平台应用案例42', '东湖区平台应用案例43']);
    expect(state.entries.filter((e) => e.intake === 'held').map((e) => e.title)).toEqual(surplus);

    const east_ = await unitId('东湖区');
    await expect(decideQuota(db, contestId, east_, '县（市）区推优名额', 'accept', ' ', organizer)).rejects.toThrow(
      new IntakeError('全部接受超出名额的作品须说明理由'),
    );
    const decided = await decideQuota(db, contestId, east_, '县（市）区推优名额', 'refuse-surplus', null, organizer);
    expect(decided).toMatchObject({ count: 40, over: 0, open: false, refused: 3 });
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'user_id', 'new_value'])
      .where('contest_id', '=', contestId)
      .where('action', 'like', 'intake.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.action, a.user_id])).toEqual([
      ['intake.over_quota', organizer],
      ['intake.refuse-surplus', organizer],
    ]);
    expect(JSON.parse(audit[1].new_value ?? '{}')).toMatchObject({ unit: '东湖区', max: 40, count: 43, surplus: expect.any(Array) });
    expect(await db.selectFrom('intake_decisions').select(['decision', 'count', 'user_id']).execute()).toEqual([
      { decision: 'refuse-surplus', count: 43, user_id: organizer },
    ]);
    // The refused surplus is neither judged nor ranked; the exempt case is.
    const awarded = (await loadAwardInput(db, contestId)).entries.map((e) => e.title);
    expect(awarded).toHaveLength(67 - 3);
    expect(awarded).not.toContain('东湖区平台应用案例41');
    expect(awarded).toContain('东湖区国家平台区域推广应用案例');
  });

  it('asks an over-quota unit to choose: a 7th pick of 市第一中学 is refused in Chinese, its 6 go on', async () => {
    await send('市第一中学', cases('一中', ['市第一中学'], 2, 7), true);
    let state = await loadIntake(db, contestId);
    const school = state.report.units.find((u) => u.unitName === '市第一中学');
    expect(school?.message).toBe('市第一中学报送 8 件，超出市管学校推荐名额（6 件）2 件');
    const id = await unitId('市第一中学');
    await decideQuota(db, contestId, id, '市管学校推荐名额', 'ask-unit', null, organizer);
    const ids = school?.counted.map((e) => e.id) ?? [];
    for (const entry of ids.slice(0, 6)) await setPick(db, contestId, id, entry, true, organizer);
    await expect(setPick(db, contestId, id, ids[6], true, organizer)).rejects.toThrow(
      '已选满 6 件，不能再选：市第一中学最多可推荐 6 件（市管学校推荐名额），已选 7 件，请减少 1 件',
    );
    // Another unit's entry is not this unit's to pick.
    const other = (await loadIntake(db, contestId)).entries.find((e) => e.title === '西山县平台应用案例1');
    await expect(setPick(db, contestId, id, other?.id ?? -1, true, organizer)).rejects.toThrow('该作品不是本单位需占名额的作品');
    expect(await submitPicks(db, contestId, id, organizer)).toEqual({ picked: 6, refused: 2, max: 6 });
    state = await loadIntake(db, contestId);
    expect(state.report.units.find((u) => u.unitName === '市第一中学')).toMatchObject({ count: 6, open: false });
  });
});
