CREATE TABLE "corrections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mismatch_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"dossier_code" text NOT NULL,
	"target_system" text NOT NULL,
	"action" text NOT NULL,
	"status" text,
	"settled_by" text NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"result_native_status" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp with time zone,
	"verified_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reconciliation_schedules" (
	"province_code" text NOT NULL,
	"mode" text NOT NULL,
	"cron" text,
	"every_seconds" integer,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reconciliation_schedules_province_code_mode_pk" PRIMARY KEY("province_code","mode")
);
--> statement-breakpoint
CREATE TABLE "run_candidates" (
	"run_id" uuid NOT NULL,
	"partition" integer NOT NULL,
	"dossier_code" text NOT NULL,
	"class" text NOT NULL,
	"commune_code" text NOT NULL,
	"procedure_code" text NOT NULL,
	"lagging_systems" text[] DEFAULT '{}'::text[] NOT NULL,
	"leading_system" text,
	"expected_status" text,
	"settled_by" text,
	"pending_sync" boolean DEFAULT false NOT NULL,
	"observed" jsonb NOT NULL,
	"detail" text NOT NULL,
	"timeliness_before" text,
	"timeliness_after" text,
	CONSTRAINT "run_candidates_run_id_dossier_code_class_pk" PRIMARY KEY("run_id","dossier_code","class")
);
--> statement-breakpoint
CREATE TABLE "run_partitions" (
	"run_id" uuid NOT NULL,
	"index" integer NOT NULL,
	"from_code" text NOT NULL,
	"to_code" text,
	"dossiers" integer DEFAULT 0 NOT NULL,
	"done_at" timestamp with time zone,
	CONSTRAINT "run_partitions_run_id_index_pk" PRIMARY KEY("run_id","index")
);
--> statement-breakpoint
CREATE TABLE "run_reports" (
	"run_id" uuid NOT NULL,
	"format" text NOT NULL,
	"sha256" text NOT NULL,
	"bytes" integer NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_reports_run_id_format_pk" PRIMARY KEY("run_id","format")
);
--> statement-breakpoint
CREATE TABLE "run_scope" (
	"run_id" uuid NOT NULL,
	"dossier_code" text NOT NULL,
	CONSTRAINT "run_scope_run_id_dossier_code_pk" PRIMARY KEY("run_id","dossier_code")
);
--> statement-breakpoint
DROP INDEX "mismatches_open_uq";--> statement-breakpoint
ALTER TABLE "mismatches" ADD COLUMN "owner_unit" text;--> statement-breakpoint
ALTER TABLE "mismatches" ADD COLUMN "lagging_systems" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "mismatches" ADD COLUMN "settled_by" text;--> statement-breakpoint
ALTER TABLE "mismatches" ADD COLUMN "failed_verifications" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "mismatches" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "mismatches" ADD COLUMN "resolution_note" text;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "kind" text DEFAULT 'DOSSIERS' NOT NULL;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "mode" text DEFAULT 'FULL' NOT NULL;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "dry_run" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "rules_version" text;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "phase" text DEFAULT 'PULLING' NOT NULL;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "tolerance_seconds" integer DEFAULT 900 NOT NULL;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "partitions_total" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "partitions_done" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "totals" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "corrections" ADD CONSTRAINT "corrections_mismatch_id_mismatches_id_fk" FOREIGN KEY ("mismatch_id") REFERENCES "public"."mismatches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrections" ADD CONSTRAINT "corrections_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_candidates" ADD CONSTRAINT "run_candidates_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_partitions" ADD CONSTRAINT "run_partitions_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_reports" ADD CONSTRAINT "run_reports_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_scope" ADD CONSTRAINT "run_scope_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "corrections_mismatch_idx" ON "corrections" USING btree ("mismatch_id");--> statement-breakpoint
CREATE INDEX "corrections_run_idx" ON "corrections" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "corrections_live_uq" ON "corrections" USING btree ("mismatch_id","target_system","action") WHERE state in ('PENDING', 'APPLIED') and not dry_run;--> statement-breakpoint
CREATE INDEX "run_candidates_partition_idx" ON "run_candidates" USING btree ("run_id","partition");--> statement-breakpoint
CREATE INDEX "run_reports_sha_idx" ON "run_reports" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "observations_observed_idx" ON "observations" USING btree ("province_code","observed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mismatches_open_uq" ON "mismatches" USING btree ("dossier_code","class") WHERE state <> 'RESOLVED';