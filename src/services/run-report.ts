import { createHash } from 'node:crypto';

/** The authority rules a run applied, as reports show them. */
export interface ReportRules {
  version: string;
  rules: ReadonlyArray<{ id: string; statement: string }>;
}

export interface ReportFinding {
  dossierCode: string;
  class: string;
  communeCode: string;
  procedureCode: string;
  laggingSystems: string[];
  leadingSystem: string | null;
  expectedStatus: string | null;
  settledBy: string | null;
  pendingSync: boolean;
  observed: Record<string, Record<string, unknown>>;
  detail: string;
  timelinessBefore: string | null;
  timelinessAfter: string | null;
  /** Corrections of this run for the dossier and class: `{system}:{action}:{state}`. */
  corrections: string[];
}

export interface ReportInput {
  run: {
    id: string;
    provinceCode: string;
    kind: string;
    mode: string;
    trigger: string;
    dryRun: boolean;
    status: string;
    failureReason: string | null;
    startedAt: Date | null;
    finishedAt: Date | null;
    since: Date | null;
    toleranceSeconds: number;
    dossiersCompared: number;
  };
  rules: ReportRules;
  sources: ReadonlyArray<{ system: string; cursorFrom: string | null; cursorTo: string | null; read: number; error: { code: string; message: string } | null }>;
  totals: RunTotals;
  findings: readonly ReportFinding[];
}

export interface RunTotals {
  mismatches: number;
  pendingSync: number;
  byClass: Record<string, number>;
  pendingByClass: Record<string, number>;
  byCommune: Record<string, number>;
  byProcedure: Record<string, number>;
  /** Decision 766: dossiers whose timeliness changes once corrected statuses apply, `BEFORE→AFTER`. */
  timelinessChanges: Record<string, number>;
  corrections: Record<string, number>;
}

export interface IssuedReport {
  format: 'json' | 'csv';
  body: string;
  sha256: string;
  bytes: number;
}

export const REPORT_FORMAT_VERSION = 1;

const CSV_COLUMNS = [
  'dossier_code',
  'class',
  'pending_sync',
  'commune_code',
  'procedure_code',
  'lagging_systems',
  'leading_system',
  'expected_status',
  'settled_by',
  'provincial_status',
  'specialized_status',
  'national_portal_status',
  'timeliness_before',
  'timeliness_after',
  'corrections',
  'detail',
] as const;

/**
 * Renders a run's report as JSON and CSV. The same run always renders to the same bytes: keys
 * and findings are sorted, instants are ISO-8601 UTC, so the SHA-256 recorded when the run
 * finished identifies the export an auditor holds.
 */
export function renderRunReport(input: ReportInput): IssuedReport[] {
  const findings = [...input.findings].sort((a, b) => (a.dossierCode < b.dossierCode ? -1 : a.dossierCode > b.dossierCode ? 1 : a.class < b.class ? -1 : a.class > b.class ? 1 : 0));
  const document = {
    report: 'lienthong.reconciliation-run',
    formatVersion: REPORT_FORMAT_VERSION,
    run: {
      ...input.run,
      startedAt: iso(input.run.startedAt),
      finishedAt: iso(input.run.finishedAt),
      since: iso(input.run.since),
    },
    rules: input.rules,
    sources: input.sources.map((s) => ({ system: s.system, cursorFrom: s.cursorFrom, cursorTo: s.cursorTo, read: s.read, error: s.error })),
    totals: sortKeysDeep(input.totals),
    findings: findings.map((f) => sortKeysDeep(f)),
  };
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const lines = [CSV_COLUMNS.join(',')];
  for (const f of findings) {
    const statusOf = (system: string) => {
      const side = f.observed[system];
      return side ? `${text(side.status)}/${text(side.nativeStatus)}` : '';
    };
    lines.push(
      [
        f.dossierCode,
        f.class,
        f.pendingSync ? 'true' : 'false',
        f.communeCode,
        f.procedureCode,
        f.laggingSystems.join(' '),
        f.leadingSystem ?? '',
        f.expectedStatus ?? '',
        f.settledBy ?? '',
        statusOf('provincial'),
        statusOf('specialized'),
        statusOf('national-portal'),
        f.timelinessBefore ?? '',
        f.timelinessAfter ?? '',
        f.corrections.join(' '),
        f.detail,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  const csv = `${lines.join('\r\n')}\r\n`;
  return [issued('json', json), issued('csv', csv)];
}

export function sha256Hex(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

function issued(format: 'json' | 'csv', body: string): IssuedReport {
  return { format, body, sha256: sha256Hex(body), bytes: Buffer.byteLength(body) };
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

/** RFC 4180 cell; a leading =, +, - or @ is prefixed with ' so spreadsheets never run it as a formula. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => sortKeysDeep(v)) as T;
  if (value instanceof Date) return value.toISOString() as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeysDeep((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}
