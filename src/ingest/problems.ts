/** Something wrong with one file or row, for the import report: where, and why in Chinese. */
export interface ImportProblem {
  /** Path relative to the imported folder or archive (`/`-separated), or `汇总表第 N 行`. */
  path: string;
  message: string;
}
