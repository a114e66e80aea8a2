import type { DossierStatus } from '../../domain/dossier-status.js';
import { seededRandom } from '../simulator-kit.js';
import { DEFAULT_COPY_DRIFT_RATE, NO_MISMATCH_EXPECTED, drawCopyDrift } from './copy-drift.js';
import { DemoCitizenRegistry, type DemoCitizen } from './demo-citizens.js';
import { communesOf, findProvince, type DemoCommune, type DemoProvince } from './demo-communes.js';
import { DEMO_PROCEDURES, type DemoProcedure } from './demo-procedures.js';
import {
  DAY_MS,
  VIETNAM_OFFSET_MS,
  dueDate,
  officeInstant,
  vietnamParts,
  vietnamYyMMdd,
  workingDaysBefore,
} from './vietnam-calendar.js';
import { WeightedChoice, intBetween } from './weighted-choice.js';

/** Channel (KenhThucHien): 1 at the counter, 2 online, 3 by public postal service (BCCI). */
export type DemoChannel = 1 | 2 | 3;

/** One system's copy of a dossier: its status and when that system last changed it. */
export interface DemoSystemView {
  status: DossierStatus;
  updatedAtMs: number;
  /**
   * A commune code this copy reports instead of the dossier's own: a pre-2025 code the system
   * never migrated (drift of class UNIT_UNMAPPED). Absent when the copy reports `communeCode`.
   */
  communeCode?: string;
  /** An appointment date this copy holds instead of the dossier's (drift of class DUE_DATE_DIVERGED). */
  dueAtMs?: number;
}

export interface DemoSpecializedView extends DemoSystemView {
  /** The ministry software's own case id, `HT-{yyyy}-{nnnnnnn}` (year of intake, yearly serial). */
  caseId: string;
}

/**
 * A dossier with its timeline and each system's copy. The timeline holds every instant any copy
 * needs; a copy shows the instants its status implies (see `visibleTimes`). Instants are epoch
 * milliseconds, not Date objects: a million-dossier benchmark dataset would spend most of its
 * memory and build time on nine Date objects per dossier.
 */
export interface DemoDossier {
  /** National dossier code `{agencyId}-{yyMMdd}-{NNNN}`: submission day, daily counter per unit. */
  code: string;
  procedureCode: string;
  procedureName: string;
  agencyId: string;
  communeCode: string;
  provinceCode: string;
  applicantPersonalId: string;
  applicantName: string;
  channel: DemoChannel;
  /**
   * What really happened: the status both systems share, or for drift the status of the copy that
   * is ahead, of the only copy, or (for a conflict) the ministry's decision.
   */
  status: DossierStatus;
  submittedAtMs: number;
  receivedAtMs: number | null;
  /** Appointment date (ngày hẹn trả). */
  dueAtMs: number | null;
  processingAtMs: number | null;
  pausedAtMs: number | null;
  /** Decision instant: resolved, withdrawn or refused. */
  finishedAtMs: number | null;
  returnedAtMs: number | null;
  /** Null when the provincial one-stop shop has no copy. */
  provincial: DemoSystemView | null;
  /** Null when the ministry's software has no copy. */
  specialized: DemoSpecializedView | null;
}

/** Drift of the copies' statuses or presence. */
export type DemoStatusDriftKind =
  | 'SPECIALIZED_AHEAD'
  | 'PROVINCIAL_AHEAD'
  | 'MISSING_IN_SPECIALIZED'
  | 'MISSING_IN_PROVINCIAL'
  | 'CONFLICTING';

/** Drift of a copy's other facts, on dossiers whose statuses agree (see `drawCopyDrift`). */
export type DemoCopyDriftKind =
  | 'DUE_DATE_DIVERGED'
  | 'LEGACY_COMMUNE_UNAMBIGUOUS'
  | 'LEGACY_COMMUNE_AMBIGUOUS'
  | 'DUPLICATE';

