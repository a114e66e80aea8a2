import type { Sql } from 'postgres';
import type { IssuedReportDigest, ReportPart } from '../services/run-report.js';
import type { Tx } from './client.js';

export type ReportFormat = 'json' | 'csv';

/** An issued export: its digest, the run's province (for unit checks) and how to read its bytes. */
export interface StoredReport {
  runId: string;
  format: ReportFormat;
  sha256: string;
  bytes: number;
  provinceCode: string;
  /** The export's text in order, a part (about a megabyte) at a time. */
  chunks(): AsyncIterable<string>;
}

/**
 * Issued reports. An export is stored as numbered parts (`run_report_parts`) and a row in
 * `run_reports` with its SHA-256, size and part count, all written in the run's finalize
 * transaction; both tables are append-only. Reports issued before parts existed keep their whole
 * body in `run_reports.body`.
 */
export class RunReportRepository {
  constructor(private readonly sql: Sql) {}

  /** A sink for ReportRenderer that stores each part in the caller's transaction. */
  partSink(tx: Tx, runId: string): (part: ReportPart) => Promise<void> {
    return async (part) => {
      await tx`insert into run_report_parts (run_id, format, part, body) values (${runId}, ${part.format}, ${part.part}, ${part.body})`;
    };
  }

  async issue(tx: Tx, runId: string, digests: readonly IssuedReportDigest[]): Promise<void> {
    for (const d of digests) {
      await tx`
        insert into run_reports (run_id, format, sha256, bytes, parts, body)
        values (${runId}, ${d.format}, ${d.sha256}, ${d.bytes}, ${d.parts}, null)`;
    }
  }

  async digests(runId: string): Promise<Array<{ format: ReportFormat; sha256: string; bytes: number }>> {
    return this.sql<{ format: ReportFormat; sha256: string; bytes: number }[]>`
      select format, sha256, bytes from run_reports where run_id = ${runId} order by format`;
  }

  async find(runId: string, format: ReportFormat): Promise<StoredReport | null> {
    const [row] = await this.sql<{ sha256: string; bytes: number; parts: number; legacy: boolean; provinceCode: string }[]>`
      select r.sha256, r.bytes, r.parts, r.body is not null as legacy, run.province_code as "provinceCode"
      from run_reports r join reconciliation_runs run on run.id = r.run_id
      where r.run_id = ${runId} and r.format = ${format}`;
    if (!row) return null;
    const sql = this.sql;
    return {
      runId,
      format,
      sha256: row.sha256,
      bytes: row.bytes,
      provinceCode: row.provinceCode,
      async *chunks() {
        if (row.legacy) {
          const [whole] = await sql<{ body: string }[]>`select body from run_reports where run_id = ${runId} and format = ${format}`;
          if (whole) yield whole.body;
          return;
        }
        // One part per query: an export of any size is read with a megabyte in memory.
        for (let part = 0; part < row.parts; part += 1) {
          const [piece] = await sql<{ body: string }[]>`
            select body from run_report_parts where run_id = ${runId} and format = ${format} and part = ${part}`;
          if (!piece) throw new Error(`report ${runId}.${format} lacks part ${part} of ${row.parts}`);
          yield piece.body;
        }
      },
    };
  }

  /** A whole export as text (tests, small runs). */
  async text(runId: string, format: ReportFormat): Promise<string | null> {
    const found = await this.find(runId, format);
    if (!found) return null;
    let text = '';
    for await (const chunk of found.chunks()) text += chunk;
    return text;
  }
}
