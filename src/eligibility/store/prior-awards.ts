import { audit } from '../../audit/log.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import { type PriorAward, readPriorAwards, splitNames } from '../history.ts';
import { inChunks } from '../../util/chunks.ts';

/**
 * Replaces the contest's 往届获奖名单 with the rows of an uploaded .xlsx (作品名称, 作者,
 * 单位, 年份). Returns how many works it lists. The next check run matches entries against it.
 */
export async function importPriorAwards(db: Db, contestId: number, data: Buffer, fileName: string, userId: number | null): Promise<number> {
  const awards = await readPriorAwards(data, fileName);
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    const { n } = await trx
      .selectFrom('prior_awards')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('contest_id', '=', contestId)
      .executeTakeFirstOrThrow();
    await trx.deleteFrom('prior_awards').where('contest_id', '=', contestId).execute();
    for (const rows of inChunks(awards, 200)) {
      await trx
        .insertInto('prior_awards')
        .values(
          rows.map((a) => ({
            contest_id: contestId,
            title: a.title,
            authors: a.authors.join('、'),
            unit: a.unit,
            year: a.year,
            award: a.award,
            source: fileName,
            created_at: now,
          })),
        )
        .execute();
    }
    await audit(trx, {
      userId,
      contestId,
      action: 'eligibility.prior-awards.import',
      subjectType: 'contest',
      subjectId: contestId,
      oldValue: { rows: Number(n) },
      newValue: { source: fileName, rows: awards.length },
    });
  });
  return awards.length;
}

/** The contest's 往届获奖名单, or null when none was uploaded. */
export async function loadPriorAwards(db: Db, contestId: number): Promise<PriorAward[] | null> {
  const rows = await db
    .selectFrom('prior_awards')
    .select(['title', 'authors', 'unit', 'year', 'award'])
    .where('contest_id', '=', contestId)
    .orderBy('id')
    .execute();
  return rows.length ? rows.map((r) => ({ ...r, authors: splitNames(r.authors) })) : null;
}
