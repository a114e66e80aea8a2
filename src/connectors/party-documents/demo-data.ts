import { seededRandom } from '../simulator-kit.js';
import { DAY_MS, isWorkingDay, officeInstant, vietnamDayStart, workingDaysBefore } from '../demo/vietnam-calendar.js';
import { WeightedChoice, intBetween, pickOne } from '../demo/weighted-choice.js';
import { FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES } from '../demo/vietnamese-names.js';
import { buildPartyDirectory, type PartyOrgan, type PartySigner } from './demo-organs.js';
import { partySubject } from './demo-subjects.js';
import {
  PARTY_DOCUMENT_TYPES,
  PARTY_STATUS,
  formatPartyDate,
  formatPartyNumber,
  type PartyPriorityCode,
  type PartySecretLevelCode,
} from './mapping.js';

export interface PartyOrganRef {
  organId: string;
  organName: string;
}

/** One edXML status packet as iCPV stores it. */
export interface PartyDemoPacket {
  code: string;
  atMs: number;
  from: PartyOrganRef;
  department: string;
  staff: string;
  description: string;
}

/** A party document in iCPV's own terms (codes as they travel in the envelope). */
export interface PartyDemoDocument {
  /** edXML DocumentId `OrganId,yyyy/MM/dd,Số-Ký hiệu` (QCVN 102:2016 form). */
  documentId: string;
  provinceCode: string;
  /** The issuing commune; null for province-level and central issuers. */
  communeCode: string | null;
  from: PartyOrganRef;
  /** The first recipient is the one that handles it and sends the status packets. */
  to: PartyOrganRef[];
  codeNumber: string;
  /** `QĐ/TU`: type and issuer, printed after the number and a hyphen. */
  codeNotation: string;
  place: string;
  /** 00:00 Vietnam time of the promulgation day. */
  promulgationDay: number;
  sentAtMs: number;
  /** PARTY_DOCUMENT_TYPES key. */
  type: string;
  typeName: string;
  subject: string;
  signer: PartySigner;
  /** 00:00 Vietnam time of the due day, when one was set. */
  dueDay: number | null;
  priority: PartyPriorityCode;
  secretLevel: PartySecretLevelCode;
  pageAmount: number;
  promulgationAmount: number;
  /** Oldest first; never empty (delivery always produces 01). */
  packets: PartyDemoPacket[];
  version: number;
  updatedAtMs: number;
}

export interface PartyDemoDataset {
  seed: number;
  anchor: Date;
  provinceCodes: string[];
  /** In change-feed order: by last change, then by document id. */
  documents: PartyDemoDocument[];
}

export interface PartyDemoOptions {
  seed: number;
  /** Everything happens in the 90 calendar days before this instant's Vietnamese day. */
  anchor: Date;
  provinceCodes?: readonly string[];
  /** Documents per province; by default 200 plus two per commune (328 for Cà Mau, 392 for Quảng Ngãi). */
  documentsPerProvince?: number;
}

const WINDOW_DAYS = 90;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

const ISSUER_LEVEL = new WeightedChoice<PartyOrgan['level']>([
  ['CENTRAL', 8],
  ['PROVINCE', 17],
  ['BOARD', 20],
  ['COMMUNE', 55],
]);
/** One document in ten carries a secrecy mark (a fixed share, so every seed shows it). */
const SECRET_SHARE = 0.1;
/** Of the classified ones, most are Mật. */
const SECRET_LEVEL = new WeightedChoice<PartySecretLevelCode>([
  ['1', 6],
  ['2', 3],
  ['3', 1],
]);
const PRIORITY = new WeightedChoice<PartyPriorityCode>([
  ['0', 78],
  ['1', 14],
  ['2', 6],
  ['3', 2],
]);

type Outcome = 'COMPLETED' | 'REGISTERED' | 'STALLED' | 'REJECTED' | 'RECALL_AGREED' | 'RECALL_REFUSED';
/** Reports, notices and letters are mostly filed once registered; directives are worked on. */
const INFORMATIONAL_OUTCOME = new WeightedChoice<Outcome>([
  ['REGISTERED', 45],
  ['COMPLETED', 37],
  ['STALLED', 8],
  ['REJECTED', 5],
  ['RECALL_AGREED', 3],
  ['RECALL_REFUSED', 2],
]);
const DIRECTIVE_OUTCOME = new WeightedChoice<Outcome>([
  ['COMPLETED', 62],
  ['REGISTERED', 12],
  ['STALLED', 17],
  ['REJECTED', 3],
  ['RECALL_AGREED', 4],
  ['RECALL_REFUSED', 2],
]);
const INFORMATIONAL_TYPES = new Set(['9', '10', '11']);

