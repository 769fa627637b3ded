import fsp from 'node:fs/promises';
import path from 'node:path';
import { createContest } from '../../contests/index.ts';
import type { Db } from '../../db/connect.ts';
import { dataDir } from '../../config.ts';
import { type ImportSummary, importPath } from '../../ingest/import.ts';
import { readSummarySheet } from '../../ingest/sheet.ts';
import { openSource } from '../../ingest/source.ts';
import type { BlobStore } from '../../storage/blobs.ts';
import { addUnit, loadUnitTree } from '../../units/store/units.ts';
import { guessUnitKind } from '../../units/tree.ts';
import { PackageError } from './export.ts';

export interface FromPackageInput {
  packagePath: string;
  rulesYaml: string;
  rulesSource: string;
  name?: string;
  userId: number | null;
  blobs?: BlobStore;
}

/**
 * The next level's contest from a package the level below exported: a new contest with the rule set given, the
 * package's 推荐单位 as its submitting unit, and every entry of the 推荐汇总表 imported with its 来源编号 (its identity:
 * importing the same package again changes nothing) and the score and results the level below gave it.
 */
export async function createContestFromPackage(db: Db, input: FromPackageInput): Promise<{ contestId: number; summary: ImportSummary }> {
  const tmpRoot = path.join(dataDir(), 'tmp');
  await fsp.mkdir(tmpRoot, { recursive: true });
  const work = await fsp.mkdtemp(path.join(tmpRoot, 'package-'));
  try {
    const source = await openSource(path.resolve(input.packagePath), work);
    if (!source.sheetPath)
      throw new PackageError(`「${path.basename(input.packagePath)}」中找不到推荐汇总表（文件名含“汇总”或“推荐”的 .xlsx）`);
    const sheet = await readSummarySheet(source.sheetPath);
    if (sheet.rows.length === 0) throw new PackageError(`推荐汇总表中没有作品：${sheet.problems.map((p) => p.message).join('；')}`);
    const contestId = await createContest(db, {
      name: input.name,
      rulesYaml: input.rulesYaml,
      rulesSource: input.rulesSource,
      userId: input.userId,
    });
    const senders = [...new Set(sheet.rows.map((r) => r.recommender).filter((r): r is string => !!r))];
    const tree = await loadUnitTree(db, contestId);
    const ids: number[] = [];
    for (const name of senders) {
      const existing = tree.units.find((u) => u.name === name);
      ids.push(
        existing?.id ??
          (await addUnit(db, contestId, { name, kind: guessUnitKind(name, false), parentId: null, aliases: [] }, input.userId)),
      );
    }
    const summary = await importPath(db, contestId, source.sheetPath, {
      userId: input.userId,
      blobs: input.blobs,
      unitId: ids.length === 1 ? ids[0] : null,
    });
    return { contestId, summary };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}