export type DemoDriftKind = DemoStatusDriftKind | DemoCopyDriftKind;

export type ExpectedMismatchClass =
  | 'STATUS_BEHIND'
  | 'STATUS_CONFLICT'
  | 'MISSING_IN_PROVINCIAL'
  | 'MISSING_IN_SPECIALIZED'
  | 'DUE_DATE_DIVERGED'
  | 'UNIT_UNMAPPED'
  | 'DUPLICATE';

export { NO_MISMATCH_EXPECTED };

/** Ground truth for reconciliation tests: a dossier whose copies were made to disagree on purpose. */
export interface DemoDrift {
  dossierCode: string;
  kind: DemoDriftKind;
  /**
   * The mismatch the hub should open, or 'NONE' when it should open none: a legacy commune code
   * that went whole into one commune (LEGACY_COMMUNE_UNAMBIGUOUS) is mapped by the hub itself.
   * Comparisons of open mismatches with the ground truth must leave the 'NONE' records out.
   */
  expectedClass: ExpectedMismatchClass | typeof NO_MISMATCH_EXPECTED;
  /**
   * The system a correction should go to; absent for a conflict, which needs a person to say which
   * side is right, and for a mapped legacy code, which needs no correction.
   */
  laggingSystem?: 'provincial' | 'specialized';
  provincialStatus?: DossierStatus;
  specializedStatus?: DossierStatus;
  /** DUE_DATE_DIVERGED: the provincial (authoritative) due date and the one the ministry's copy holds. */
  provincialDueAtMs?: number;
  specializedDueAtMs?: number;
  /** LEGACY_COMMUNE_*: the pre-2025 code the provincial copy reports instead of the dossier's commune. */
  reportedCommuneCode?: string;
  /** LEGACY_COMMUNE_UNAMBIGUOUS: the current commune the hub should map the reported code to (the dossier's). */
  mappedCommuneCode?: string;
  /** LEGACY_COMMUNE_AMBIGUOUS: the current communes the reported code was split among (the dossier's among them). */
  candidateCommuneCodes?: string[];
  /** DUPLICATE: the second code under which the provincial system holds the dossier. */
  duplicateCode?: string;
}

export interface DemoDataset {
  seed: number;
  anchor: Date;
  provinces: DemoProvince[];
  communes: DemoCommune[];
  procedures: readonly DemoProcedure[];
  /** Ordered by submission instant (equal instants in draw order). */
  dossiers: DemoDossier[];
  /** One record per distinct applicant. */
  citizens: DemoCitizen[];
  /** Status drift and copy drift, in the submission order of their dossiers. */
  drift: DemoDrift[];
  /**
   * Dossiers the provincial one-stop shop holds a second time under another national code
   * (drift of class DUPLICATE): the copy under `duplicateCode` repeats the original's facts.
   */
  duplicates: DemoDuplicate[];
}

export interface DemoDuplicate {
  dossierCode: string;
  duplicateCode: string;
}

export interface DemoDatasetOptions {
  seed: number;
  dossierCount?: number;
  provinceCodes?: readonly string[];
  /** Everything happens in the 60 calendar days before this instant's Vietnamese calendar day. */
  anchor: Date;
  /** Share of all dossiers whose copies' statuses disagree on purpose (status drift). */
  driftRate?: number;
  /** Share of all dossiers whose ministry copy holds another due date. Default 0.5%. */
  dueDateDriftRate?: number;
  /** Share of all dossiers whose provincial copy reports a pre-2025 code the hub can map. Default 0.5%. */
  legacyCommuneRate?: number;
  /**
   * Share of all dossiers whose provincial copy reports a pre-2025 code split among several
   * communes. Default 0.5%, but only communes that received part of a split commune qualify:
   * none in most provinces (Hà Nội 01, Sơn La 14 and Đồng Nai 75 have one each).
   */
  ambiguousCommuneRate?: number;
  /** Share of all dossiers the provincial system holds twice. Default 0.5%. */
  duplicateRate?: number;
}

