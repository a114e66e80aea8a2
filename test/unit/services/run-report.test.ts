import { describe, expect, it } from 'vitest';
import { ReportRenderer, compareFindings, renderRunReport, sha256Hex, type ReportFinding, type ReportHead, type ReportPart } from '../../../src/services/run-report.js';

const head: ReportHead = {
  run: {
    id: '00000000-0000-4000-8000-000000000001',
    provinceCode: '96',
    kind: 'DOSSIERS',
    mode: 'FULL',
    trigger: 'SCHEDULE',
    dryRun: true,
    status: 'SUCCEEDED',
    failureReason: null,
    startedAt: new Date('2026-11-22T01:00:00Z'),
    finishedAt: new Date('2026-11-22T01:01:00Z'),
    since: null,
    toleranceSeconds: 900,
    dossiersCompared: 3,
  },
  rules: { version: 'test-1', rules: [{ id: 'R1', statement: 'the provincial system is authoritative for receipt' }] },
  sources: [{ system: 'provincial', cursorFrom: null, cursorTo: 'c1', read: 3, error: null }],
  totals: { mismatches: 2, pendingSync: 0, byClass: { STATUS_BEHIND: 2 }, pendingByClass: {}, byCommune: { '01001': 2 }, byProcedure: {}, timelinessChanges: {}, corrections: {} },
};

function finding(n: number, cls = 'STATUS_BEHIND'): ReportFinding {
  return {
    dossierCode: `G22.96-${String(n).padStart(8, '0')}`,
    class: cls,
    communeCode: '01001',
    procedureCode: '1.001',
    laggingSystems: ['national-portal'],
    leadingSystem: 'specialized',
    expectedStatus: 'RESOLVED',
    settledBy: 'R3',
    pendingSync: false,
    observed: { provincial: { status: 'PROCESSING', nativeStatus: '4' }, specialized: { status: 'RESOLVED', nativeStatus: 'DA_XU_LY' } },
    detail: 'a "quoted", detail\nwith a newline',
    timelinessBefore: 'IN_PROGRESS',
    timelinessAfter: 'ON_TIME',
    corrections: ['national-portal:STATUS:PLANNED'],
  };
}

/** The report as one document, rendered the plain way: what the streamed parts must equal. */
function plainJson(findings: ReportFinding[]): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v instanceof Date
        ? v.toISOString()
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
          : v;
  const document = {
    report: 'lienthong.reconciliation-run',
    formatVersion: 1,
    run: { ...head.run, startedAt: '2026-11-22T01:00:00.000Z', finishedAt: '2026-11-22T01:01:00.000Z', since: null },
    rules: head.rules,
    sources: head.sources,
    totals: sortKeys(head.totals),
    findings: findings.map(sortKeys),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

describe('run reports rendered while findings stream in', () => {
  it('renders exactly the pretty-printed document, with and without findings, in any input order', async () => {
    const findings = [finding(3), finding(1, 'MISSING_IN_PROVINCIAL'), finding(1, 'DUE_DATE_DIVERGED'), finding(2)];
    const [json, csv] = await renderRunReport({ ...head, findings });
    expect(json?.body).toBe(plainJson([...findings].sort(compareFindings)));
    expect((JSON.parse(json?.body ?? '') as { findings: ReportFinding[] }).findings.map((f) => `${f.dossierCode} ${f.class}`)).toEqual([
      'G22.96-00000001 DUE_DATE_DIVERGED',
      'G22.96-00000001 MISSING_IN_PROVINCIAL',
      'G22.96-00000002 STATUS_BEHIND',
      'G22.96-00000003 STATUS_BEHIND',
    ]);
    expect(json?.sha256).toBe(sha256Hex(json?.body ?? ''));
    expect(csv?.body.split('\r\n')[1]).toBe(
      'G22.96-00000001,DUE_DATE_DIVERGED,false,01001,1.001,national-portal,specialized,RESOLVED,R3,PROCESSING/4,RESOLVED/DA_XU_LY,,IN_PROGRESS,ON_TIME,national-portal:STATUS:PLANNED,"a ""quoted"", detail\nwith a newline"',
    );
    const [emptyJson, emptyCsv] = await renderRunReport({ ...head, findings: [] });
    expect(emptyJson?.body).toBe(plainJson([]));
    expect(emptyCsv?.body.split('\r\n')).toHaveLength(2);
  });

  it('cuts large exports into parts whose concatenation is the export, hashed and counted as a whole', async () => {
    const parts: ReportPart[] = [];
    const renderer = new ReportRenderer(head, (part) => {
      parts.push(part);
      return Promise.resolve();
    });
    const all = Array.from({ length: 6_000 }, (_, i) => finding(i + 1));
    for (let i = 0; i < all.length; i += 500) await renderer.add(all.slice(i, i + 500));
    const digests = await renderer.finish();
    const json = parts.filter((p) => p.format === 'json');
    expect(json.length).toBeGreaterThan(2);
    expect(json.map((p) => p.part)).toEqual(json.map((_, i) => i));
    const body = json.map((p) => p.body).join('');
    expect(body).toBe(plainJson(all));
    const digest = digests.find((d) => d.format === 'json');
    expect(digest).toEqual({ format: 'json', sha256: sha256Hex(body), bytes: Buffer.byteLength(body), parts: json.length });
  });

  it('refuses findings out of order rather than issue a report that would not render the same twice', async () => {
    const renderer = new ReportRenderer(head, () => Promise.resolve());
    await renderer.add([finding(2)]);
    await expect(renderer.add([finding(1)])).rejects.toThrow(/out of order/);
  });
});
