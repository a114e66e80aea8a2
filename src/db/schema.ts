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
    // The duplicate check of a scoped run starts from the applicants of the dossiers it covers.
    index('dossiers_applicant_idx').on(t.applicantPersonalId).where(sql`applicant_personal_id is not null`),
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
    // Incremental runs find what changed since their watermark.
    index('observations_observed_idx').on(t.provinceCode, t.observedAt),
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
  /** False while a run's read of the system is under way (a restarted run resumes it). */
  complete?: boolean;
}

/** What a run compares: the dossier systems, or civil registrations against the population database. */
export const RUN_KINDS = ['DOSSIERS', 'DATA_QUALITY'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
/** FULL re-reads every feed from the start; INCREMENTAL reads from the last watermark; DOSSIERS covers pushed dossiers. */
export const RUN_MODES = ['FULL', 'INCREMENTAL', 'DOSSIERS'] as const;
export type RunMode = (typeof RUN_MODES)[number];
/** Where a run is: reading the systems, comparing partitions, writing the report, done. */
export const RUN_PHASES = ['PULLING', 'COMPARING', 'FINALIZING', 'DONE'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** One reconciliation run over one scope. */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The BullMQ job that carries the run; a retried or re-delivered job continues the same run. */
    jobId: text('job_id').notNull().unique(),
    provinceCode: text('province_code').notNull(),
    trigger: text('trigger', { enum: ['SCHEDULE', 'REQUEST', 'PUSH'] }).notNull(),
    kind: text('kind', { enum: RUN_KINDS }).notNull().default('DOSSIERS'),
    mode: text('mode', { enum: RUN_MODES }).notNull().default('FULL'),
    /** A dry run computes corrections and writes its report, but sends nothing to any system. */
    dryRun: boolean('dry_run').notNull().default(false),
    /** Version of the authority rules the run applied (shown in its report). */
    rulesVersion: text('rules_version'),
    status: text('status', { enum: RUN_STATUSES }).notNull().default('QUEUED'),
    phase: text('phase', { enum: RUN_PHASES }).notNull().default('PULLING'),
    requestedBy: text('requested_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    /** An incremental run asked to cover changes since this instant instead of its last watermark. */
    since: ts('since'),
    /** Differences younger than this were reported as pending sync, not as mismatches. */
    toleranceSeconds: integer('tolerance_seconds').notNull().default(900),
    partitionsTotal: integer('partitions_total').notNull().default(0),
    partitionsDone: integer('partitions_done').notNull().default(0),
    dossiersCompared: integer('dossiers_compared').notNull().default(0),
    mismatchCount: integer('mismatch_count').notNull().default(0),
    countsByClass: jsonb('counts_by_class').$type<Record<string, number>>().notNull().default({}),
    /** Totals by commune and procedure, pending-sync count, corrections and timeliness impact. */
    totals: jsonb('totals').$type<Record<string, unknown>>().notNull().default({}),
    sources: jsonb('sources').$type<RunSourceRecord[]>().notNull().default([]),
    /** Why the run is PARTIAL or FAILED; null for a clean run. */
    failureReason: text('failure_reason'),
  },
  (t) => [index('reconciliation_runs_created_idx').on(t.createdAt), index('reconciliation_runs_province_idx').on(t.provinceCode, t.createdAt)],
);

/**
 * The dossiers an incremental run covers (those whose observations changed since the last
 * watermark, and those with a live mismatch), fixed when its pull ends so partitions and a
 * restarted run see the same set.
 */
export const runScope = pgTable(
  'run_scope',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => reconciliationRuns.id, { onDelete: 'cascade' }),
    dossierCode: text('dossier_code').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.dossierCode] })],
);

/** One slice of a run's dossiers, compared by its own job. */
export const runPartitions = pgTable(
  'run_partitions',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => reconciliationRuns.id, { onDelete: 'cascade' }),
    index: integer('index').notNull(),
    /** First dossier code of the slice (inclusive). */
    fromCode: text('from_code').notNull(),
    /** First code of the next slice (exclusive); null for the last. */
    toCode: text('to_code'),
    dossiers: integer('dossiers').notNull().default(0),
    doneAt: ts('done_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.index] })],
);

