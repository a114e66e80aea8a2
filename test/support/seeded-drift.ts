/** What the demo simulators drift on purpose: the provincial simulator's and the portal's ground truth. */
export interface SeededTruth {
  dossiers: number;
  drift: Array<{ dossierCode: string; expectedClass: string; duplicateCode?: string }>;
  duplicates: Array<{ dossierCode: string; duplicateCode: string }>;
}

export interface PortalTruth {
  lagging: Array<{ dossierCode: string }>;
  missing: Array<{ dossierCode: string }>;
}

export interface FoundMismatch {
  dossierCode: string;
  class: string;
  laggingSystems: readonly string[];
}

export async function fetchTruth(provincialUrl: string, portalUrl: string): Promise<{ seeded: SeededTruth; portal: PortalTruth }> {
  const seeded = (await (await fetch(`${provincialUrl}/__admin/ground-truth`)).json()) as SeededTruth;
  const portal = (await (await fetch(`${portalUrl}/__admin/ground-truth`)).json()) as PortalTruth;
  return { seeded, portal };
}

/**
 * How a reconciliation's findings differ from the seeded drift: each seeded record must be
 * found with its class, each portal lag and gap with the portal among the lagging systems, and
 * nothing may be found on a dossier nobody drifted. Empty when they match.
 */
export function seededDriftProblems(found: readonly FoundMismatch[], truth: { seeded: SeededTruth; portal: PortalTruth }, inScope: (code: string) => boolean = () => true): string[] {
  const problems: string[] = [];
  const byCode = new Map<string, FoundMismatch[]>();
  for (const f of found) byCode.set(f.dossierCode, [...(byCode.get(f.dossierCode) ?? []), f]);
  for (const drift of truth.seeded.drift.filter((d) => inScope(d.dossierCode))) {
    if (drift.expectedClass === 'NONE') continue;
    const codes = [drift.dossierCode, ...(drift.duplicateCode ? [drift.duplicateCode] : [])];
    if (!codes.some((code) => (byCode.get(code) ?? []).some((f) => f.class === drift.expectedClass))) {
      problems.push(`${drift.dossierCode}: seeded ${drift.expectedClass}, found ${(byCode.get(drift.dossierCode) ?? []).map((f) => f.class).join(', ') || 'nothing'}`);
    }
  }
  for (const lag of truth.portal.lagging.filter((l) => inScope(l.dossierCode))) {
    if (!(byCode.get(lag.dossierCode) ?? []).some((f) => f.laggingSystems.includes('national-portal'))) problems.push(`${lag.dossierCode}: the portal lags, not found`);
  }
  for (const missing of truth.portal.missing.filter((m) => inScope(m.dossierCode))) {
    if (!(byCode.get(missing.dossierCode) ?? []).some((f) => f.class === 'MISSING_IN_NATIONAL_PORTAL')) problems.push(`${missing.dossierCode}: missing in the portal, not found`);
  }
  const seededCodes = new Set([
    ...truth.seeded.drift.map((d) => d.dossierCode),
    ...truth.seeded.duplicates.flatMap((d) => [d.dossierCode, d.duplicateCode]),
    ...truth.portal.lagging.map((l) => l.dossierCode),
    ...truth.portal.missing.map((m) => m.dossierCode),
  ]);
  for (const f of found) if (!seededCodes.has(f.dossierCode)) problems.push(`${f.dossierCode}: ${f.class} found, nothing seeded`);
  return problems;
}
