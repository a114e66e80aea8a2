import { seededRandom } from '../simulator-kit.js';
import { DAY_MS, isWorkingDay, officeInstant, vietnamDayStart, workingDaysBefore } from '../demo/vietnam-calendar.js';
import { WeightedChoice, intBetween, pickOne } from '../demo/weighted-choice.js';
import type { CalendarDay } from '../document-source.js';
import { buildGovernmentDirectory, communeInSentence, type GovernmentOrgan, type GovernmentSigner } from './demo-organs.js';
import { archiveRecordKind, documentSubject } from './demo-subjects.js';
import { districtInSentence, formerDistrictsOf } from './former-districts.js';
import {
  GOVERNMENT_DOCUMENT_TYPES,
  type GovernmentPriorityCode,
  type QlvbDigitizationCode,
  type Retention,
} from './mapping.js';

export interface QlvbOrganRef {
  organId: string;
  organName: string;
}

/** One entry of an incoming document's TraceHeaderList. */
export interface GovernmentDemoTrace {
  organId: string;
  organName: string;
  atMs: number;
  /** A GOVERNMENT_STATUS word. */
  action: string;
  note: string | null;
}

interface GovernmentDemoRecordBase {
  /** QLVB's record id, `QLVB-{province}-{serial}`. */
  id: string;
  provinceCode: string;
  /** The commune whose office holds the record; null for province-level organs. */
  communeCode: string | null;
  /** The organ whose book holds the record (FileCode.OrganId). */
  holder: QlvbOrganRef;
  fileCatalog: number;
  fileNotation: string;
  docOrdinal: number;
  typeName: string;
  codeNumber: string;
  codeNotation: string;
  /** 00:00 Vietnam time of the issue day. */
  issuedDay: number;
  issuer: QlvbOrganRef;
  subject: string;
  pageAmount: number;
  description: string | null;
  signer: GovernmentSigner;
  priority: GovernmentPriorityCode;
  /** A GOVERNMENT_STATUS word. */
  status: string;
  version: number;
  updatedAtMs: number;
}

export interface GovernmentDemoOutgoing extends GovernmentDemoRecordBase {
  bookType: 'VB_DI';
  sentAtMs: number;
  to: QlvbOrganRef[];
  issuedAmount: number;
  /** Hạn trả lời, 00:00 Vietnam time. */
  dueDay: number | null;
}

export interface GovernmentDemoIncoming extends GovernmentDemoRecordBase {
  bookType: 'VB_DEN';
  arrivalDay: number;
  /** Null until the clerk enters it in the incoming book. */
  arrivalNumber: number | null;
  toPlaces: string;
  trace: GovernmentDemoTrace[];
  /** Thời hạn giải quyết, 00:00 Vietnam time. */
  dueDay: number | null;
  /** The outgoing record this one is the recipient's copy of, when the issuer is on this platform. */
  copyOf: string | null;
}

export type GovernmentDemoDocument = GovernmentDemoOutgoing | GovernmentDemoIncoming;

export interface GovernmentDemoArchiveFile {
  /** QLVB's record id, `HSLT-{province}-{serial}`. */
  id: string;
  provinceCode: string;
  fileCode: { organId: string; fileCatalog: number; fileNotation: string };
  title: string;
  retention: Retention;
  rights: 'Công khai' | 'Hạn chế sử dụng';
  /** `UBND huyện Trần Văn Thời` */
  creator: string;
  startDate: CalendarDay;
  endDate: CalendarDay;
  docTotal: number;
  pageTotal: number;
  digitization: { state: QlvbDigitizationCode; pagesDigitized: number };
  handover: {
    formerDistrict: string;
    formerProvince: string;
    receivingCommuneCode: string;
    receivingOrganName: string;
    /** 00:00 Vietnam time of the handover day. */
    handoverDay: number;
    minuteNumber: string;
  };
}

export interface GovernmentDemoDataset {
  seed: number;
  anchor: Date;
  provinceCodes: string[];
  /** In change-feed order: by last change, then by id. */
  documents: GovernmentDemoDocument[];
  /** By id. */
  archiveFiles: GovernmentDemoArchiveFile[];
}

