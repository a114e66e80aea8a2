import type { ArchiveFile, ArchiveFileFilter, ArchiveSource } from '../connectors/document-source.js';
import { summarizeDigitization, type DigitizationSummary } from '../connectors/government-documents/digitization-summary.js';
import type { DocumentPosition, DocumentQuery, DocumentRepository, DocumentRow } from '../db/document.repository.js';
import { withDeadline } from './deadline.js';
import type { Page } from './dossier-query.service.js';

export interface DigitizationReport {
  unitCode: string;
  files: number;
  pages: number;
  pagesDigitized: number;
  progress: number;
  permanentFiles: number;
  termFiles: number;
  byReceivingCommune: DigitizationSummary[];
  byFormerDistrict: DigitizationSummary[];
}

/** Documents from the hub's index; archive records live from the government document system. */
export class DocumentQueryService {
  constructor(
    private readonly documents: DocumentRepository,
    private readonly archives: ArchiveSource,
    private readonly deadlineMs: number,
  ) {}

  async page(query: DocumentQuery, after: DocumentPosition | null, first: number): Promise<Page<DocumentRow>> {
    const rows = await this.documents.page(query, after, first + 1);
    return { items: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  count(query: DocumentQuery): Promise<number> {
    return this.documents.count(query);
  }

  async byIds(ids: readonly string[]): Promise<Array<DocumentRow | null>> {
    const rows = await this.documents.byIds(ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Documents about each of the dossiers, in one query (for a DataLoader). */
  byDossierCodes(codes: readonly string[]): Promise<DocumentRow[][]> {
    return this.documents.byDossierCodes(codes);
  }

  archiveFiles(filter: ArchiveFileFilter): Promise<ArchiveFile[]> {
    return withDeadline(this.archives.system, this.deadlineMs * 3, this.archives.archiveFiles(filter));
  }

  /** Pages digitized of the archives a province or commune holds; pages, not files, measure progress. */
  async digitization(unitCode: string): Promise<DigitizationReport> {
    const files = await this.archiveFiles(unitCode.length === 2 ? { provinceCode: unitCode } : { communeCode: unitCode });
    const pages = files.reduce((sum, f) => sum + f.pageCount, 0);
    const pagesDigitized = files.reduce((sum, f) => sum + f.pagesDigitized, 0);
    return {
      unitCode,
      files: files.length,
      pages,
      pagesDigitized,
      progress: pages === 0 ? 0 : pagesDigitized / pages,
      permanentFiles: files.filter((f) => f.retention === 'PERMANENT').length,
      termFiles: files.filter((f) => f.retention !== 'PERMANENT').length,
      byReceivingCommune: summarizeDigitization(files, 'receivingCommuneCode'),
      byFormerDistrict: summarizeDigitization(files, 'formerDistrictName'),
    };
  }
}