const WINDOW_CALENDAR_DAYS = 60;
/** Open dossiers are mostly recent: an office does not sit on most files for weeks. */
const RECENT_WORKING_DAYS = 12;
const MINUTE_MS = 60_000;
/** More than the communes of any province set (3,321 nationwide): a key stride for (day, commune). */
const MAX_COMMUNES = 4096;

/** Status mix of dossiers whose copies agree. */
const STATUS_MIX = new WeightedChoice<DossierStatus>([
  ['RESULT_RETURNED', 38],
  ['RESOLVED', 17],
  ['PROCESSING', 17],
  ['RECEIVED', 7],
  ['SUPPLEMENT_REQUESTED', 5],
  ['AWAITING_FINANCIAL_OBLIGATION', 2],
  ['SUSPENDED', 1.5],
  ['WITHDRAWN', 2.5],
  ['REJECTED', 3],
  ['SUBMITTED', 7],
]);

/** The same mix for dossiers the one-stop shop has received (the only ones the ministry can hold). */
const RECEIVED_STATUS_MIX = new WeightedChoice<DossierStatus>([
  ['RESULT_RETURNED', 38],
  ['RESOLVED', 17],
  ['PROCESSING', 17],
  ['RECEIVED', 7],
  ['SUPPLEMENT_REQUESTED', 5],
  ['AWAITING_FINANCIAL_OBLIGATION', 2],
  ['SUSPENDED', 1.5],
  ['WITHDRAWN', 2.5],
]);

const DRIFT_KINDS = new WeightedChoice<DemoStatusDriftKind>([
  ['SPECIALIZED_AHEAD', 40],
  ['PROVINCIAL_AHEAD', 15],
  ['MISSING_IN_SPECIALIZED', 15],
  ['MISSING_IN_PROVINCIAL', 12],
  ['CONFLICTING', 18],
]);

/** The ministry finished the case but the officer never closed it in the one-stop shop. */
const SPECIALIZED_AHEAD_FINISHED = new WeightedChoice<DossierStatus>([
  ['RESOLVED', 45],
  ['RESULT_RETURNED', 55],
]);
const SPECIALIZED_AHEAD_PROVINCIAL = new WeightedChoice<DossierStatus>([
  ['PROCESSING', 75],
  ['RECEIVED', 25],
]);

/**
 * `[behind, ahead]` where `ahead` is reachable from `behind` and not the reverse: never a pair on
 * the PROCESSING ↔ SUPPLEMENT_REQUESTED / AWAITING / SUSPENDED cycles.
 */
const PROVINCIAL_AHEAD_PAIRS = new WeightedChoice<readonly [DossierStatus, DossierStatus]>([
  [['RESOLVED', 'RESULT_RETURNED'], 50],
  [['RECEIVED', 'PROCESSING'], 30],
  [['PROCESSING', 'RESOLVED'], 20],
]);

/** `[provincial, specialized]` where neither status can reach the other. */
const CONFLICT_PAIRS = new WeightedChoice<readonly [DossierStatus, DossierStatus]>([
  [['RESOLVED', 'WITHDRAWN'], 25],
  [['WITHDRAWN', 'RESULT_RETURNED'], 25],
  [['REJECTED', 'RESOLVED'], 15],
  [['RESULT_RETURNED', 'REJECTED'], 15],
  [['WITHDRAWN', 'RESOLVED'], 20],
]);

const CHANNELS = new WeightedChoice<DemoChannel>([
  [1, 55],
  [2, 40],
  [3, 5],
]);

