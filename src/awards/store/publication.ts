import { audit } from '../../audit/log.ts';
import type { Db } from '../../db/connect.ts';
import { nowIso } from '../../db/connect.ts';
import type { AwardPublication } from '../../db/schema.ts';
import { type AwardSnapshot, type Publication, type PublishedSnapshot, sha256Hex } from '../publication.ts';
import { contestAwards } from './contest.ts';
import { awardSnapshot } from '../../db/columns.ts';

/** 公示 versions of a contest, stored and read back with their hash checked. */

const toPublication = (r: Omit<AwardPublication, 'id' | 'snapshot_json'>): Publication => ({
  contestId: r.contest_id,
  version: r.version,
  publishedAt: r.published_at,
  userId: r.user_id,
  reason: r.reason,
  sha256: r.sha256,
});

/**
 * Freezes the current awards as the next version. Refused while blockers remain unless a reason is given
 * (the reason is the organizer's override and is stored with the snapshot); every version after the first
 * needs a reason too. Computed and stored in one transaction, so the snapshot is what the database held.
 */
export async function publish(db: Db, contestId: number, userId: number | null, reason?: string): Promise<Publication> {
  const why = reason?.trim() || null;
  return db.transaction().execute(async (trx) => {
    const awards = await contestAwards(trx, contestId);
    const contest = await trx
      .selectFrom('contests')
      .select(['rules_yaml', 'rules_source'])
      .where('id', '=', contestId)
      .executeTakeFirstOrThrow();
    const last = await trx
      .selectFrom('award_publications')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('contest_id', '=', contestId)
      .executeTakeFirst();
    const version = Number(last?.version ?? 0) + 1;
    if (version > 1 && !why) throw new Error(`已有第 ${version - 1} 版公示，再次公示须填写理由`);
    if (!awards.canFinalize && !why) {
      const list = awards.blockers.map((b) => `  ${b.message}`).join('\n');
      throw new Error(`尚有 ${awards.blockers.length} 项问题未解决，不能公示：\n${list}\n如确需公示，请填写理由`);
    }
    const snapshot: AwardSnapshot = { format: 1, rules: { source: contest.rules_source, yaml: contest.rules_yaml }, awards };
    const text = awardSnapshot.write(snapshot);
    const row = {
      contest_id: contestId,
      version,
      published_at: nowIso(),
      user_id: userId,
      reason: why,
      sha256: sha256Hex(text),
    };
    await trx
      .insertInto('award_publications')
      .values({ ...row, snapshot_json: text })
      .execute();
    await audit(trx, {
      userId,
      contestId,
      action: 'award.publish',
      subjectType: 'contest',
      subjectId: contestId,
      newValue: { version, sha256: row.sha256, blockers: awards.blockers.map((b) => b.message) },
      reason: why,
    });
    return toPublication(row);
  });
}

/** Every published version of the contest, oldest first. */
export async function listPublications(db: Db, contestId: number): Promise<Publication[]> {
  const rows = await db
    .selectFrom('award_publications')
    .select(['contest_id', 'version', 'published_at', 'user_id', 'reason', 'sha256'])
    .where('contest_id', '=', contestId)
    .orderBy('version')
    .execute();
  return rows.map(toPublication);
}

/** A published version exactly as frozen (the latest when `version` is omitted); undefined when there is none. */
export async function getSnapshot(db: Db, contestId: number, version?: number): Promise<PublishedSnapshot | undefined> {
  let query = db.selectFrom('award_publications').selectAll().where('contest_id', '=', contestId);
  query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  return {
    ...toPublication(row),
    snapshot: awardSnapshot.read(row.snapshot_json),
    intact: sha256Hex(row.snapshot_json) === row.sha256,
  };
}
