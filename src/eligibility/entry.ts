import { authorLimitsFor, type CategoryRules, materialsFor, type RuleSet } from '../rules/schema.ts';
import { checkAnonymity } from './anonymity.ts';
import { checkAuthors, personKey } from './authors.ts';
import { checkKeywords, checkSectionLengths, checkSections, checkTitle, checkWords } from './documents.ts';
import { checkTypesetting, type DocxLayout } from './format.ts';
import { checkHistory, type PriorAward } from './history.ts';
import { checkRegistration } from './registration.ts';
import { assignFiles, checkFileTypes, checkPresence, checkSizes, checkTotalSize } from './materials.ts';
import type { CheckResult, EntryAuthor, EntryFile } from './types.ts';
import { checkVideos, isVideoFile, type VideoInfo } from './video.ts';

/** One entry with everything its checks read. */
export interface EntryForCheck {
  id: number;
  code: string;
  title: string;
  groupName: string | null;
  /** Rule-set key of its category; null while unclassified. */
  categoryKey: string | null;
  /** Category as written in the submission, when it matched none. */
  categoryLabel: string | null;
  authors: EntryAuthor[];
  files: EntryFile[];
}

export interface CheckContext {
  ruleSet: RuleSet;
  /** Per category key: codes of the works of each first author (authors.personKey), for 每人限报 N 件. */
  firstAuthorWorks: Map<string, Map<string, string[]>>;
  /** The contest's 往届获奖名单; null when none was uploaded (no history check). */
  priorAwards: PriorAward[] | null;
  /** Typesetting of a .docx read from its stored bytes, or why it could not be read. */
  layoutOf: (f: EntryFile) => DocxLayout | string | undefined;
  /** Headers of a video read from its stored bytes, or why they could not be read. */
  videoOf: (f: EntryFile) => VideoInfo | string | undefined;
}

/** The entry's category when it takes part; otherwise the single result explaining why nothing else is checked. */
function categoryOf(entry: EntryForCheck, ruleSet: RuleSet): { category: CategoryRules; result: CheckResult } | CheckResult {
  const category = ruleSet.categories.find((c) => c.key === entry.categoryKey);
  if (!category) {
    const written = entry.categoryLabel ? `（提交时写的是“${entry.categoryLabel}”）` : '';
    return { id: 'category', status: 'fail', message: `未能确定参赛类别${written}，请先人工归类` };
  }
  if (!category.acceptsEntries)
    return {
      id: 'category',
      status: 'fail',
      message: `“${category.name}”不参与本级评选${category.division ? `（${category.division}）` : ''}，不应在此报送`,
    };
  if (category.groups.length && !category.groups.some((g) => g.name === entry.groupName)) {
    const names = category.groups.map((g) => g.name).join('、');
    const message = entry.groupName
      ? `${category.name}：${category.groupLabel}“${entry.groupName}”不在规定的${category.groupLabel}（${names}）中`
      : `${category.name}：未确定${category.groupLabel}（${names}）`;
    if (entry.groupName && category.otherGroups === 'fail')
      return {
        category,
        result: {
          id: 'category',
          status: 'fail',
          message: `${category.name}仅面向${names}，${category.groupLabel}“${entry.groupName}”不在其列`,
        },
      };
    return { category, result: { id: 'category', status: 'warn', message } };
  }
  return { category, result: { id: 'category', status: 'pass', message: [category.name, entry.groupName].filter(Boolean).join('·') } };
}

/** Files whose stored bytes a check reads: .docx files with typesetting rules, videos with video rules. */
export function filesToRead(entry: EntryForCheck, ruleSet: RuleSet): { layouts: EntryFile[]; videos: EntryFile[] } {
  const category = ruleSet.categories.find((c) => c.key === entry.categoryKey);
  if (!category?.acceptsEntries) return { layouts: [], videos: [] };
  const materials = materialsFor(category, entry.groupName);
  const { byMaterial } = assignFiles(materials, entry.files);
  const layouts: EntryFile[] = [];
  const videos: EntryFile[] = [];
  materials.forEach((m, i) => {
    if (m.format) layouts.push(...byMaterial[i].filter((f) => f.ext === 'docx'));
    if (m.video || category.video) videos.push(...byMaterial[i].filter(isVideoFile));
  });
  return { layouts, videos };
}

/** Every check the rule set asks of this entry, in the order an official reads them. */
export function checkEntry(entry: EntryForCheck, ctx: CheckContext): CheckResult[] {
  const found = categoryOf(entry, ctx.ruleSet);
  if (!('category' in found)) return [found];
  const { category } = found;
  const results: CheckResult[] = [found.result];
  const push = (r: CheckResult | null) => {
    if (r) results.push(r);
  };

  push(checkTitle(entry.title, category));
  const first = entry.authors[0];
  const works = first ? (ctx.firstAuthorWorks.get(category.key)?.get(personKey(first)) ?? [entry.code]) : [];
  results.push(...checkAuthors(entry.authors, authorLimitsFor(category, entry.groupName), works));

  const materials = materialsFor(category, entry.groupName);
  const { byMaterial, unassigned } = assignFiles(materials, entry.files);
  materials.forEach((m, i) => {
    const files = byMaterial[i];
    push(checkPresence(m, files, unassigned));
    push(checkFileTypes(m, files, ctx.ruleSet.formatAliases));
    push(checkSizes(m, files));
    push(checkWords(m, files));
    push(checkSections(m, files));
    push(checkSectionLengths(m, files));
    push(checkKeywords(m, files));
    push(checkTypesetting(m, files, ctx.layoutOf));
    results.push(...checkVideos(category, m, files, ctx.videoOf));
  });
  push(checkTotalSize(category, entry.files));
  push(
    checkRegistration(
      entry.title,
      entry.authors,
      materials.flatMap((m, i) => (m.kind === '信息表' ? byMaterial[i] : [])),
    ),
  );
  if (ctx.priorAwards) push(checkHistory(entry.title, entry.authors, ctx.priorAwards));
  if (ctx.ruleSet.blind) {
    // The documents reviewers judge as the work (the rule set's documentKinds, e.g. 案例介绍), not forms or evidence.
    const kinds: string[] = ctx.ruleSet.similarity.documentKinds;
    push(
      checkAnonymity(
        entry.authors,
        materials.flatMap((m, i) => (kinds.includes(m.kind) ? byMaterial[i] : [])),
      ),
    );
  }
  return results;
}