const AFTER_PROCESSING = new Set<DossierStatus>([
  'PROCESSING',
  'SUPPLEMENT_REQUESTED',
  'AWAITING_FINANCIAL_OBLIGATION',
  'SUSPENDED',
  'RESOLVED',
  'RESULT_RETURNED',
]);
const PAUSED = new Set<DossierStatus>(['SUPPLEMENT_REQUESTED', 'AWAITING_FINANCIAL_OBLIGATION', 'SUSPENDED']);
const DECIDED = new Set<DossierStatus>(['RESOLVED', 'RESULT_RETURNED', 'WITHDRAWN', 'REJECTED']);
const OPEN = new Set<DossierStatus>(['RECEIVED', 'PROCESSING', ...PAUSED]);

interface CopyStatuses {
  provincial: DossierStatus | null;
  specialized: DossierStatus | null;
  truth: DossierStatus;
}

/**
 * Builds the demo dataset. The same options give a byte-identical dataset (every draw comes from
 * one seeded generator, in a fixed order). Work is linear in `dossierCount` apart from one sort
 * by submission instant: 2,400 dossiers take about 0.1 s, a million about 15 s and 0.9 GB of heap.
 *
 * Which copies exist: the ministry's software receives a dossier only after the one-stop shop has
 * received it, so SUBMITTED and REJECTED dossiers exist only in the provincial system and are not
 * drift; every other dossier exists in both unless it is a missing-copy drift.
 *
 * Besides status drift (`driftRate`), about 0.5% of dossiers each get copy drift on dossiers
 * whose statuses agree: a ministry copy with another due date, a provincial copy reporting a
 * pre-2025 commune code (mappable or split), a provincial duplicate under a second code.
 */
