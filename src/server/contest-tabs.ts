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
  { key: 'eligibility', label: '形式审查', path: '/eligibility', roles: ORGANIZERS },
  { key: 'similarity', label: '查重', path: '/similarity', roles: ORGANIZERS },
  { key: 'suspects', label: '一稿多投', path: '/suspects', roles: ORGANIZERS },
  { key: 'experts', label: '专家', path: '/experts', roles: ORGANIZERS },
  { key: 'assignments', label: '评审分配', path: '/assignments', roles: ORGANIZERS },
  { key: 'progress', label: '评审进度', path: '/progress', roles: ORGANIZERS },
  { key: 'awards', label: '评奖', path: '/awards', roles: ORGANIZERS },
];

export const tabsFor = (role: Role): ContestTab[] => CONTEST_TABS.filter((t) => t.roles.includes(role));