/** Status codes in order for each outcome, with the delay range after the previous step. */
const STEPS: Readonly<Record<Outcome, readonly string[]>> = {
  COMPLETED: ['01', '03', '04', '05', '06'],
  REGISTERED: ['01', '03'],
  STALLED: ['01', '03', '04', '05'],
  REJECTED: ['01', '02'],
  RECALL_AGREED: ['01', '03', '13', '15'],
  RECALL_REFUSED: ['01', '03', '13', '16'],
};
const STEP_DELAY_MS: Readonly<Record<string, readonly [number, number]>> = {
  '01': [5 * MINUTE_MS, 2 * HOUR_MS],
  '02': [30 * MINUTE_MS, 24 * HOUR_MS],
  '03': [30 * MINUTE_MS, 24 * HOUR_MS],
  '04': [HOUR_MS, 2 * DAY_MS],
  '05': [HOUR_MS, 3 * DAY_MS],
  '06': [DAY_MS, 15 * DAY_MS],
  '13': [DAY_MS, 5 * DAY_MS],
  '15': [HOUR_MS, 2 * DAY_MS],
  '16': [HOUR_MS, 2 * DAY_MS],
};
/** Where numbering of the current term had reached when the window opens. */
const FIRST_NUMBER: Readonly<Record<PartyOrgan['level'], readonly [number, number]>> = {
  CENTRAL: [300, 900],
  PROVINCE: [150, 450],
  BOARD: [40, 200],
  COMMUNE: [10, 80],
};

const FAMILY = new WeightedChoice(FAMILY_NAMES);

function staffName(random: () => number): string {
  const sex = random() < 0.5 ? 'MALE' : 'FEMALE';
  return `${FAMILY.pick(random)} ${pickOne(MIDDLE_NAMES[sex], random)} ${pickOne(GIVEN_NAMES[sex], random)}`;
}

function ref(organ: PartyOrgan): PartyOrganRef {
  return { organId: organ.organId, organName: organ.name };
}

function distinct<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) {
    picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  }
  return picked;
}

interface Draft extends Omit<PartyDemoDocument, 'documentId' | 'codeNumber' | 'codeNotation'> {
  issuer: PartyOrgan;
  typeCode: string;
}

/**
 * Party documents of the demo provinces: issued by the Tỉnh ủy, its boards, the commune party
 * committees and central organs over the last 90 days, each with the status packets its main
 * recipient sent back so far. Deterministic for a seed and an anchor day.
 */
export function buildPartyDemoDataset(options: PartyDemoOptions): PartyDemoDataset {
  const random = seededRandom(options.seed ^ 0x1c9f);
  const provinceCodes = [...(options.provinceCodes ?? ['96', '51'])];
  const anchorMs = vietnamDayStart(options.anchor.getTime());
  const days = workingDaysBefore(anchorMs, WINDOW_DAYS);
  const directory = buildPartyDirectory(provinceCodes, random);
  const drafts: Draft[] = [];

  for (const provinceCode of provinceCodes) {
    const organs = directory.provinces.get(provinceCode) ?? [];
    const committee = organs.find((organ) => organ.level === 'PROVINCE');
    const boards = organs.filter((organ) => organ.level === 'BOARD');
    const communes = organs.filter((organ) => organ.level === 'COMMUNE');
    if (!committee) throw new RangeError(`no party committee for province ${provinceCode}`);
    const organisation = boards.find((board) => board.issuerCode === 'BTCTU') ?? committee;
    const count = options.documentsPerProvince ?? 200 + 2 * communes.length;

    const firstOfProvince = drafts.length;
    for (let i = 0; i < count; i += 1) {
      const level = ISSUER_LEVEL.pick(random);
      const issuer =
        level === 'CENTRAL'
          ? pickOne(directory.central, random)
          : level === 'PROVINCE'
            ? committee
            : level === 'BOARD'
              ? pickOne(boards, random)
              : pickOne(communes, random);
      const recipients: PartyOrgan[] =
        level === 'CENTRAL'
          ? [committee]
          : level === 'PROVINCE'
            ? distinct([...boards, ...communes], intBetween(1, 3, random), random)
            : level === 'BOARD'
              ? distinct(communes, intBetween(1, 3, random), random)
              : random() < 0.6
                ? [committee]
                : [organisation, committee];
      const type = new WeightedChoice(issuer.issues).pick(random);
      const day = pickOne(days, random);
      const sentAtMs = officeInstant(day, random());
      const d = new Date(day + 7 * HOUR_MS);
      const month = d.getUTCMonth() + 1;
      const unit = issuer.communeCode ? issuer.name.replace(/^Đảng ủy /u, '') : `tỉnh ${issuer.place}`;
      const outcome = (INFORMATIONAL_TYPES.has(type) ? INFORMATIONAL_OUTCOME : DIRECTIVE_OUTCOME).pick(random);
      const primary = recipients[0] ?? committee;
      const packets = packetsFor(outcome, sentAtMs, anchorMs, issuer, primary, random);
      const last = packets[packets.length - 1];
      drafts.push({
        issuer,
        typeCode: PARTY_DOCUMENT_TYPES[type]?.code ?? 'CV',
        provinceCode,
        communeCode: issuer.communeCode,
        from: ref(issuer),
        to: recipients.map(ref),
        place: issuer.place,
        promulgationDay: day,
        sentAtMs,
        type,
        typeName: PARTY_DOCUMENT_TYPES[type]?.name ?? 'Công văn',
        subject: partySubject(type, { unit, year: d.getUTCFullYear(), month, quarter: Math.ceil(month / 3) }, random),
        signer: pickOne(issuer.signers, random),
        dueDay: random() < 0.35 ? day + intBetween(5, 30, random) * DAY_MS : null,
        priority: PRIORITY.pick(random),
        secretLevel: '0',
        pageAmount: random() < 0.85 ? intBetween(1, 12, random) : intBetween(13, 40, random),
        promulgationAmount: recipients.length + intBetween(2, 6, random),
        packets,
        version: 1 + packets.length,
        updatedAtMs: last ? last.atMs : sentAtMs,
      });
    }
    const provinceDrafts = drafts.slice(firstOfProvince);
    for (const draft of distinct(provinceDrafts, Math.round(provinceDrafts.length * SECRET_SHARE), random)) {
      draft.secretLevel = SECRET_LEVEL.pick(random);
    }
  }

  const documents = numbered(drafts, random);
  documents.sort((a, b) => a.updatedAtMs - b.updatedAtMs || (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0));
  return { seed: options.seed, anchor: new Date(anchorMs), provinceCodes, documents };
}

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