export function buildDemoDataset(options: DemoDatasetOptions): DemoDataset {
  const { seed, anchor } = options;
  const dossierCount = options.dossierCount ?? 2400;
  const provinceCodes = options.provinceCodes ?? ['96', '51'];
  const driftRate = options.driftRate ?? 0.05;
  const copyDriftRates = {
    dueDate: options.dueDateDriftRate ?? DEFAULT_COPY_DRIFT_RATE,
    legacyCommune: options.legacyCommuneRate ?? DEFAULT_COPY_DRIFT_RATE,
    ambiguousCommune: options.ambiguousCommuneRate ?? DEFAULT_COPY_DRIFT_RATE,
    duplicate: options.duplicateRate ?? DEFAULT_COPY_DRIFT_RATE,
  };
  const anchorMs = anchor.getTime();
  if (!Number.isFinite(anchorMs)) throw new RangeError('anchor must be a valid date');
  if (!Number.isInteger(dossierCount) || dossierCount < 0) throw new RangeError('dossierCount must be a whole number');
  if (!(driftRate >= 0 && driftRate <= 1)) throw new RangeError('driftRate must be between 0 and 1');
  for (const [name, rate] of Object.entries(copyDriftRates)) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`the ${name} drift rate must be between 0 and 1`);
  }
  if (provinceCodes.length === 0) throw new RangeError('at least one province is needed');

  const provinces = provinceCodes.map((code) => {
    const province = findProvince(code);
    if (!province) throw new RangeError(`unknown province code ${code}`);
    return province;
  });
  const communesByProvince = new Map(provinceCodes.map((code) => [code, communesOf(code)] as const));
  const communes = [...communesByProvince.values()].flat();
  const days = workingDaysBefore(anchorMs, WINDOW_CALENDAR_DAYS);
  if (days.length === 0) throw new RangeError('the window before the anchor has no working day');

  const random = seededRandom(seed);
  const procedures = new WeightedChoice(DEMO_PROCEDURES.map((procedure) => [procedure, procedure.weight] as const));
  const registry = new DemoCitizenRegistry(communesByProvince, vietnamParts(anchorMs).year, random);
  const timelines = new TimelineMaker(days, anchorMs, random);

  const dossiers: DemoDossier[] = [];
  const kinds: (DemoStatusDriftKind | null)[] = [];
  // Per-dossier keys in typed arrays: numbering walks the dossiers in submission order, and a
  // million scattered object reads would cost more than the whole rest of the build.
  const communeIndexes = new Uint16Array(dossierCount);
  const submittedKeys = new Float64Array(dossierCount);
  const caseYears = new Uint16Array(dossierCount);
  const calendar = new DayCalendar();
  for (let index = 0; index < dossierCount; index += 1) {
    const communeIndex = Math.floor(random() * communes.length);
    const commune = communes[communeIndex] as DemoCommune;
    const procedure = procedures.pick(random);
    const kind = random() < driftRate ? DRIFT_KINDS.pick(random) : null;
    const copies = copyStatuses(kind, random);
    let channel = CHANNELS.pick(random);
    // A dossier still waiting for reception was filed remotely: a counter filing is received on the spot.
    if (copies.provincial === 'SUBMITTED' && channel === 1) channel = 2;
    const applicant = registry.applicantFor(commune);
    const times = timelines.make(copies, channel, procedure.processingDays);
    dossiers.push({
      code: '',
      procedureCode: procedure.code,
      procedureName: procedure.name,
      agencyId: commune.agencyId,
      communeCode: commune.code,
      provinceCode: commune.provinceCode,
      applicantPersonalId: applicant.personalId,
      applicantName: applicant.fullName,
      channel,
      status: copies.truth,
      submittedAtMs: times.submittedAtMs,
      receivedAtMs: times.receivedAtMs,
      dueAtMs: times.dueAtMs,
      processingAtMs: times.processingAtMs,
      pausedAtMs: times.pausedAtMs,
      finishedAtMs: times.finishedAtMs,
      returnedAtMs: times.returnedAtMs,
      provincial: copies.provincial ? { status: copies.provincial, updatedAtMs: eventAt(times, copies.provincial) } : null,
      specialized: copies.specialized
        ? {
            caseId: '',
            status: copies.specialized,
            // The ministry's software stamps its own clock, a little after the event it records.
            updatedAtMs: eventAt(times, copies.specialized) + intBetween(0, 180, random) * 1_000,
          }
        : null,
    });
    kinds.push(kind);
    communeIndexes[index] = communeIndex;
    submittedKeys[index] = times.submittedAtMs;
    if (copies.specialized) caseYears[index] = calendar.year(times.receivedAtMs ?? times.submittedAtMs);
  }

  const order = new Uint32Array(dossierCount).map((_, index) => index);
  order.sort((a, b) => (submittedKeys[a] ?? 0) - (submittedKeys[b] ?? 0) || a - b);

  // Daily counters per unit and yearly case serials follow submission order.
  const positions = new Uint32Array(dossierCount);
  const counters = new Uint32Array(dossierCount);
  const caseSerials = new Uint32Array(dossierCount);
  const dailyCounters = new Map<number, number>();
  const yearlyCaseSerials = new Map<number, number>();
  order.forEach((draftIndex, position) => {
    positions[draftIndex] = position;
    const unitDay = calendar.day(submittedKeys[draftIndex] ?? 0) * MAX_COMMUNES + (communeIndexes[draftIndex] ?? 0);
    const counter = (dailyCounters.get(unitDay) ?? 0) + 1;
    // The daily counter has four digits; five would read as the random MaHoSoKhac form.
    if (counter > 9_999) throw new RangeError('more than 9,999 dossiers for one unit on one day');
    dailyCounters.set(unitDay, counter);
    counters[draftIndex] = counter;
    const year = caseYears[draftIndex] ?? 0;
    if (year > 0) {
      const serial = (yearlyCaseSerials.get(year) ?? 0) + 1;
      yearlyCaseSerials.set(year, serial);
      caseSerials[draftIndex] = serial;
    }
  });

  const sorted = new Array<DemoDossier>(dossierCount);
  const drifted: [number, DemoDrift][] = [];
  const taken = new Uint8Array(dossierCount);
  dossiers.forEach((dossier, draftIndex) => {
    const stamp = calendar.stamp(dossier.submittedAtMs);
    dossier.code = `${dossier.agencyId}-${stamp}-${String(counters[draftIndex] ?? 0).padStart(4, '0')}`;
    if (dossier.specialized) {
      const serial = String(caseSerials[draftIndex] ?? 0).padStart(7, '0');
      dossier.specialized.caseId = `HT-${caseYears[draftIndex] ?? 0}-${serial}`;
    }
    const position = positions[draftIndex] ?? 0;
    sorted[position] = dossier;
    const kind = kinds[draftIndex];
    if (kind) {
      drifted.push([position, driftRecord(dossier, kind)]);
      taken[draftIndex] = 1;
    }
  });

  // Copy drift draws after everything above, so a seed keeps its dossiers, codes and status drift.
  const copyDrift = drawCopyDrift({
    dossiers,
    taken,
    processingDays: new Map(DEMO_PROCEDURES.map((procedure) => [procedure.code, procedure.processingDays])),
    rates: copyDriftRates,
    random,
    nextCode: (draftIndex) => {
      // A duplicate registered the same day at the same unit takes the day's next free counter.
      const dossier = dossiers[draftIndex];
      if (!dossier) return null;
      const unitDay = calendar.day(dossier.submittedAtMs) * MAX_COMMUNES + (communeIndexes[draftIndex] ?? 0);
      const counter = (dailyCounters.get(unitDay) ?? 0) + 1;
      if (counter > 9_999) return null;
      dailyCounters.set(unitDay, counter);
      return `${dossier.agencyId}-${calendar.stamp(dossier.submittedAtMs)}-${String(counter).padStart(4, '0')}`;
    },
  });
  for (const [draftIndex, record] of copyDrift.drift) drifted.push([positions[draftIndex] ?? 0, record]);
  drifted.sort((a, b) => a[0] - b[0]);
  const duplicates = copyDrift.duplicates
    .map(([draftIndex, duplicate]) => [positions[draftIndex] ?? 0, duplicate] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, duplicate]) => duplicate);

  return {
    seed,
    anchor: new Date(anchorMs),
    provinces,
    communes,
    procedures: DEMO_PROCEDURES,
    dossiers: sorted,
    citizens: registry.citizens,
    drift: drifted.map(([, record]) => record),
    duplicates,
  };
}