/**
 * What a partition found, before the run's finalize step merges it into mismatches: replaced as
 * a whole when a partition job runs again, so a re-run never counts a finding twice.
 */
export const runCandidates = pgTable(
  'run_candidates',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => reconciliationRuns.id, { onDelete: 'cascade' }),
    partition: integer('partition').notNull(),
    dossierCode: text('dossier_code').notNull(),
    class: text('class').notNull(),
    communeCode: text('commune_code').notNull(),
    procedureCode: text('procedure_code').notNull(),
    laggingSystems: text('lagging_systems').array().notNull().default(sql`'{}'::text[]`),
    leadingSystem: text('leading_system'),
    expectedStatus: text('expected_status'),
    /** The authority rule that settles the mismatch; null when a person has to decide. */
    settledBy: text('settled_by'),
    /** Younger than the run's tolerance: reported, not opened. */
    pendingSync: boolean('pending_sync').notNull().default(false),
    /** When a pending candidate stops being pending if nothing changes: later incremental runs look at it again from then. */
    pendingUntil: ts('pending_until'),
    observed: jsonb('observed').$type<Record<string, Record<string, unknown>>>().notNull(),
    detail: text('detail').notNull(),
    /** Decision 766 timeliness before and after the correction (ON_TIME, LATE, IN_PROGRESS). */
    timelinessBefore: text('timeliness_before'),
    timelinessAfter: text('timeliness_after'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.dossierCode, t.class] }), index('run_candidates_partition_idx').on(t.runId, t.partition)],
);

/**
 * Mismatch lifecycle: OPEN → CORRECTING (corrections sent) → RESOLVED (a later run no longer finds
 * it), or ESCALATED (corrections kept failing, or no rule settles it and a person was asked) and
 * WAIVED by a person with a note. Every state but RESOLVED is live: at most one per dossier and class.
 */
export const MISMATCH_STATES = ['OPEN', 'CORRECTING', 'RESOLVED', 'WAIVED', 'ESCALATED'] as const;
export type MismatchState = (typeof MISMATCH_STATES)[number];

/** A disagreement between systems about one dossier, live until a later run no longer finds it. */
export const mismatches = pgTable(
  'mismatches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dossierCode: text('dossier_code').notNull(),
    provinceCode: text('province_code').notNull(),
    communeCode: text('commune_code').notNull(),
    procedureCode: text('procedure_code').notNull(),
    class: text('class').notNull(),
    state: text('state', { enum: MISMATCH_STATES }).notNull().default('OPEN'),
    /** The unit that owns the follow-up: the commune that received the dossier. */
    ownerUnit: text('owner_unit'),
    laggingSystem: text('lagging_system'),
    /** Every system a correction goes to (the portal and a lagging system can both lag). */
    laggingSystems: text('lagging_systems').array().notNull().default(sql`'{}'::text[]`),
    leadingSystem: text('leading_system'),
    expectedStatus: text('expected_status'),
    /** The authority rule that settles it; null when a person has to decide. */
    settledBy: text('settled_by'),
    /** What each system said: { [system]: { status, nativeStatus, updatedAt, … } }. */
    observed: jsonb('observed').$type<Record<string, { status: string | null; nativeStatus: string; updatedAt: string }>>().notNull(),
    detail: text('detail').notNull(),
    /** Runs that found it again after its corrections were applied: each counts as a failed attempt. */
    failedVerifications: integer('failed_verifications').notNull().default(0),
    firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    firstRunId: uuid('first_run_id').notNull().references(() => reconciliationRuns.id),
    lastRunId: uuid('last_run_id').notNull().references(() => reconciliationRuns.id),
    resolvedAt: ts('resolved_at'),
    /** Who resolved, waived or escalated it (a person's subject, or `reconciliation`). */
    resolvedBy: text('resolved_by'),
    resolutionNote: text('resolution_note'),
  },
  (t) => [
    uniqueIndex('mismatches_open_uq').on(t.dossierCode, t.class).where(sql`state <> 'RESOLVED'`),
    index('mismatches_province_idx').on(t.provinceCode, t.state, t.class),
    index('mismatches_dossier_idx').on(t.dossierCode),
  ],
);