export interface GovernmentDemoOptions {
  seed: number;
  /** Documents fall in the 90 calendar days before this instant's Vietnamese day. */
  anchor: Date;
  provinceCodes?: readonly string[];
  /** Outgoing documents per province; by default 80 plus two per commune. */
  outgoingPerProvince?: number;
}

const WINDOW_DAYS = 90;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Archives of the dissolved districts changed hands from 1 July 2025 over the following weeks. */
const HANDOVER_FROM = Date.UTC(2025, 6, 1) - 7 * HOUR_MS;
const HANDOVER_WORKING_DAYS = 50;

const ISSUER_LEVEL = new WeightedChoice<GovernmentOrgan['level']>([
  ['PROVINCE', 25],
  ['DEPARTMENT', 25],
  ['COMMUNE', 50],
]);
const PRIORITY = new WeightedChoice<GovernmentPriorityCode>([
  [0, 80],
  [1, 12],
  [2, 6],
  [3, 2],
]);

type IncomingOutcome = 'COMPLETED' | 'REGISTERED' | 'ASSIGNED' | 'PROCESSING' | 'REJECTED';
const INCOMING_OUTCOME = new WeightedChoice<IncomingOutcome>([
  ['COMPLETED', 52],
  ['REGISTERED', 20],
  ['ASSIGNED', 8],
  ['PROCESSING', 15],
  ['REJECTED', 5],
]);
const INCOMING_STEPS: Readonly<Record<IncomingOutcome, readonly string[]>> = {
  COMPLETED: ['CHO_TIEP_NHAN', 'DA_VAO_SO', 'DA_PHAN_PHOI', 'DANG_XU_LY', 'DA_XU_LY'],
  REGISTERED: ['CHO_TIEP_NHAN', 'DA_VAO_SO'],
  ASSIGNED: ['CHO_TIEP_NHAN', 'DA_VAO_SO', 'DA_PHAN_PHOI'],
  PROCESSING: ['CHO_TIEP_NHAN', 'DA_VAO_SO', 'DA_PHAN_PHOI', 'DANG_XU_LY'],
  REJECTED: ['CHO_TIEP_NHAN', 'TRA_LAI'],
};
const STEP_DELAY_MS: Readonly<Record<string, readonly [number, number]>> = {
  CHO_TIEP_NHAN: [5 * MINUTE_MS, 20 * HOUR_MS],
  DA_VAO_SO: [15 * MINUTE_MS, 24 * HOUR_MS],
  TRA_LAI: [30 * MINUTE_MS, 24 * HOUR_MS],
  DA_PHAN_PHOI: [HOUR_MS, 2 * DAY_MS],
  DANG_XU_LY: [HOUR_MS, 3 * DAY_MS],
  DA_XU_LY: [DAY_MS, 12 * DAY_MS],
};
/** Numbers of an organ's other documents (to recipients off this platform) fall between ours. */
const NUMBER_GAP: Readonly<Record<GovernmentOrgan['level'], number>> = {
  MINISTRY: 30,
  PROVINCE: 12,
  DEPARTMENT: 5,
  COMMUNE: 3,
};
const ARRIVALS_PER_DAY: Readonly<Record<GovernmentOrgan['level'], number>> = {
  MINISTRY: 80,
  PROVINCE: 40,
  DEPARTMENT: 15,
  COMMUNE: 6,
};
const REQUESTING_TYPES = new Set(['Công văn', 'Kế hoạch', 'Giấy mời']);

const MORNING: readonly [number, number] = [7.5 * HOUR_MS, 11.5 * HOUR_MS];
const AFTERNOON: readonly [number, number] = [13.5 * HOUR_MS, 17 * HOUR_MS];

/** The instant itself when it falls in office hours (Vietnam), else the next opening. */
function nextOfficeMoment(ms: number): number {
  let day = vietnamDayStart(ms);
  let offset = ms - day;
  for (;;) {
    if (isWorkingDay(day)) {
      if (offset < MORNING[0]) return day + MORNING[0];
      if (offset < MORNING[1]) return day + offset;
      if (offset < AFTERNOON[0]) return day + AFTERNOON[0];
      if (offset < AFTERNOON[1]) return day + offset;
    }
    day += DAY_MS;
    offset = 0;
  }
}

function vietnamYearAndDay(ms: number): { year: number; dayOfYear: number; month: number } {
  const d = new Date(ms + 7 * HOUR_MS);
  const year = d.getUTCFullYear();
  return { year, month: d.getUTCMonth() + 1, dayOfYear: Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / DAY_MS) + 1 };
}