function copyStatuses(kind: DemoStatusDriftKind | null, random: () => number): CopyStatuses {
  switch (kind) {
    case null: {
      const status = STATUS_MIX.pick(random);
      const onlyProvincial = status === 'SUBMITTED' || status === 'REJECTED';
      return { provincial: status, specialized: onlyProvincial ? null : status, truth: status };
    }
    case 'SPECIALIZED_AHEAD': {
      const specialized = SPECIALIZED_AHEAD_FINISHED.pick(random);
      return { provincial: SPECIALIZED_AHEAD_PROVINCIAL.pick(random), specialized, truth: specialized };
    }
    case 'PROVINCIAL_AHEAD': {
      const [behind, ahead] = PROVINCIAL_AHEAD_PAIRS.pick(random);
      return { provincial: ahead, specialized: behind, truth: ahead };
    }
    case 'MISSING_IN_SPECIALIZED': {
      const status = RECEIVED_STATUS_MIX.pick(random);
      return { provincial: status, specialized: null, truth: status };
    }
    case 'MISSING_IN_PROVINCIAL': {
      const status = RECEIVED_STATUS_MIX.pick(random);
      return { provincial: null, specialized: status, truth: status };
    }
    case 'CONFLICTING': {
      const [provincial, specialized] = CONFLICT_PAIRS.pick(random);
      return { provincial, specialized, truth: specialized };
    }
  }
}

