import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { nextStageSeed } from '../../awards/contest.ts';
import { contestAwards } from '../../awards/store/contest.ts';
import { authorsByEntry } from '../../contests/authors.ts';
import { contestRuleSet, getContest } from '../../contests/index.ts';
import type { Db } from '../../db/connect.ts';
import { VALID_STATUSES } from '../../entries/status.ts';
import { entriesWithCategory } from '../../entries/store/entries.ts';
import { tablesWorkbook } from '../../exports/workbook.ts';
import type { BlobStore } from '../../storage/blobs.ts';
import { entryRates, latestRun } from '../../similarity/store/queries.ts';
import { loadUnitTree } from '../../units/store/units.ts';
import { entryFolders, type PackageEntry, packageSheets, SUMMARY_FILE } from '../sheet.ts';

/** Writes a contest's recommendation package (推荐包) for the next level: folders, files and the 推荐汇总表. */

export class PackageError extends Error {}

export interface PackageSelection {
  /** Category keys; default: the categories of the rule set's last stage that names some (推荐至全国参评), else all. */
  categories?: string[];
  /** Final bands that go on; default: every band (entries with a prize). */
  bands?: string[];
  /** Every admitted, valid entry of the chosen categories, prize or not. */
  all?: boolean;
  /** Exactly these entry codes. */
  codes?: string[];
}

const VERDICTS: Record<string, string> = { pass: '通过', warn: '通过（有警告）', fail: '未通过' };

/** The entries chosen to go on, with what this level found about each, in category then rank order. */
export async function packageEntries(
  db: Db,
  contestId: number,
  selection: PackageSelection = {},
): Promise<{ entries: PackageEntry[]; recommender: string }> {
  const contest = await getContest(db, contestId);
  if (!contest) throw new PackageError(`找不到编号为 ${contestId} 的竞赛`);
  const ruleSet = await contestRuleSet(db, contestId);
  const stageCategories = [...ruleSet.stages].reverse().find((s) => s.categories.length)?.categories ?? [];
  const categories = selection.categories?.length ? selection.categories : stageCategories;
  for (const key of categories) {
    if (!ruleSet.categories.some((c) => c.key === key)) throw new PackageError(`本竞赛没有标识为“${key}”的类别`);
  }
  const awards = await contestAwards(db, contestId);
  const rows = await entriesWithCategory(db, contestId)
    .where('e.intake', '=', 'admitted')
    .where('e.status', 'in', [...VALID_STATUSES])
    .execute();
  const placed = new Map(awards.groups.flatMap((g) => g.entries.map((e) => [e.code, e] as const)));
  // The entries whose final prize qualifies them; an undecided 边界并列 that could qualify one stops the export.
  const qualifying = selection.bands?.length
    ? selection.bands
    : [...new Set(ruleSet.categories.flatMap((c) => c.awards.bands.map((b) => b.name)))];
  const seed = nextStageSeed(awards, qualifying);
  const seeded = new Set(seed.seeded.map((s) => s.entryId));
  const wantedCodes = selection.codes?.length ? new Set(selection.codes) : null;
  if (wantedCodes) {
    const missing = [...wantedCodes].filter((c) => !rows.some((r) => r.code === c));
    if (missing.length) throw new PackageError(`以下编号不是本竞赛已受理的有效作品：${missing.join('、')}`);
  }
  const inCategories = (r: (typeof rows)[number]) => !categories.length || (r.category_key !== null && categories.includes(r.category_key));
  if (!wantedCodes && !selection.all) {
    const held = seed.pending.filter((p) => rows.some((r) => r.code === p.entryId && inCategories(r)));
    if (held.length) {
      throw new PackageError(
        `以下作品处于未决定的边界并列，可能获得${held[0].upperBand}：${held.map((p) => p.entryId).join('、')}；请先在评奖页决定`,
      );
    }
  }
  const chosen = rows.filter((r) => {
    if (wantedCodes) return wantedCodes.has(r.code);
    if (!inCategories(r)) return false;
    return selection.all || seeded.has(r.code);
  });
  const order = new Map([...placed.keys()].map((code, i) => [code, i]));
  chosen.sort((a, b) => (order.get(a.code) ?? 1e9) - (order.get(b.code) ?? 1e9) || (a.code < b.code ? -1 : 1));
  const ids = chosen.map((r) => r.id);
  const inChosen = ids.length ? ids : [-1];
  const [authors, checks, files, rates] = await Promise.all([
    authorsByEntry(db, contestId),
    db.selectFrom('eligibility_results').select(['entry_id', 'verdict']).where('entry_id', 'in', inChosen).execute(),
    db
      .selectFrom('files')
      .select(['entry_id', 'original_path', 'sha256', 'size'])
      .where('entry_id', 'in', inChosen)
      .orderBy('original_path')
      .execute(),
    latestRates(db, contestId),
  ]);
  const tree = await loadUnitTree(db, contestId);
  const root = tree.units.find((u) => u.parentId === null && tree.children(u.id).length > 0);
  const entries = chosen.map((r): PackageEntry => {
    const verdict = checks.find((c) => c.entry_id === r.id)?.verdict;
    const check = `${verdict ? VERDICTS[verdict] : '未检查'}${r.status === 'eligible' ? '，组织者确认通过' : ''}`;
    const award = placed.get(r.code);
    return {
      code: r.code,
      title: r.title,
      category: r.category_name ?? r.category_label ?? '未归类',
      group: r.group_name,
      authors: (authors.get(r.id) ?? []).map((a) => ({ name: a.name, unit: a.unit, county: a.county, phone: a.phone })),
      check,
      rate: rates.get(r.id) ?? null,
      score: award?.score ?? null,
      band: award?.band ?? null,
      files: files.filter((f) => f.entry_id === r.id).map((f) => ({ path: f.original_path, sha256: f.sha256, size: Number(f.size) })),
    };
  });
  return { entries, recommender: root?.name ?? contest.name };
}

