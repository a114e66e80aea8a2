import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Provinces (34) and communes (3,321) of the two-level government in force since 1 July 2025. */
export const administrativeUnits = pgTable(
  'administrative_units',
  {
    code: text('code').primaryKey(),
    level: text('level', { enum: ['PROVINCE', 'COMMUNE'] }).notNull(),
    name: text('name').notNull(),
    placeType: text('place_type'),
    /** For a commune, its province; for a province, its own code. */
    provinceCode: text('province_code').notNull(),
  },
  (t) => [index('administrative_units_province_idx').on(t.provinceCode, t.level)],
);

/**
 * Pre-2025 communes (wards) and the new commune each became part of: one row per mapping rule of
 * the source list. Some rules name the old commune without its code; one old code can map to
 * several new communes when it was split; a few rules (special zones formed from whole districts)
 * name no old commune at all.
 */
export const legacyCommunes = pgTable(
  'legacy_communes',
  {
    id: integer('id').primaryKey(),
    oldCode: text('old_code'),
    oldName: text('old_name'),
    oldDistrictName: text('old_district_name'),
    oldProvinceName: text('old_province_name'),
    newCode: text('new_code')
      .notNull()
      .references(() => administrativeUnits.code),
  },
  (t) => [index('legacy_communes_old_code_idx').on(t.oldCode), index('legacy_communes_new_code_idx').on(t.newCode)],
);

/** The hub's index of dossiers, fed by pulls and pushes. One row per national dossier code. */
export const dossiers = pgTable(
  'dossiers',
  {
    code: text('code').primaryKey(),
    provinceCode: text('province_code').notNull(),
    communeCode: text('commune_code').notNull(),
    procedureCode: text('procedure_code').notNull(),
    /** Personal data: read only through services that record the purpose of the read. */
    applicantPersonalId: text('applicant_personal_id'),
    receivedAt: ts('received_at'),
    dueAt: ts('due_at'),
    finishedAt: ts('finished_at'),
    returnedAt: ts('returned_at'),
    /** The hub's single canonical status (national code name), derived from the observations. */
    status: text('status'),
    hasOpenMismatch: boolean('has_open_mismatch').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('dossiers_province_idx').on(t.provinceCode, t.code),
    index('dossiers_commune_idx').on(t.communeCode, t.code),
    index('dossiers_status_idx').on(t.provinceCode, t.status),
    index('dossiers_procedure_idx').on(t.procedureCode),
    index('dossiers_mismatch_idx').on(t.provinceCode).where(sql`has_open_mismatch`),
  ],
);

/** What one system last said about one dossier. */
export const observations = pgTable(
  'observations',
  {
    dossierCode: text('dossier_code').notNull(),
    system: text('system').notNull(),
    provinceCode: text('province_code').notNull(),
    nativeId: text('native_id'),
    nativeStatus: text('native_status').notNull(),
    status: text('status'),
    communeCode: text('commune_code').notNull(),
    procedureCode: text('procedure_code').notNull(),
    receivedAt: ts('received_at'),
    dueAt: ts('due_at'),
    finishedAt: ts('finished_at'),
    returnedAt: ts('returned_at'),
    /** The system's own change time and version of the record. */
    sourceUpdatedAt: ts('source_updated_at').notNull(),
    sourceVersion: text('source_version').notNull(),
    /** When the hub stored this observation. */
    observedAt: ts('observed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.dossierCode, t.system] }),
    index('observations_province_idx').on(t.provinceCode, t.system),
  ],
);

/** Where each change feed was last read up to, per system and scope (a province). */
export const syncCursors = pgTable(
  'sync_cursors',
  {
    system: text('system').notNull(),
    scope: text('scope').notNull(),
    cursor: text('cursor').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.system, t.scope] })],
);

export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunSourceRecord {
  system: string;
  cursorFrom: string | null;
  cursorTo: string | null;
  read: number;
  error: { code: string; message: string } | null;
}

/** One reconciliation run over one scope. */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The BullMQ job that carries the run; a retried or re-delivered job continues the same run. */
    jobId: text('job_id').notNull().unique(),
    provinceCode: text('province_code').notNull(),
    trigger: text('trigger', { enum: ['SCHEDULE', 'REQUEST'] }).notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull().default('QUEUED'),
    requestedBy: text('requested_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    dossiersCompared: integer('dossiers_compared').notNull().default(0),
    mismatchCount: integer('mismatch_count').notNull().default(0),
    countsByClass: jsonb('counts_by_class').$type<Record<string, number>>().notNull().default({}),
    sources: jsonb('sources').$type<RunSourceRecord[]>().notNull().default([]),
    /** Why the run is PARTIAL or FAILED; null for a clean run. */
    failureReason: text('failure_reason'),
  },
  (t) => [index('reconciliation_runs_created_idx').on(t.createdAt), index('reconciliation_runs_province_idx').on(t.provinceCode, t.createdAt)],
);

