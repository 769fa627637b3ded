import { cutRate } from '../rate-format.ts';
import { getContest } from '../../contests/index.ts';
import type { Db } from '../../db/connect.ts';
import type { SimilarityRun } from '../../db/schema.ts';
import type { FolderScan, ScanPair } from './folder-scan.ts';
import { listLibrary } from './library.ts';
import { unreadableDocuments } from './members.ts';
import { type DocInfo, describeDocuments, listCommon, listPairs, listReports } from './queries.ts';
import { scanSettingsSummary } from '../../db/columns.ts';

// cut, not rounded: a report never shows an unflagged document at the limit
const round = (x: number): number => cutRate(x, 4);

/** Where a document of a contest scan is, in the folder scan's terms: `编号 标题/文件名`, or `比对库/名称`. */
const pathOf = (d: DocInfo): string => (d.library ? `比对库/${d.fileName}` : d.code ? `${d.code} ${d.title}/${d.fileName}` : d.label);

/**
 * A stored run in the folder scan's report shape, so `scan --contest` prints, writes JSON and
 * writes the workbook exactly as `scan FOLDER` does. Errors are the entry files of the ranked
 * kinds whose text could not be read.
 */
export async function contestScanReport(db: Db, contestId: number, run: SimilarityRun): Promise<FolderScan> {
  const settings = scanSettingsSummary.read(run.settings_json);
  const [contest, { rows }, pairs, common, library, unreadable] = await Promise.all([
    getContest(db, contestId),
    listReports(db, run.id, { offset: 0, limit: 10_000_000 }),
    listPairs(db, run.id),
    listCommon(db, run.id),
    listLibrary(db, contestId),
    unreadableDocuments(db, contestId, settings.documentKinds),
  ]);
  const keys = [
    ...rows.flatMap((r) => [r.docKey, ...r.sources.map((s) => s.key)]),
    ...pairs.flatMap((p) => [p.aKey, p.bKey]),
    ...common.flatMap((c) => c.documents),
  ];
  const info = await describeDocuments(db, keys);
  const at = (key: string): string => {
    // describeDocuments answers every key (a deleted document with a placeholder).
    const doc = info.get(key);
    if (!doc) throw new Error(`Document ${key} was not described`);
    return pathOf(doc);
  };
  const scanPairs = pairs.map((p) => ({
    pair: {
      a: at(p.aKey),
      b: at(p.bKey),
      aShared: p.aShared,
      bShared: p.bShared,
      crossProject: p.crossProject,
      spans: p.spans,
    } satisfies ScanPair,
    suspect: p.suspect,
  }));
  return {
    report: {
      params: {
        folder: contest?.name ?? `竞赛 ${contestId}`,
        libraries: library.filter((l) => l.role === 'library').map((l) => l.name),
        templates: library.filter((l) => l.role === 'template').map((l) => l.name),
        threshold: settings.threshold,
        minMatch: settings.minMatch,
        commonMinShare: settings.commonMinShare,
        commonMinEntries: settings.commonMinEntries,
      },
      documents: rows.map((r) => ({
        path: at(r.docKey),
        category: r.category,
        countable: r.countable,
        templateChars: r.templateChars,
        duplicateChars: r.duplicateChars,
        rate: round(r.rate),
        rateExcludingQuotes: round(r.rateExcludingQuotes),
        maxSourceRate: round(r.maxSourceRate),
        flagged: r.flagged,
        sources: r.sources.map((s) => ({ path: at(s.key), library: s.library, sharedChars: s.sharedChars })),
      })),
      pairs: scanPairs.map((p) => p.pair),
      common: common.map((c) => ({ text: c.text, entries: c.entries, documents: c.documents.map(at) })),
      errors: unreadable.map((u) => ({ path: `${u.code} ${u.title}/${u.fileName}`, message: u.error ?? '无法读取文字' })),
    },
    suspects: scanPairs.filter((p) => p.suspect).map((p) => p.pair),
  };
}
