import type { Role } from '../db/schema.ts';
import { ADMINS, ORGANIZERS } from './auth/access.ts';
import { TERMS } from '../util/terms.ts';

/** One tab of a contest's pages; a feature adds its tab here (e.g. 形式审查, 查重, 评审, 评奖). */
export interface ContestTab {
  key: string;
  label: string;
  /** Path under `/contests/:id`, '' for the contest home. */
  path: string;
  roles: readonly Role[];
}

export const CONTEST_TABS: readonly ContestTab[] = [
  { key: 'home', label: TERMS.overview, path: '', roles: ORGANIZERS },
  { key: 'entries', label: TERMS.entries, path: '/entries', roles: ORGANIZERS },
  { key: 'imports', label: TERMS.imports, path: '/imports', roles: ORGANIZERS },
  { key: 'units', label: '单位与名额', path: '/units', roles: ORGANIZERS },
  { key: 'eligibility', label: TERMS.eligibility, path: '/eligibility', roles: ORGANIZERS },
  { key: 'similarity', label: TERMS.similarity, path: '/similarity', roles: ORGANIZERS },
  { key: 'suspects', label: TERMS.suspects, path: '/suspects', roles: ORGANIZERS },
  { key: 'experts', label: TERMS.experts, path: '/experts', roles: ORGANIZERS },
  { key: 'assignments', label: TERMS.assignments, path: '/assignments', roles: ORGANIZERS },
  { key: 'progress', label: TERMS.progress, path: '/progress', roles: ORGANIZERS },
  { key: 'awards', label: TERMS.awards, path: '/awards', roles: ORGANIZERS },
  { key: 'rules', label: TERMS.rules, path: '/rules', roles: ORGANIZERS },
  { key: 'members', label: TERMS.members, path: '/members', roles: ADMINS },
];

export const tabsFor = (role: Role): ContestTab[] => CONTEST_TABS.filter((t) => t.roles.includes(role));
