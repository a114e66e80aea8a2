import type { ArchiveFile } from '../document-source.js';

/** How far the digitisation of a group of archive records has got. */
export interface DigitizationSummary {
  /** The value grouped by: a commune code, a province code or a former district's name. */
  key: string;
  files: number;
  filesDigitized: number;
  filesInProgress: number;
  filesNotStarted: number;
  pages: number;
  pagesDigitized: number;
  /**
   * Pages digitised over pages held, 0–1 (0 when the group holds no pages). Pages, not files:
   * a file of 900 pages is not the same work as a file of 6, and file counts hide that.
   */
  progress: number;
}

export type DigitizationGrouping = 'receivingCommuneCode' | 'provinceCode' | 'formerDistrictName';

/** Totals per group, ordered by key. Pure: the same files give the same summary wherever it runs. */
export function summarizeDigitization(files: readonly ArchiveFile[], groupBy: DigitizationGrouping): DigitizationSummary[] {
  const groups = new Map<string, DigitizationSummary>();
  for (const file of files) {
    const key = file[groupBy];
    const group = groups.get(key) ?? {
      key,
      files: 0,
      filesDigitized: 0,
      filesInProgress: 0,
      filesNotStarted: 0,
      pages: 0,
      pagesDigitized: 0,
      progress: 0,
    };
    group.files += 1;
    if (file.digitization === 'DIGITIZED') group.filesDigitized += 1;
    else if (file.digitization === 'IN_PROGRESS') group.filesInProgress += 1;
    else group.filesNotStarted += 1;
    group.pages += file.pageCount;
    group.pagesDigitized += file.pagesDigitized;
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => ({ ...group, progress: group.pages === 0 ? 0 : group.pagesDigitized / group.pages }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