function driftRecord(dossier: DemoDossier, kind: DemoStatusDriftKind): DemoDrift {
  const provincialStatus = dossier.provincial?.status;
  const specializedStatus = dossier.specialized?.status;
  const statuses = {
    ...(provincialStatus ? { provincialStatus } : {}),
    ...(specializedStatus ? { specializedStatus } : {}),
  };
  switch (kind) {
    case 'SPECIALIZED_AHEAD':
      return { dossierCode: dossier.code, kind, expectedClass: 'STATUS_BEHIND', laggingSystem: 'provincial', ...statuses };
    case 'PROVINCIAL_AHEAD':
      return { dossierCode: dossier.code, kind, expectedClass: 'STATUS_BEHIND', laggingSystem: 'specialized', ...statuses };
    case 'MISSING_IN_SPECIALIZED':
      return { dossierCode: dossier.code, kind, expectedClass: 'MISSING_IN_SPECIALIZED', laggingSystem: 'specialized', ...statuses };
    case 'MISSING_IN_PROVINCIAL':
      return { dossierCode: dossier.code, kind, expectedClass: 'MISSING_IN_PROVINCIAL', laggingSystem: 'provincial', ...statuses };
    case 'CONFLICTING':
      return { dossierCode: dossier.code, kind, expectedClass: 'STATUS_CONFLICT', ...statuses };
  }
}

/** Epoch-ms instants of one dossier's life; null where the dossier never got there. */
type Timeline = Pick<
  DemoDossier,
  'submittedAtMs' | 'receivedAtMs' | 'dueAtMs' | 'processingAtMs' | 'pausedAtMs' | 'finishedAtMs' | 'returnedAtMs'
>;

/** The instant a copy in `status` last changed. */
function eventAt(times: Timeline, status: DossierStatus): number {
  switch (status) {
    case 'SUBMITTED':
      return times.submittedAtMs;
    case 'RECEIVED':
      return times.receivedAtMs ?? times.submittedAtMs;
    case 'PROCESSING':
      return times.processingAtMs ?? times.submittedAtMs;
    case 'SUPPLEMENT_REQUESTED':
    case 'AWAITING_FINANCIAL_OBLIGATION':
    case 'SUSPENDED':
      return times.pausedAtMs ?? times.submittedAtMs;
    case 'REJECTED':
    case 'WITHDRAWN':
    case 'RESOLVED':
      return times.finishedAtMs ?? times.submittedAtMs;
    case 'RESULT_RETURNED':
      return times.returnedAtMs ?? times.submittedAtMs;
  }
}

/**
 * Draws a timeline that serves every copy of a dossier: receptions in office hours on the working
 * days of the window, due dates from the procedure's processing time, each later instant after
 * the one before it and before the anchor.
 */
class TimelineMaker {
  private readonly last: number;

  constructor(
    private readonly days: readonly number[],
    private readonly anchorMs: number,
    private readonly random: () => number,
  ) {
    this.last = days.length - 1;
  }

