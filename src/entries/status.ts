/** Where an entry stands: the one list of statuses, their Chinese labels, and which of them count as valid. */

export type EntryStatus = 'submitted' | 'eligible' | 'returned' | 'disqualified' | 'withdrawn';

export const ENTRY_STATUSES: Record<EntryStatus, string> = {
  submitted: '已提交',
  eligible: '形式审查通过',
  returned: '退回修改',
  disqualified: '取消资格',
  withdrawn: '已撤回',
};

/** 有效作品: reviewed and ranked; disqualified, withdrawn and returned entries are not. */
export const VALID_STATUSES = ['submitted', 'eligible'] as const satisfies readonly EntryStatus[];
