import { contestRuleSet } from '../../contests/index.ts';
import type { Db } from '../../db/connect.ts';
import { sha256Of } from '../../storage/blobs.ts';
import { DEFAULT_OPTIONS, type SimilarityOptions } from '../types.ts';
import type { ScanSettingsSummary } from '../../db/columns.ts';

/** What a contest's scan compares with what, from its rule set, uploaded templates and the organizer's exclusions. */
export interface ScanSettings {
  options: Pick<SimilarityOptions, 'threshold' | 'minMatch'>;
  /** File kinds (案例介绍 …) whose documents are ranked. */
  documentKinds: string[];
  /** Texts not counted: the rule set's template text, uploaded templates, excluded common passages. */
  templates: string[];
  /** For the run record and the pages. */
  summary: ScanSettingsSummary;
  /** Changes whenever anything here changes the results. */
  signature: string;
}

export async function loadScanSettings(db: Db, contestId: number): Promise<ScanSettings> {
  const { similarity } = await contestRuleSet(db, contestId);
  // the engine's k-gram length: shorter passages would match everywhere
  if (similarity.minMatch < 4) throw new Error(`规则中的查重最短匹配长度 minMatch 为 ${similarity.minMatch}，至少应为 4 个字`);
  const [templateFiles, exclusions] = await Promise.all([
    db
      .selectFrom('similarity_library')
      .select(['name', 'text'])
      .where('contest_id', '=', contestId)
      .where('role', '=', 'template')
      .orderBy('id')
      .execute(),
    db.selectFrom('similarity_exclusions').select('text').where('contest_id', '=', contestId).orderBy('id').execute(),
  ]);
  const options = { threshold: similarity.threshold, minMatch: similarity.minMatch };
  const templates = [...similarity.templateText, ...templateFiles.map((t) => t.text), ...exclusions.map((e) => e.text)];
  const documentKinds = [...similarity.documentKinds];
  return {
    options,
    documentKinds,
    templates,
    summary: {
      ...options,
      commonMinShare: DEFAULT_OPTIONS.commonMinShare,
      commonMinEntries: DEFAULT_OPTIONS.commonMinEntries,
      documentKinds,
      ruleTemplateTexts: similarity.templateText.length,
      templateFiles: templateFiles.map((t) => t.name),
      exclusions: exclusions.length,
    },
    signature: sha256Of(Buffer.from(JSON.stringify({ options, documentKinds, templates }))),
  };
}
