import { normalizeLabel } from '../rules/match.ts';

/**
 * The submitting units of a contest (报送单位): 市 → 区县 / 开发区 / 市管学校 → 学校 in a city contest,
 * 省 at the national level. Entries belong to a unit; quotas and deadlines are counted per unit.
 * Pure: the store (src/units/store/) reads and writes the rows.
 */

export const UNIT_KINDS = ['省', '市', '区县', '开发区', '市管学校', '学校', '其他'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export interface Unit {
  id: number;
  parentId: number | null;
  name: string;
  kind: UnitKind;
  /** Other names entrants write (简称, 旧称): matched like the name. */
  aliases: string[];
}

/** One row of a unit list as an organizer writes it (.xlsx/.csv or the browser form). */
export interface UnitRow {
  /** Row number in the sheet, for messages. */
  row: number;
  name: string;
  kind: UnitKind;
  /** Name of the parent unit; null for a top-level unit. */
  parent: string | null;
  aliases: string[];
}

export interface UnitListProblem {
  row: number;
  message: string;
}

const KIND_SPELLINGS: [UnitKind, RegExp][] = [
  ['开发区', /开发区|高新区|新区|园区/],
  ['市管学校', /市管|市直|市属/],
  ['区县', /^(区县|县区|县|区|县级市|县（市）区|县\(市\)区|县市区|旗)$/],
  ['省', /^(省|自治区|直辖市|省级)$/],
  ['市', /^(市|地市|市级|地级市)$/],
  ['学校', /^(学校|幼儿园|中学|小学|学校\/幼儿园)$/],
  ['其他', /^(其他|其他单位|单位|机构)$/],
];

/** The kind a sheet's 类型 cell names, or null. */
export function parseUnitKind(text: string): UnitKind | null {
  const t = normalizeLabel(text);
  if (!t) return null;
  if ((UNIT_KINDS as readonly string[]).includes(t)) return t as UnitKind;
  return KIND_SPELLINGS.find(([, re]) => re.test(t))?.[0] ?? null;
}

/** A unit's kind guessed from its name when the list leaves 类型 blank. */
export function guessUnitKind(name: string, hasParent: boolean): UnitKind {
  if (/开发区|高新区|新区$|园区$/.test(name)) return '开发区';
  if (/(省|自治区)$/.test(name)) return '省';
  if (/(幼儿园|小学|中学|学校|学院|大学|中专|附中|附小|一中|二中|三中|完小|中心校)$/.test(name)) return hasParent ? '学校' : '市管学校';
  if (/(县|区|旗|县级市)$/.test(name) || (hasParent && /市$/.test(name))) return '区县';
  if (/市$/.test(name)) return '市';
  return '其他';
}

const HEADERS: [keyof Omit<UnitRow, 'row'>, RegExp][] = [
  ['name', /^(单位|单位名称|名称|学校|学校名称|区县|报送单位|推荐单位)$/],
  ['kind', /^(类型|单位类型|类别|级别|层级)$/],
  ['parent', /^(上级|上级单位|所属|所属单位|所属区县|区县\(上级\)|主管单位)$/],
  ['aliases', /^(别名|简称|其他名称|曾用名)$/],
];

const headerOf = (cell: string) =>
  cell
    .replace(/[\s*＊:：]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')');
const splitList = (text: string) =>
  text
    .split(/[、，,；;/|]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Rows of a unit list given as a grid of cell texts (`grid[0]` is row 1). The header is the first row among
 * the first ten naming a 单位 column. A sheet without a 上级 column may be laid out as a tree instead:
 * a 区县 column and a 学校 column, each school under the county on its row.
 */
export function parseUnitList(grid: string[][]): { rows: UnitRow[]; problems: UnitListProblem[] } {
  const problems: UnitListProblem[] = [];
  let headerIndex = -1;
  let columns: Partial<Record<keyof Omit<UnitRow, 'row'>, number>> = {};
  let treeColumns: { county: number; school: number } | null = null;
  for (let i = 0; i < Math.min(10, grid.length) && headerIndex < 0; i++) {
    const cells = grid[i].map(headerOf);
    const county = cells.findIndex((c) => /^(区县|县区|所属区县|县\(市\)区|县市区)$/.test(c));
    const school = cells.findIndex((c) => /^(学校|学校名称|学校\/单位)$/.test(c));
    if (county >= 0 && school >= 0 && !cells.some((c) => HEADERS[2][1].test(c))) {
      [headerIndex, treeColumns] = [i, { county, school }];
      break;
    }
    const found: typeof columns = {};
    cells.forEach((c, col) => {
      const field = HEADERS.find(([, re]) => re.test(c))?.[0];
      if (field && found[field] === undefined) found[field] = col;
    });
    if (found.name !== undefined) [headerIndex, columns] = [i, found];
  }
  if (headerIndex < 0)
    return { rows: [], problems: [{ row: 1, message: '单位名单中找不到表头：需要一行包含“单位名称”（或“区县”“学校”）列' }] };
  const rows: UnitRow[] = [];
  const cell = (cells: string[], col: number | undefined) => (col === undefined ? '' : (cells[col] ?? '').trim());
  grid.slice(headerIndex + 1).forEach((cells, k) => {
    const row = headerIndex + k + 2;
    if (cells.every((c) => !c?.trim())) return;
    if (treeColumns) {
      const county = cell(cells, treeColumns.county);
      const school = cell(cells, treeColumns.school);
      if (county && !rows.some((r) => r.name === county && r.parent === null))
        rows.push({ row, name: county, kind: guessUnitKind(county, false), parent: null, aliases: [] });
      if (school)
        rows.push({ row, name: school, kind: county ? '学校' : guessUnitKind(school, false), parent: county || null, aliases: [] });
      return;
    }
    const name = cell(cells, columns.name);
    if (!name) {
      problems.push({ row, message: `第 ${row} 行缺少单位名称，此行未导入` });
      return;
    }
    const parent = cell(cells, columns.parent) || null;
    const kindText = cell(cells, columns.kind);
    const kind = kindText ? parseUnitKind(kindText) : guessUnitKind(name, parent !== null);
    if (!kind) {
      problems.push({ row, message: `第 ${row} 行的单位类型“${kindText}”无法识别（可填：${UNIT_KINDS.join('、')}），此行未导入` });
      return;
    }
    rows.push({ row, name, kind, parent, aliases: splitList(cell(cells, columns.aliases)) });
  });
  return { rows, problems };
}

/**
 * Checks a list of unit rows as one tree: names unique under one parent, parents present in the list or
 * among `existing`, no cycles. Rows come back parents first, so they can be inserted in order.
 */
export function orderUnitRows(
  rows: UnitRow[],
  existing: readonly Pick<Unit, 'name'>[] = [],
): { rows: UnitRow[]; problems: UnitListProblem[] } {
  const problems: UnitListProblem[] = [];
  const seen = new Map<string, number>();
  const kept: UnitRow[] = [];
  for (const r of rows) {
    const key = `${r.parent ?? ''}\u0000${r.name}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push({ row: r.row, message: `第 ${r.row} 行的“${r.name}”与第 ${earlier} 行重复，此行未导入` });
      continue;
    }
    seen.set(key, r.row);
    kept.push(r);
  }
  const known = new Set(existing.map((u) => u.name));
  const ordered: UnitRow[] = [];
  let pending = kept;
  while (pending.length) {
    const ready = pending.filter((r) => r.parent === null || known.has(r.parent));
    if (ready.length === 0) break;
    for (const r of ready) {
      ordered.push(r);
      known.add(r.name);
    }
    pending = pending.filter((r) => !ready.includes(r));
  }
  for (const r of pending) {
    problems.push({ row: r.row, message: `第 ${r.row} 行的上级单位“${r.parent}”不在名单中，此行未导入` });
  }
  return { rows: ordered, problems };
}

/** Units by id, with helpers to walk the tree. */
export class UnitTree {
  readonly byId: Map<number, Unit>;
  constructor(readonly units: readonly Unit[]) {
    this.byId = new Map(units.map((u) => [u.id, u]));
  }

  /** The unit and its ancestors, the unit first. */
  chain(id: number | null): Unit[] {
    const out: Unit[] = [];
    for (
      let u = id === null ? undefined : this.byId.get(id);
      u && out.length < 32;
      u = u.parentId === null ? undefined : this.byId.get(u.parentId)
    )
      out.push(u);
    return out;
  }

  /** 区县 / 开发区 / 市管学校 / 省: the top-level unit an entry is sent through (a 市 root is skipped). */
  submitting(id: number | null): Unit | null {
    const chain = this.chain(id).reverse();
    const top = chain[0]?.kind === '市' && chain.length > 1 ? chain[1] : chain[0];
    return top ?? null;
  }

  /** The school-level unit (学校 or 市管学校) in the chain, if any. */
  school(id: number | null): Unit | null {
    return this.chain(id).find((u) => u.kind === '学校' || u.kind === '市管学校') ?? null;
  }

  /** The nearest unit of the chain whose kind is one of `kinds`. */
  ofKind(id: number | null, kinds: readonly UnitKind[]): Unit | null {
    return this.chain(id).find((u) => kinds.includes(u.kind)) ?? null;
  }

  /** `杭州市 / 西湖区 / 实验小学` */
  path(id: number | null): string {
    return this.chain(id)
      .reverse()
      .map((u) => u.name)
      .join(' / ');
  }

  children(parentId: number | null): Unit[] {
    return this.units.filter((u) => u.parentId === parentId);
  }

  /** The unit and everything below it. */
  subtree(id: number): Set<number> {
    const out = new Set<number>([id]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const u of this.units) {
        if (u.parentId !== null && out.has(u.parentId) && !out.has(u.id)) {
          out.add(u.id);
          grew = true;
        }
      }
    }
    return out;
  }
}