/** The packets the main recipient (and, for a recall, the issuer) sent before the anchor. */
function packetsFor(
  outcome: Outcome,
  sentAtMs: number,
  anchorMs: number,
  issuer: PartyOrgan,
  recipient: PartyOrgan,
  random: () => number,
): PartyDemoPacket[] {
  const packets: PartyDemoPacket[] = [];
  let at = sentAtMs;
  for (const code of STEPS[outcome]) {
    const [min, max] = STEP_DELAY_MS[code] ?? [HOUR_MS, DAY_MS];
    at += min + Math.floor(random() * (max - min) / 1_000) * 1_000;
    // Delivery (01) is automatic; every later step is an officer's act in office hours.
    if (code !== '01') at = nextOfficeMoment(at);
    // Delivery is immediate on the party network; only later steps may still lie ahead.
    if (at >= anchorMs) {
      if (packets.length > 0) break;
      at = anchorMs - 1_000;
    }
    const sender = code === '13' ? issuer : recipient;
    packets.push({
      code,
      atMs: at,
      from: ref(sender),
      department: sender.department,
      staff: staffName(random),
      description: PARTY_STATUS[code]?.label ?? '',
    });
  }
  return packets;
}

/**
 * Gives each organ's documents consecutive numbers in issue order, starting where the organ's
 * numbering of the term had got to. Party numbers run per issuing organ, not per type [I].
 */
function numbered(drafts: Draft[], random: () => number): PartyDemoDocument[] {
  const byOrgan = new Map<string, Draft[]>();
  for (const draft of drafts) {
    const list = byOrgan.get(draft.issuer.organId) ?? [];
    list.push(draft);
    byOrgan.set(draft.issuer.organId, list);
  }
  const result: PartyDemoDocument[] = [];
  for (const list of byOrgan.values()) {
    list.sort((a, b) => a.sentAtMs - b.sentAtMs);
    const first = list[0];
    if (!first) continue;
    const [low, high] = FIRST_NUMBER[first.issuer.level];
    let next = intBetween(low, high, random);
    for (const draft of list) {
      const { issuer, typeCode, ...rest } = draft;
      const codeNumber = String(next);
      const codeNotation = `${typeCode}/${issuer.issuerCode}`;
      // Other documents of the organ go to recipients outside this feed, hence the gaps.
      next += intBetween(1, 3, random);
      result.push({
        ...rest,
        documentId: `${issuer.organId},${formatPartyDate(new Date(draft.promulgationDay))},${formatPartyNumber(codeNumber, codeNotation)}`,
        codeNumber,
        codeNotation,
      });
    }
  }
  return result;
}
