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

/** A report's head: everything but its findings. */
export type ReportHead = Omit<ReportInput, 'findings'>;

/** One stored piece of an export: parts concatenated in order are the export, byte for byte. */
export interface ReportPart {
  format: 'json' | 'csv';
  part: number;
  body: string;
}

/** A finished export without its body: what the run records and an auditor checks against. */
export interface IssuedReportDigest {
  format: 'json' | 'csv';
  sha256: string;
  bytes: number;
  parts: number;
}

/** Parts are cut once they pass this many characters: an export never sits whole in memory. */
const PART_CHARS = 1 << 20;

/** What `JSON.stringify({ findings: [...] }, null, 2)` puts around the items of a page. */
const PAGE_HEAD = '{\n  "findings": [\n';
const PAGE_TAIL = '\n  ]\n}';

/** Orders findings as every export lists them: by dossier code, then class (code-unit order). */
export function compareFindings(a: { dossierCode: string; class: string }, b: { dossierCode: string; class: string }): number {
  return a.dossierCode < b.dossierCode ? -1 : a.dossierCode > b.dossierCode ? 1 : a.class < b.class ? -1 : a.class > b.class ? 1 : 0;
}

/**
 * Renders a run's report as JSON and CSV while its findings stream in, already in
 * {@link compareFindings} order, handing out parts of about a megabyte and hashing as it goes.
 * The same run always renders to the same bytes: keys and findings are sorted, instants are
 * ISO-8601 UTC, so the SHA-256 recorded when the run finished identifies the export an auditor
 * holds. The JSON is exactly `JSON.stringify(report, null, 2)` with a final newline.
 */
export class ReportRenderer {
  private readonly formats: Record<'json' | 'csv', { pending: string[]; size: number; parts: number; bytes: number; hash: ReturnType<typeof createHash> }>;
  private readonly jsonTail: string;
  private findings = 0;
  private last: { dossierCode: string; class: string } | null = null;

  constructor(
    head: ReportHead,
    private readonly sink: (part: ReportPart) => Promise<void>,
  ) {
    const fresh = () => ({ pending: [] as string[], size: 0, parts: 0, bytes: 0, hash: createHash('sha256') });
    this.formats = { json: fresh(), csv: fresh() };
    const document = {
      report: 'lienthong.reconciliation-run',
      formatVersion: REPORT_FORMAT_VERSION,
      run: {
        ...head.run,
        startedAt: iso(head.run.startedAt),
        finishedAt: iso(head.run.finishedAt),
        since: iso(head.run.since),
      },
      rules: head.rules,
      sources: head.sources.map((s) => ({ system: s.system, cursorFrom: s.cursorFrom, cursorTo: s.cursorTo, read: s.read, error: s.error })),
      totals: sortKeysDeep(head.totals),
      findings: [],
    };
    // `findings` is the last key: the pretty-printed head ends in `"findings": []\n}`.
    const whole = JSON.stringify(document, null, 2);
    const empty = '[]\n}';
    if (!whole.endsWith(empty)) throw new Error('the report head must end with its findings');
    this.jsonTail = whole.slice(0, -empty.length);
    this.push('csv', `${CSV_COLUMNS.join(',')}\r\n`);
  }

  /** Adds findings that follow every finding added before (in {@link compareFindings} order). */
  async add(findings: readonly ReportFinding[]): Promise<void> {
    if (findings.length === 0) return;
    const ordered = new Array<unknown>(findings.length);
    const csv = new Array<string>(findings.length);
    for (const [i, f] of findings.entries()) {
      if (this.last && compareFindings(this.last, f) >= 0) throw new Error(`findings out of order at ${f.dossierCode} ${f.class}`);
      this.last = f;
      ordered[i] = sortKeysDeep(f);
      csv[i] = `${csvLine(f)}\r\n`;
    }
    // One native stringify for the page, at the depth findings sit in the report (items indented by
    // four), in place of one per finding re-indented afterwards: the same bytes.
    const page = JSON.stringify({ findings: ordered }, null, 2);
    const items = page.slice(PAGE_HEAD.length, page.length - PAGE_TAIL.length);
    this.push('json', this.findings === 0 ? `${this.jsonTail}[\n${items}` : `,\n${items}`);
    this.push('csv', csv.join(''));
    this.findings += findings.length;
    await this.flush(false);
  }

  /** Ends both exports and returns their digests. */
  async finish(): Promise<IssuedReportDigest[]> {
    this.push('json', this.findings === 0 ? `${this.jsonTail}[]\n}\n` : '\n  ]\n}\n');
    await this.flush(true);
    return (['json', 'csv'] as const).map((format) => {
      const f = this.formats[format];
      return { format, sha256: f.hash.digest('hex'), bytes: f.bytes, parts: f.parts };
    });
  }

  private push(format: 'json' | 'csv', text: string): void {
    const f = this.formats[format];
    f.pending.push(text);
    f.size += text.length;
  }

  private async flush(all: boolean): Promise<void> {
    for (const format of ['json', 'csv'] as const) {
      const f = this.formats[format];
      if (f.size === 0 || (!all && f.size < PART_CHARS)) continue;
      const body = f.pending.join('');
      f.pending = [];
      f.size = 0;
      f.hash.update(body, 'utf8');
      f.bytes += Buffer.byteLength(body, 'utf8');
      await this.sink({ format, part: f.parts, body });
      f.parts += 1;
    }
  }
}

/** Renders a whole report in memory (small runs and tests); the same bytes as {@link ReportRenderer}. */
export async function renderRunReport(input: ReportInput): Promise<IssuedReport[]> {
  const bodies: Record<'json' | 'csv', string[]> = { json: [], csv: [] };
  const renderer = new ReportRenderer(input, (part) => {
    bodies[part.format].push(part.body);
    return Promise.resolve();
  });
  await renderer.add([...input.findings].sort(compareFindings));
  const digests = await renderer.finish();
  return digests.map((d) => ({ format: d.format, body: bodies[d.format].join(''), sha256: d.sha256, bytes: d.bytes }));
}

function csvLine(f: ReportFinding): string {
  const statusOf = (system: string) => {
    const side = f.observed[system];
    return side ? `${text(side.status)}/${text(side.nativeStatus)}` : '';
  };
  return [
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
    .join(',');
}

export function sha256Hex(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
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

/**
 * The value with the keys of every object in code-unit order (how reports stay the same bytes),
 * instants as ISO-8601. Objects whose keys are in order already are copied without sorting.
 */
function sortKeysDeep<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString() as T;
  if (Array.isArray(value)) return value.map((v: unknown) => sortKeysDeep(v)) as T;
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  for (let i = 1; i < keys.length; i += 1) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      keys.sort();
      break;
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = sortKeysDeep(source[key]);
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}
