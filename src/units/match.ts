import { matchNamed } from '../ingest/categories.ts';
import type { Unit, UnitTree } from './tree.ts';

/** What a submission says about where it comes from, strongest first. */
export interface UnitClues {
  /** The unit the 汇总表 names (单位 / 推荐单位 column). */
  sheetUnit: string | null;
  /** The 区县 the 汇总表 names. */
  county: string | null;
  /** The school of the teacher folder (学段+学校+教师姓名). */
  folderSchool: string | null;
  /** The authors' 单位, first author first. */
  authorUnits: string[];
  /** Folder names from the import root down to the entry (a county's package has its name on top). */
  folders: string[];
}

export interface UnitMatch {
  unit: Unit | null;
  /** The clue the unit was found from, for the review page: 汇总表, 文件夹, 作者单位. */
  via: '汇总表' | '文件夹' | '作者单位' | null;
  /** The unit as the submission wrote it; kept when nothing matched, for the review page. */
  label: string | null;
}

const namesOf = (u: Unit) => [u.name, ...u.aliases];

/**
 * The unit an entry belongs to, matched with the same fuzzy rules as categories (exact name or alias
 * first, then the longest containment, ties unmatched). A county named by the sheet or a folder narrows
 * the search to its subtree, so two counties' 实验小学 are told apart; with no school found the entry
 * belongs to the county itself (a 区县 case from its 教育局).
 */
export function matchUnit(tree: UnitTree, clues: UnitClues): UnitMatch {
  // A root holding everything (the 市 of a city contest) is never the answer.
  const candidates = tree.units.filter((u) => !(u.parentId === null && tree.children(u.id).length > 0));
  const tops = candidates.filter((u) => u.parentId === null || tree.byId.get(u.parentId)?.parentId === null);
  let county: Unit | null = null;
  let countyVia: UnitMatch['via'] = null;
  for (const [label, via] of [[clues.county, '汇总表'] as const, ...clues.folders.map((f) => [f, '文件夹'] as const)]) {
    const exact = label ? tops.find((u) => namesOf(u).includes(label.trim())) : undefined;
    const found = exact ?? (via === '汇总表' ? matchNamed(label, tops, namesOf) : null);
    if (found) {
      [county, countyVia] = [found, via];
      break;
    }
  }
  const scope = county ? candidates.filter((u) => tree.subtree(county.id).has(u.id)) : candidates;
  const tries: [string | null, UnitMatch['via']][] = [
    [clues.sheetUnit, '汇总表'],
    [clues.folderSchool, '文件夹'],
    ...clues.authorUnits.map((u): [string, UnitMatch['via']] => [u, '作者单位']),
  ];
  for (const [label, via] of tries) {
    const unit = matchNamed(label, scope, namesOf);
    if (unit) return { unit, via, label };
  }
  const label = tries.find(([l]) => l)?.[0] ?? clues.county ?? null;
  return county ? { unit: county, via: countyVia, label } : { unit: null, via: null, label };
}