  make(copies: CopyStatuses, channel: DemoChannel, processingDays: number): Timeline {
    const statuses = [copies.provincial, copies.specialized].filter((status): status is DossierStatus => status !== null);
    const received = statuses.some((status) => status !== 'SUBMITTED' && status !== 'REJECTED');
    if (!received) return statuses.includes('REJECTED') ? this.refused() : this.awaitingReception();

    const random = this.random;
    let dayIndex = OPEN.has(copies.truth) && random() < 0.8
      ? intBetween(Math.max(0, this.last - RECENT_WORKING_DAYS + 1), this.last, random)
      : intBetween(0, this.last, random);
    const receivedDay = dayIndex;
    const receivedAtMs = officeInstant(this.day(dayIndex), random());
    // Counter filings are received as they are filed; remote ones wait for an officer.
    const submittedAtMs = channel === 1 ? receivedAtMs : receivedAtMs - intBetween(10, 36 * 60, random) * MINUTE_MS;
    const times: Timeline = {
      submittedAtMs,
      receivedAtMs,
      dueAtMs: dueDate(receivedAtMs, processingDays),
      processingAtMs: null,
      pausedAtMs: null,
      finishedAtMs: null,
      returnedAtMs: null,
    };
    let previous = receivedAtMs;
    if (statuses.some((status) => AFTER_PROCESSING.has(status))) {
      times.processingAtMs = this.after(previous, receivedAtMs + intBetween(5, 240, random) * MINUTE_MS);
      previous = times.processingAtMs;
    }
    if (statuses.some((status) => PAUSED.has(status))) {
      dayIndex = intBetween(dayIndex, this.last, random);
      times.pausedAtMs = this.after(previous, officeInstant(this.day(dayIndex), random()));
      previous = times.pausedAtMs;
    }
    if (statuses.some((status) => DECIDED.has(status))) {
      const resolved = statuses.some((status) => status === 'RESOLVED' || status === 'RESULT_RETURNED');
      // Most results are ready by the appointment day; the rest are one to six working days late.
      const onTime = random() < 0.88;
      const dueDay = receivedDay + processingDays;
      const latest = resolved ? (onTime ? dueDay : dueDay + intBetween(1, 6, random)) : this.last;
      const earliest = resolved && !onTime ? dueDay + 1 : dayIndex;
      dayIndex = intBetween(Math.min(earliest, this.last), Math.min(Math.max(latest, dayIndex), this.last), random);
      times.finishedAtMs = this.after(previous, officeInstant(this.day(dayIndex), random()));
      previous = times.finishedAtMs;
    }
    if (statuses.includes('RESULT_RETURNED')) {
      dayIndex = Math.min(dayIndex + intBetween(0, 3, random), this.last);
      times.returnedAtMs = this.after(previous, officeInstant(this.day(dayIndex), random()));
    }
    return times;
  }

  /** Filed online in the last three days and not yet picked up by an officer. */
  private awaitingReception(): Timeline {
    const submittedAtMs = this.anchorMs - intBetween(5, 3 * 24 * 60, this.random) * MINUTE_MS;
    return { submittedAtMs, receivedAtMs: null, dueAtMs: null, processingAtMs: null, pausedAtMs: null, finishedAtMs: null, returnedAtMs: null };
  }

  /** Refused at reception (không được tiếp nhận) within two working days of filing. */
  private refused(): Timeline {
    const random = this.random;
    const filedDay = intBetween(0, this.last, random);
    const submittedAtMs = officeInstant(this.day(filedDay), random()) - intBetween(0, 18 * 60, random) * MINUTE_MS;
    const refusedDay = Math.min(filedDay + intBetween(0, 2, random), this.last);
    const finishedAtMs = this.after(submittedAtMs, officeInstant(this.day(refusedDay), random()));
    return { submittedAtMs, receivedAtMs: null, dueAtMs: null, processingAtMs: null, pausedAtMs: null, finishedAtMs, returnedAtMs: null };
  }

  private day(index: number): number {
    return this.days[index] ?? this.days[this.last] ?? this.anchorMs - DAY_MS;
  }

  /** `candidate` when it comes after `previous`, else a little after `previous`; never past the anchor. */
  private after(previous: number, candidate: number): number {
    const next = candidate > previous ? candidate : previous + intBetween(10, 90, this.random) * MINUTE_MS;
    return Math.min(next, Math.max(previous + 1_000, this.anchorMs - 1_000));
  }
}

/** Vietnamese day numbers, `yyMMdd` stamps and years, cached per day: a window has only ~60 days. */
class DayCalendar {
  private readonly stamps = new Map<number, string>();
  private readonly years = new Map<number, number>();

  day(ms: number): number {
    return Math.floor((ms + VIETNAM_OFFSET_MS) / DAY_MS);
  }

  stamp(ms: number): string {
    const day = this.day(ms);
    const cached = this.stamps.get(day);
    if (cached !== undefined) return cached;
    const stamp = vietnamYyMMdd(ms);
    this.stamps.set(day, stamp);
    return stamp;
  }

  year(ms: number): number {
    const day = this.day(ms);
    const cached = this.years.get(day);
    if (cached !== undefined) return cached;
    const year = vietnamParts(ms).year;
    this.years.set(day, year);
    return year;
  }
}