/** Highest 重复率 per entry in the contest's latest finished scan. */
async function latestRates(db: Db, contestId: number): Promise<Map<number, number>> {
  const run = await latestRun(db, contestId);
  return run ? entryRates(db, run.id) : new Map();
}

export interface WrittenPackage {
  file: string;
  entries: string[];
  files: number;
  bytes: number;
  recommender: string;
}

/**
 * Writes the package to `outFile` as a zip, streaming each stored file from the blob store (videos of hundreds
 * of MB are never held in memory; yazl writes ZIP64 when the package passes 4 GB). Written to a temp name and
 * renamed, so a failed write leaves no half package behind.
 */
export async function writePackage(
  db: Db,
  contestId: number,
  outFile: string,
  blobs: BlobStore,
  selection: PackageSelection = {},
): Promise<WrittenPackage> {
  const { entries, recommender } = await packageEntries(db, contestId, selection);
  if (entries.length === 0) throw new PackageError('没有符合条件的作品可以推荐：请确认评奖结果，或用 --all / --code 指定作品');
  const folders = entryFolders(entries);
  const sheet = await tablesWorkbook(packageSheets(entries, folders, recommender), `${recommender}推荐汇总表`);
  const zip = new yazl.ZipFile();
  zip.addBuffer(sheet, SUMMARY_FILE);
  let count = 0;
  for (const [i, e] of entries.entries()) {
    for (const f of e.files) {
      const blob = blobs.path(f.sha256);
      zip.addReadStreamLazy(`${folders[i]}/${f.path}`, { compress: !/\.(mp4|mov|zip|rar|jpg|jpeg|png)$/i.test(f.path) }, (cb) =>
        cb(null, fs.createReadStream(blob)),
      );
      count++;
    }
  }
  zip.end();
  const target = path.resolve(outFile);
  const temp = `${target}.part`;
  try {
    await pipeline(zip.outputStream, fs.createWriteStream(temp, { mode: 0o600 }));
    await fsp.rename(temp, target);
  } catch (err) {
    await fsp.rm(temp, { force: true });
    throw err;
  }
  const { size } = await fsp.stat(target);
  return { file: target, entries: entries.map((e) => e.code), files: count, bytes: size, recommender };
}
