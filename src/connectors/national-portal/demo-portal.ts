import type { DossierStatus } from '../../domain/dossier-status.js';
import type { DemoDataset, DemoDossier } from '../demo/demo-dataset.js';
import { visibleTimes } from '../demo/visible-times.js';
import { intBetween } from '../demo/weighted-choice.js';
import { seededRandom } from '../simulator-kit.js';

/**
 * What the demo portal holds: a mirror of the provincial one-stop shop (every dossier the
 * provincial system has, at the provincial status), except for a deterministic ~2% that the
 * sync left behind: half lag one step behind the province, half never arrived.
 */
export interface DemoPortalEntry {
  dossier: DemoDossier;
  status: DossierStatus;
  /** When the portal last changed the record (the sync runs minutes after the province). */
  updatedAtMs: number;
}

export interface PortalDriftRecord {
  dossierCode: string;
  provincialStatus: DossierStatus;
  /** Absent for a dossier missing from the portal. */
  portalStatus?: DossierStatus;
}

export interface PortalGroundTruth {
  /** Dossiers the provincial system holds: what the portal should mirror. */
  provincial: number;
  /** Dossiers the portal holds. */
  mirrored: number;
  lagging: PortalDriftRecord[];
  missing: PortalDriftRecord[];
}

export interface DemoPortal {
  entries: DemoPortalEntry[];
  groundTruth: PortalGroundTruth;
}

const DEFAULT_DRIFT_RATE = 0.02;

/** The status a sync that missed the last step left on the portal; null when there is no earlier one. */
const ONE_STEP_BEHIND: Readonly<Record<DossierStatus, DossierStatus | null>> = {
  SUBMITTED: null,
  RECEIVED: 'SUBMITTED',
  REJECTED: 'SUBMITTED',
  PROCESSING: 'RECEIVED',
  SUPPLEMENT_REQUESTED: 'PROCESSING',
  AWAITING_FINANCIAL_OBLIGATION: 'PROCESSING',
  WITHDRAWN: 'RECEIVED',
  SUSPENDED: 'PROCESSING',
  RESOLVED: 'PROCESSING',
  RESULT_RETURNED: 'RESOLVED',
};

export function buildDemoPortal(dataset: DemoDataset, seed: number, driftRate = DEFAULT_DRIFT_RATE): DemoPortal {
  if (!(driftRate >= 0 && driftRate <= 1)) throw new RangeError('driftRate must be between 0 and 1');
  const random = seededRandom(seed ^ 0x0dc9_0a11);
  const provincial = dataset.dossiers.filter((dossier) => dossier.provincial !== null);
  // A fixed count drawn without replacement keeps the share exact for every seed.
  const drifting = new Map<string, 'LAG' | 'MISSING'>();
  const order = provincial.map((_, index) => index);
  const count = Math.round(provincial.length * driftRate);
  for (let slot = 0; slot < count; slot += 1) {
    const other = slot + Math.floor(random() * (order.length - slot));
    [order[slot], order[other]] = [order[other] as number, order[slot] as number];
    const dossier = provincial[order[slot] as number] as DemoDossier;
    const status = (dossier.provincial as NonNullable<DemoDossier['provincial']>).status;
    drifting.set(dossier.code, slot % 2 === 0 && ONE_STEP_BEHIND[status] !== null ? 'LAG' : 'MISSING');
  }

  const entries: DemoPortalEntry[] = [];
  const lagging: PortalDriftRecord[] = [];
  const missing: PortalDriftRecord[] = [];
  for (const dossier of provincial) {
    const provincialStatus = (dossier.provincial as NonNullable<DemoDossier['provincial']>).status;
    const drift = drifting.get(dossier.code);
    if (drift === 'MISSING') {
      missing.push({ dossierCode: dossier.code, provincialStatus });
      continue;
    }
    const status = drift === 'LAG' ? (ONE_STEP_BEHIND[provincialStatus] as DossierStatus) : provincialStatus;
    if (drift === 'LAG') lagging.push({ dossierCode: dossier.code, provincialStatus, portalStatus: status });
    entries.push({ dossier, status, updatedAtMs: changedAt(dossier, status) + intBetween(60, 1_800, random) * 1_000 });
  }
  return { entries, groundTruth: { provincial: provincial.length, mirrored: entries.length, lagging, missing } };
}

/** When the dossier reached `status`, from its timeline. */
function changedAt(dossier: DemoDossier, status: DossierStatus): number {
  const times = visibleTimes(dossier, status);
  switch (status) {
    case 'SUBMITTED':
      return dossier.submittedAtMs;
    case 'RECEIVED':
      return times.receivedAtMs ?? dossier.submittedAtMs;
    case 'PROCESSING':
      return dossier.processingAtMs ?? times.receivedAtMs ?? dossier.submittedAtMs;
    case 'SUPPLEMENT_REQUESTED':
    case 'AWAITING_FINANCIAL_OBLIGATION':
    case 'SUSPENDED':
      return dossier.pausedAtMs ?? dossier.processingAtMs ?? dossier.submittedAtMs;
    case 'REJECTED':
    case 'WITHDRAWN':
    case 'RESOLVED':
      return times.finishedAtMs ?? dossier.submittedAtMs;
    case 'RESULT_RETURNED':
      return times.returnedAtMs ?? times.finishedAtMs ?? dossier.submittedAtMs;
  }
}