/** A disagreement between systems about one dossier, open until a later run no longer finds it. */
export const mismatches = pgTable(
  'mismatches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dossierCode: text('dossier_code').notNull(),
    provinceCode: text('province_code').notNull(),
    communeCode: text('commune_code').notNull(),
    procedureCode: text('procedure_code').notNull(),
    class: text('class').notNull(),
    state: text('state', { enum: ['OPEN', 'RESOLVED'] }).notNull().default('OPEN'),
    laggingSystem: text('lagging_system'),
    leadingSystem: text('leading_system'),
    expectedStatus: text('expected_status'),
    /** What each system said: { [system]: { status, nativeStatus, updatedAt } }. */
    observed: jsonb('observed').$type<Record<string, { status: string | null; nativeStatus: string; updatedAt: string }>>().notNull(),
    detail: text('detail').notNull(),
    firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    firstRunId: uuid('first_run_id').notNull().references(() => reconciliationRuns.id),
    lastRunId: uuid('last_run_id').notNull().references(() => reconciliationRuns.id),
    resolvedAt: ts('resolved_at'),
  },
  (t) => [
    uniqueIndex('mismatches_open_uq').on(t.dossierCode, t.class).where(sql`state = 'OPEN'`),
    index('mismatches_province_idx').on(t.provinceCode, t.state, t.class),
    index('mismatches_dossier_idx').on(t.dossierCode),
  ],
);

/** Which mismatches a run found: the run's own record, unchanged by later runs. */
export const runFindings = pgTable(
  'run_findings',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => reconciliationRuns.id),
    mismatchId: uuid('mismatch_id')
      .notNull()
      .references(() => mismatches.id),
    class: text('class').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.mismatchId] })],
);

/**
 * Append-only record of what happened to personal data and who did it: every read of citizen
 * data (with its purpose and the dossier or registration it serves), and later every mutation,
 * correction and report. `subject_personal_id` lets a citizen ask who read their data.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: ts('at').notNull().defaultNow(),
    action: text('action').notNull(),
    actor: text('actor').notNull(),
    actorUnit: text('actor_unit'),
    subjectPersonalId: text('subject_personal_id'),
    purpose: text('purpose'),
    reference: text('reference'),
    fields: text('fields').array().notNull().default(sql`'{}'::text[]`),
    requestId: text('request_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    /** Position in the hash chain, gap-free; set by the database on insert. */
    seq: bigint('seq', { mode: 'number' }),
    /** Hash of the previous event (the chain); set by the database on insert, never by the hub. */
    prevHash: text('prev_hash'),
    /** sha256 over this event's canonical text and prevHash; set by the database on insert. */
    hash: text('hash'),
  },
  (t) => [
    index('audit_events_subject_idx').on(t.subjectPersonalId, t.at),
    index('audit_events_at_idx').on(t.at),
    uniqueIndex('audit_events_seq_uq').on(t.seq),
  ],
);

/**
 * The hub's index of documents of both document systems (metadata as each system reports it),
 * fed by their change feeds, so one query can filter and page across both.
 */
export const documents = pgTable(
  'documents',
  {
    id: text('id').primaryKey(),
    source: text('source').notNull(),
    direction: text('direction'),
    number: text('number').notNull(),
    typeCode: text('type_code'),
    typeName: text('type_name').notNull(),
    subject: text('subject').notNull(),
    issuerOrganId: text('issuer_organ_id'),
    issuerName: text('issuer_name').notNull(),
    issuedAt: ts('issued_at').notNull(),
    dueAt: ts('due_at'),
    arrivedAt: ts('arrived_at'),
    urgency: text('urgency').notNull(),
    secrecy: text('secrecy').notNull(),
    pageCount: integer('page_count').notNull(),
    signerName: text('signer_name').notNull(),
    signerPosition: text('signer_position').notNull(),
    provinceCode: text('province_code').notNull(),
    communeCode: text('commune_code'),
    /** A dossier the document is about, when its system says so. */
    dossierCode: text('dossier_code'),
    status: text('status'),
    nativeStatus: text('native_status').notNull(),
    sourceUpdatedAt: ts('source_updated_at').notNull(),
    observedAt: ts('observed_at').notNull().defaultNow(),
  },
  (t) => [
    index('documents_province_idx').on(t.provinceCode, t.issuedAt),
    index('documents_commune_idx').on(t.communeCode, t.issuedAt),
    index('documents_dossier_idx').on(t.dossierCode),
  ],
);
