import type { Role } from '../db/schema.ts';
import { ORGANIZERS } from './auth/access.ts';

/** One tab of a contest's pages; a feature adds its tab here (e.g. 形式审查, 查重, 评审, 评奖). */
export interface ContestTab {
  key: string;
  label: string;
  /** Path under `/contests/:id`, '' for the contest home. */
  path: string;
  roles: readonly Role[];
}

export const CONTEST_TABS: readonly ContestTab[] = [
  { key: 'home', label: '概况', path: '', roles: ORGANIZERS },
  { key: 'entries', label: '作品', path: '/entries', roles: ORGANIZERS },
  { key: 'imports', label: '导入', path: '/imports', roles: ORGANIZERS },
];

export const tabsFor = (role: Role): ContestTab[] => CONTEST_TABS.filter((t) => t.roles.includes(role));