function ref(organ: GovernmentOrgan): QlvbOrganRef {
  return { organId: organ.organId, organName: organ.name };
}

function distinct<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  return picked;
}

interface OutgoingDraft {
  issuer: GovernmentOrgan;
  recipients: GovernmentOrgan[];
  typeName: string;
  day: number;
  sentAtMs: number;
  unit: string;
  record: Omit<GovernmentDemoOutgoing, 'id' | 'codeNumber' | 'codeNotation'>;
}

/**
 * QLVB records of the demo provinces: outgoing documents of the People's Committee, its
 * departments and communes over the last 90 days; the recipients' incoming copies with their
 * processing trace; documents arriving from ministries; and the archive records each commune took
 * over from a dissolved district. Deterministic for a seed and an anchor day.
 */
export function buildGovernmentDemoDataset(options: GovernmentDemoOptions): GovernmentDemoDataset {
  const random = seededRandom(options.seed ^ 0x9b1d);
  const provinceCodes = [...(options.provinceCodes ?? ['96', '51'])];
  const anchorMs = vietnamDayStart(options.anchor.getTime());
  const days = workingDaysBefore(anchorMs, WINDOW_DAYS);
  const directory = buildGovernmentDirectory(provinceCodes, random);
  const documents: GovernmentDemoDocument[] = [];
  const archiveFiles: GovernmentDemoArchiveFile[] = [];

  for (const provinceCode of provinceCodes) {
    const organs = directory.provinces.get(provinceCode) ?? [];
    const committee = organs.find((organ) => organ.level === 'PROVINCE');
    if (!committee) throw new RangeError(`no People's Committee for province ${provinceCode}`);
    const departments = organs.filter((organ) => organ.level === 'DEPARTMENT');
    const communes = organs.filter((organ) => organ.level === 'COMMUNE');
    const outgoingCount = options.outgoingPerProvince ?? 80 + 2 * communes.length;

    const drafts: OutgoingDraft[] = [];
    for (let i = 0; i < outgoingCount; i += 1) {
      const level = ISSUER_LEVEL.pick(random);
      const issuer = level === 'PROVINCE' ? committee : level === 'DEPARTMENT' ? pickOne(departments, random) : pickOne(communes, random);
      const recipients =
        level === 'PROVINCE'
          ? distinct([...departments, ...communes], intBetween(1, 3, random), random)
          : level === 'DEPARTMENT'
            ? random() < 0.3
              ? [committee]
              : distinct(communes, intBetween(1, 3, random), random)
            : random() < 0.6
              ? [committee]
              : [pickOne(departments, random), committee];
      drafts.push(outgoingDraft(issuer, recipients, pickOne(days, random), anchorMs, random));
    }
    for (let i = 0; i < 15 + Math.floor(communes.length / 8); i += 1) {
      const ministry = pickOne(directory.ministries, random);
      const recipients = random() < 0.5 ? [committee, pickOne(departments, random)] : [committee];
      drafts.push(outgoingDraft(ministry, recipients, pickOne(days, random), anchorMs, random));
    }
    drafts.sort((a, b) => a.sentAtMs - b.sentAtMs);
    const outgoing = numberOutgoing(drafts, random);

    const incoming: Omit<GovernmentDemoIncoming, 'id' | 'arrivalNumber' | 'copyOf'>[] = [];
    const copyOf: (number | null)[] = [];
    outgoing.forEach(({ draft, codeNumber, codeNotation }, index) => {
      const external = draft.issuer.level === 'MINISTRY';
      const holders = external ? draft.recipients : draft.recipients.filter(() => random() < 0.75).slice(0, 2);
      for (const holder of holders) {
        const record = incomingRecord(draft, holder, codeNumber, codeNotation, anchorMs, random);
        if (!record) continue;
        incoming.push(record);
        copyOf.push(external ? null : index);
      }
    });

    // Ids follow the order in which records entered the system.
    const entries: Array<{ at: number; make: (id: string) => GovernmentDemoDocument }> = [];
    const outgoingIds: string[] = [];
    outgoing.forEach(({ draft, codeNumber, codeNotation }, index) => {
      if (draft.issuer.level === 'MINISTRY') return;
      entries.push({
        at: draft.sentAtMs,
        make: (id) => {
          outgoingIds[index] = id;
          return { ...draft.record, id, codeNumber, codeNotation };
        },
      });
    });
    const arrivalNumbers = numberArrivals(incoming, organs, random);
    incoming.forEach((record, index) => {
      entries.push({
        at: record.trace[0]?.atMs ?? record.updatedAtMs,
        make: (id) => {
          const source = copyOf[index];
          return {
            ...record,
            id,
            arrivalNumber: arrivalNumbers[index] ?? null,
            copyOf: source === null || source === undefined ? null : (outgoingIds[source] ?? null),
          };
        },
      });
    });
    entries.sort((a, b) => a.at - b.at);
    entries.forEach((entry, index) => documents.push(entry.make(`QLVB-${provinceCode}-${String(index + 1).padStart(6, '0')}`)));

    // Their own stream: the archives handed over in 2025 must not change with the anchor day.
    archiveFiles.push(...archivesOf(provinceCode, seededRandom(options.seed ^ 0xa4c1 ^ Number(provinceCode))));
  }

  documents.sort((a, b) => a.updatedAtMs - b.updatedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { seed: options.seed, anchor: new Date(anchorMs), provinceCodes, documents, archiveFiles };
}

function outgoingDraft(
  issuer: GovernmentOrgan,
  recipients: GovernmentOrgan[],
  day: number,
  anchorMs: number,
  random: () => number,
): OutgoingDraft {
  const typeName = new WeightedChoice(issuer.issues).pick(random);
  const sentAtMs = officeInstant(day, random());
  const { year, month } = vietnamYearAndDay(day);
  const unit = typeName === 'Công văn' ? pickOne(issuer.units, random) : 'VP';
  const withdrawnAt = random() < 0.03 ? nextOfficeMoment(sentAtMs + intBetween(1, 7, random) * DAY_MS) : null;
  const withdrawn = withdrawnAt !== null && withdrawnAt < anchorMs;
  const record: OutgoingDraft['record'] = {
    bookType: 'VB_DI',
    provinceCode: issuer.provinceCode ?? '',
    communeCode: issuer.communeCode,
    holder: ref(issuer),
    fileCatalog: year,
    fileNotation: `${String(intBetween(1, 30, random)).padStart(2, '0')}-${unit}`,
    docOrdinal: intBetween(1, 150, random),
    typeName,
    issuedDay: day,
    issuer: ref(issuer),
    subject: documentSubject(typeName, { year, month, quarter: Math.ceil(month / 3) }, random),
    pageAmount: random() < 0.85 ? intBetween(1, 8, random) : intBetween(9, 60, random),
    description: withdrawn ? 'Thu hồi do sai sót về thể thức, ban hành văn bản thay thế' : null,
    signer: pickOne(issuer.signers, random),
    priority: PRIORITY.pick(random),
    status: withdrawn ? 'DA_THU_HOI' : 'DA_BAN_HANH',
    version: withdrawn ? 2 : 1,
    updatedAtMs: withdrawn ? withdrawnAt : sentAtMs,
    sentAtMs,
    to: recipients.map(ref),
    issuedAmount: recipients.length + intBetween(1, 4, random),
    dueDay: REQUESTING_TYPES.has(typeName) && random() < 0.4 ? day + intBetween(5, 20, random) * DAY_MS : null,
  };
  return { issuer, recipients, typeName, day, sentAtMs, unit, record };
}

/**
 * Numbers each issuer's documents in issue order, restarting every 1 January (Decree 30/2020:
 * numbers run per organ and calendar year), from where the organ's year had got to.
 */
function numberOutgoing(
  drafts: readonly OutgoingDraft[],
  random: () => number,
): Array<{ draft: OutgoingDraft; codeNumber: string; codeNotation: string }> {
  const next = new Map<string, number>();
  return drafts.map((draft) => {
    const { year, dayOfYear } = vietnamYearAndDay(draft.day);
    const key = `${draft.issuer.organId}|${year}`;
    const gap = NUMBER_GAP[draft.issuer.level];
    const number = next.get(key) ?? Math.max(1, Math.floor(dayOfYear * draft.issuer.dailyVolume * (0.8 + random() * 0.4)));
    next.set(key, number + intBetween(1, gap, random));
    const code = GOVERNMENT_DOCUMENT_TYPES[draft.typeName] ?? 'CV';
    const codeNotation = code === 'CV' ? `${draft.issuer.abbreviation}-${draft.unit}` : `${code}-${draft.issuer.abbreviation}`;
    return { draft, codeNumber: String(number), codeNotation };
  });
}

function incomingRecord(
  draft: OutgoingDraft,
  holder: GovernmentOrgan,
  codeNumber: string,
  codeNotation: string,
  anchorMs: number,
  random: () => number,
): Omit<GovernmentDemoIncoming, 'id' | 'arrivalNumber' | 'copyOf'> | null {
  const trace: GovernmentDemoTrace[] = [];
  let at = draft.sentAtMs;
  const place = pickOne(holder.places.slice(1).length > 0 ? holder.places.slice(1) : holder.places, random);
  for (const action of INCOMING_STEPS[INCOMING_OUTCOME.pick(random)]) {
    const [min, max] = STEP_DELAY_MS[action] ?? [HOUR_MS, DAY_MS];
    at = nextOfficeMoment(at + min + Math.floor((random() * (max - min)) / 1_000) * 1_000);
    if (at >= anchorMs) break;
    trace.push({ organId: holder.organId, organName: holder.name, atMs: at, action, note: traceNote(action, draft.issuer, place) });
  }
  const first = trace[0];
  const last = trace[trace.length - 1];
  // A document still on its way at the anchor is not in the recipient's system yet.
  if (!first || !last) return null;
  const arrivalDay = vietnamDayStart(first.atMs);
  const { year } = vietnamYearAndDay(arrivalDay);
  return {
    bookType: 'VB_DEN',
    provinceCode: holder.provinceCode ?? '',
    communeCode: holder.communeCode,
    holder: ref(holder),
    fileCatalog: year,
    fileNotation: `${String(intBetween(1, 30, random)).padStart(2, '0')}-VP`,
    docOrdinal: intBetween(1, 150, random),
    typeName: draft.typeName,
    codeNumber,
    codeNotation,
    issuedDay: draft.day,
    issuer: ref(draft.issuer),
    subject: draft.record.subject,
    pageAmount: draft.record.pageAmount,
    description: null,
    signer: draft.record.signer,
    priority: draft.record.priority,
    status: last.action,
    version: trace.length,
    updatedAtMs: last.atMs,
    arrivalDay,
    toPlaces: holder.places.join('; '),
    trace,
    dueDay: random() < 0.4 ? arrivalDay + intBetween(5, 15, random) * DAY_MS : null,
  };
}

function traceNote(action: string, issuer: GovernmentOrgan, place: string): string | null {
  switch (action) {
    case 'CHO_TIEP_NHAN':
      return issuer.level === 'MINISTRY' ? 'Nhận từ Trục liên thông văn bản quốc gia' : 'Nhận qua hệ thống quản lý văn bản của tỉnh';
    case 'DA_VAO_SO':
      return 'Văn thư vào sổ văn bản đến';
    case 'DA_PHAN_PHOI':
      return `Giao ${place} chủ trì xử lý`;
    case 'TRA_LAI':
      return 'Gửi nhầm nơi nhận';
    default:
      return null;
  }
}

/**
 * Số đến for every registered record, per holder and calendar year in registration order (Decree
 * 30/2020: arrival numbers run per organ and year), from where the holder's year had got to.
 */
function numberArrivals(
  incoming: readonly Omit<GovernmentDemoIncoming, 'id' | 'arrivalNumber' | 'copyOf'>[],
  organs: readonly GovernmentOrgan[],
  random: () => number,
): (number | null)[] {
  const levelOf = new Map(organs.map((organ) => [organ.organId, organ.level] as const));
  const registered = incoming
    .map((record, index) => ({ record, index, at: record.trace.find((entry) => entry.action === 'DA_VAO_SO')?.atMs }))
    .filter((entry): entry is { record: (typeof incoming)[number]; index: number; at: number } => entry.at !== undefined)
    .sort((a, b) => a.at - b.at);
  const numbers: (number | null)[] = incoming.map(() => null);
  const next = new Map<string, number>();
  for (const { record, index, at } of registered) {
    const { year, dayOfYear } = vietnamYearAndDay(at);
    const key = `${record.holder.organId}|${year}`;
    const perDay = ARRIVALS_PER_DAY[levelOf.get(record.holder.organId) ?? 'COMMUNE'];
    const number = next.get(key) ?? Math.max(1, Math.floor(dayOfYear * perDay * (0.8 + random() * 0.4)));
    next.set(key, number + intBetween(1, Math.max(1, Math.round(perDay / 4)), random));
    numbers[index] = number;
  }
  return numbers;
}

/** Working-day starts from 1 July 2025, when the district archives began to change hands. */
function handoverDays(): number[] {
  const result: number[] = [];
  for (let day = HANDOVER_FROM; result.length < HANDOVER_WORKING_DAYS; day += DAY_MS) {
    if (isWorkingDay(day)) result.push(day);
  }
  return result;
}

/** The archive records of every district dissolved into the province, by receiving commune. */
function archivesOf(provinceCode: string, random: () => number): GovernmentDemoArchiveFile[] {
  const files: GovernmentDemoArchiveFile[] = [];
  const handover = handoverDays();
  const districts = formerDistrictsOf(provinceCode).map((district) => ({
    district,
    day: pickOne(handover, random),
    // Some communes digitised most of what they received; others have not begun.
    progress: random() * 0.85,
  }));
  districts.sort((a, b) => a.day - b.day || a.district.ordinal - b.district.ordinal);
  districts.forEach(({ district, day, progress }, minuteIndex) => {
    const creator = `UBND ${districtInSentence(district.name)}`;
    const count = intBetween(30, 70, random);
    const drafts = Array.from({ length: count }, () => {
      const year = 2025 - Math.floor(Math.pow(random(), 1.5) * 30);
      const start = Date.UTC(year, intBetween(0, 10, random), intBetween(1, 28, random));
      const end = Math.min(start + intBetween(10, 300, random) * DAY_MS, Date.UTC(year, 11, 31));
      return { year, start, end };
    });
    drafts.sort((a, b) => a.year - b.year || a.start - b.start);
    const serial = new Map<string, number>();
    for (const { year, start, end } of drafts) {
      const kind = archiveRecordKind(
        {
          district: districtInSentence(district.name),
          formerCommune: communeInSentence(pickOne(district.formerCommuneNames, random)),
          year,
        },
        random,
      );
      const key = `${year}|${kind.office}`;
      const seq = (serial.get(key) ?? 0) + 1;
      serial.set(key, seq);
      const docTotal = intBetween(3, 120, random);
      const pageTotal = docTotal * intBetween(2, 12, random);
      const share = kind.retention.retention === 'PERMANENT' ? Math.min(1, progress * 1.4) : progress * 0.7;
      const draw = random();
      const digitization: GovernmentDemoArchiveFile['digitization'] =
        draw < share
          ? { state: 'DA_SO_HOA', pagesDigitized: pageTotal }
          : draw < share + 0.12
            ? { state: 'DANG_SO_HOA', pagesDigitized: intBetween(1, pageTotal - 1, random) }
            : { state: 'CHUA_SO_HOA', pagesDigitized: 0 };
      files.push({
        id: `HSLT-${provinceCode}-${String(files.length + 1).padStart(5, '0')}`,
        provinceCode,
        fileCode: {
          organId: `000.00.${String(district.ordinal).padStart(2, '0')}.H${district.formerProvinceCode}`,
          fileCatalog: year,
          fileNotation: `${String(seq).padStart(2, '0')}-${kind.office}`,
        },
        title: kind.title,
        retention: kind.retention,
        rights: random() < 0.8 ? 'Công khai' : 'Hạn chế sử dụng',
        creator,
        startDate: new Date(start).toISOString().slice(0, 10),
        endDate: new Date(end).toISOString().slice(0, 10),
        docTotal,
        pageTotal,
        digitization,
        handover: {
          formerDistrict: district.name,
          formerProvince: district.formerProvinceName,
          receivingCommuneCode: district.receivingCommuneCode,
          receivingOrganName: `UBND ${communeInSentence(district.receivingCommuneName)}`,
          handoverDay: day,
          minuteNumber: `${String(minuteIndex + 1).padStart(2, '0')}/BB-BGTL`,
        },
      });
    }
  });
  return files;
}
