import crypto from 'node:crypto';
import type { Db } from '../../db/connect.ts';
import type { EntryStatus } from '../../db/schema.ts';
import { type BoardFilter, type EligibilityBoard, eligibilityBoard, type Verdict, VERDICT_LABELS } from '../../eligibility/store/board.ts';
import { ENTRY_STATUSES } from '../../entries/status.ts';
import { HttpError } from '../http-error.ts';
import { viewHelpers } from '../view-helpers.ts';

/** The board's filter as it arrives in a query string or a bulk-decision form: every field a string. */
export interface FilterFields {
  category?: string;
  status?: string;
  verdict?: string;
  check?: string;
  q?: string;
}

export const FILTER_FIELDS = ['category', 'status', 'verdict', 'check', 'q'] as const;

/** JSON-schema properties for the filter fields; the values themselves are checked by loadBoard (Chinese messages). */
export const filterProperties = Object.fromEntries(FILTER_FIELDS.map((f) => [f, { type: 'string' }])) as Record<
  (typeof FILTER_FIELDS)[number],
  { type: 'string' }
>;

/** The category value for entries not yet assigned to a category (BoardFilter uses ''). */
export const UNCATEGORISED = 'none';
const MAX_SEARCH = 100;

/** Statuses as the board names them: what the organizer decided, or 待审 before a decision. */
export const BOARD_STATUS_LABELS: Record<EntryStatus, string> = {
  submitted: '待审',
  eligible: '通过',
  returned: '退回修改',
  disqualified: '取消资格',
  withdrawn: '已撤回',
};

const invalid = (field: string, value: string, allowed: string) =>
  new HttpError(400, `筛选条件“${field}”的值“${value}”无效，应为：${allowed}`);

/** Field values checked without the board: status, verdict and search. */
function parseFields(f: FilterFields): BoardFilter {
  const filter: BoardFilter = {};
  if (f.status) {
    if (!(f.status in ENTRY_STATUSES)) throw invalid('审定状态', f.status, Object.values(BOARD_STATUS_LABELS).join('、'));
    filter.status = f.status as EntryStatus;
  }
  if (f.verdict) {
    if (!(f.verdict in VERDICT_LABELS)) throw invalid('检查结果', f.verdict, Object.values(VERDICT_LABELS).join('、'));
    filter.verdict = f.verdict as Verdict;
  }
  const q = f.q?.trim();
  if (q) {
    if ([...q].length > MAX_SEARCH) throw new HttpError(400, `搜索内容不能超过 ${MAX_SEARCH} 个字`);
    filter.q = q;
  }
  if (f.category) filter.category = f.category === UNCATEGORISED ? '' : f.category;
  if (f.check) filter.check = f.check;
  return filter;
}

/** Category and check ids exist only in the contest's data: checked against the board itself. */
function checkAgainstBoard(f: FilterFields, board: EligibilityBoard): void {
  const categories = board.counts.byCategory;
  if (f.category && !categories.some((c) => (c.key || UNCATEGORISED) === f.category)) {
    throw invalid('类别', f.category, categories.map((c) => c.name).join('、'));
  }
  const checkNames = new Set(board.checkIds.flatMap((id) => [id, id.split(':')[0]]));
  if (f.check && !checkNames.has(f.check)) {
    throw new HttpError(
      400,
      board.checkIds.length ? `筛选条件“检查项”的值“${f.check}”不是本竞赛的检查项` : '还没有运行过检查，不能按检查项筛选',
    );
  }
}

/**
 * The board for a filter given as strings (query string or form fields). A value that is not
 * one of the contest's categories, statuses, verdicts or check ids is a 400 with a Chinese message
 * naming the field, rather than an empty list that looks like a real answer.
 */
export interface LoadedBoard {
  board: EligibilityBoard;
  filter: BoardFilter;
}

export async function loadBoard(db: Db, contestId: number, fields: FilterFields): Promise<LoadedBoard> {
  const filter = parseFields(fields);
  const board = await eligibilityBoard(db, contestId, filter);
  checkAgainstBoard(fields, board);
  return { board, filter };
}

/** The filter back as form/query fields, for links, hidden inputs and the address bar. */
export function filterFields(filter: BoardFilter): Record<(typeof FILTER_FIELDS)[number], string> {
  return {
    category: filter.category === undefined ? '' : filter.category || UNCATEGORISED,
    status: filter.status ?? '',
    verdict: filter.verdict ?? '',
    check: filter.check ?? '',
    q: filter.q ?? '',
  };
}

export const boardUrl = (contestId: number, filter: BoardFilter = {}, extra: Record<string, string | number> = {}): string =>
  viewHelpers.url(`/contests/${contestId}/eligibility`, { ...filterFields(filter), ...extra });

/**
 * Identifies the exact set of entries a bulk decision was confirmed for: if the filter selects
 * different entries by the time it is applied (an import, another organizer), the confirmation
 * no longer holds.
 */
export const selectionToken = (entryIds: number[]): string =>
  crypto
    .createHash('sha256')
    .update([...entryIds].sort((a, b) => a - b).join(','))
    .digest('hex')
    .slice(0, 24);