export const CORRECTION_ACTIONS = ['WRITE_STATUS', 'CREATE_DOSSIER', 'WRITE_DUE_DATE'] as const;
/** PLANNED: computed by a dry run, never sent. PENDING → APPLIED (the system took it) → VERIFIED (a later run agrees). */
export const CORRECTION_STATES = ['PLANNED', 'PENDING', 'APPLIED', 'VERIFIED', 'FAILED'] as const;
export type CorrectionState = (typeof CORRECTION_STATES)[number];

/**
 * An outbound write of the authoritative state to one lagging system. The id is the correction
 * id the system sees (MaYeuCau, correction_id), so a resend is applied once there.
 */
export const corrections = pgTable(
  'corrections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    mismatchId: uuid('mismatch_id')
      .notNull()
      .references(() => mismatches.id),
    runId: uuid('run_id')
      .notNull()
      .references(() => reconciliationRuns.id),
    dossierCode: text('dossier_code').notNull(),
    targetSystem: text('target_system').notNull(),
    action: text('action', { enum: CORRECTION_ACTIONS }).notNull(),
    status: text('status'),
    settledBy: text('settled_by').notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    state: text('state', { enum: CORRECTION_STATES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** The target's own word for the status after the write. */
    resultNativeStatus: text('result_native_status'),
    createdAt: ts('created_at').notNull().defaultNow(),
    appliedAt: ts('applied_at'),
    verifiedAt: ts('verified_at'),
  },
  (t) => [
    index('corrections_mismatch_idx').on(t.mismatchId),
    index('corrections_run_idx').on(t.runId),
    // One live correction per mismatch, target and action: a later run reuses it, never sends twice.
    uniqueIndex('corrections_live_uq')
      .on(t.mismatchId, t.targetSystem, t.action)
      .where(sql`state in ('PENDING', 'APPLIED') and not dry_run`),
  ],
);

/** A run's exports, stored byte for byte as served, with the SHA-256 an auditor checks. */
export const runReports = pgTable(
  'run_reports',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => reconciliationRuns.id),
    format: text('format', { enum: ['json', 'csv'] }).notNull(),
    sha256: text('sha256').notNull(),
    bytes: integer('bytes').notNull(),
    /** Parts in run_report_parts; 0 for a report issued whole in `body` (before parts existed). */
    parts: integer('parts').notNull().default(0),
    body: text('body'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.format] }), index('run_reports_sha_idx').on(t.sha256)],
);

/** An export's text in numbered parts of about a megabyte: concatenated in order, the export. Append-only. */
export const runReportParts = pgTable(
  'run_report_parts',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => reconciliationRuns.id),
    format: text('format', { enum: ['json', 'csv'] }).notNull(),
    part: integer('part').notNull(),
    body: text('body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.format, t.part] })],
);

/** Reconciliation schedules per province and mode: the configured defaults, changed by operators. */
export const reconciliationSchedules = pgTable(
  'reconciliation_schedules',
  {
    provinceCode: text('province_code').notNull(),
    mode: text('mode', { enum: ['FULL', 'INCREMENTAL', 'DATA_QUALITY'] }).notNull(),
    /** A cron pattern (Asia/Ho_Chi_Minh) or null when `everySeconds` is used. */
    cron: text('cron'),
    everySeconds: integer('every_seconds'),
    enabled: boolean('enabled').notNull().default(true),
    updatedBy: text('updated_by'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provinceCode, t.mode] })],
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
