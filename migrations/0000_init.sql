CREATE TABLE "administrative_units" (
	"code" text PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"name" text NOT NULL,
	"place_type" text,
	"province_code" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dossiers" (
	"code" text PRIMARY KEY NOT NULL,
	"province_code" text NOT NULL,
	"commune_code" text NOT NULL,
	"procedure_code" text NOT NULL,
	"applicant_personal_id" text,
	"received_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"returned_at" timestamp with time zone,
	"status" text,
	"has_open_mismatch" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "legacy_communes" (
	"id" integer PRIMARY KEY NOT NULL,
	"old_code" text,
	"old_name" text,
	"old_district_name" text,
	"old_province_name" text,
	"new_code" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mismatches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dossier_code" text NOT NULL,
	"province_code" text NOT NULL,
	"commune_code" text NOT NULL,
	"procedure_code" text NOT NULL,
	"class" text NOT NULL,
	"state" text DEFAULT 'OPEN' NOT NULL,
	"lagging_system" text,
	"leading_system" text,
	"expected_status" text,
	"observed" jsonb NOT NULL,
	"detail" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_run_id" uuid NOT NULL,
	"last_run_id" uuid NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "observations" (
	"dossier_code" text NOT NULL,
	"system" text NOT NULL,
	"province_code" text NOT NULL,
	"native_id" text,
	"native_status" text NOT NULL,
	"status" text,
	"commune_code" text NOT NULL,
	"procedure_code" text NOT NULL,
	"received_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"returned_at" timestamp with time zone,
	"source_updated_at" timestamp with time zone NOT NULL,
	"source_version" text NOT NULL,
	"observed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "observations_dossier_code_system_pk" PRIMARY KEY("dossier_code","system")
);
--> statement-breakpoint
CREATE TABLE "reconciliation_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" text NOT NULL,
	"province_code" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'QUEUED' NOT NULL,
	"requested_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"dossiers_compared" integer DEFAULT 0 NOT NULL,
	"mismatch_count" integer DEFAULT 0 NOT NULL,
	"counts_by_class" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failure_reason" text,
	CONSTRAINT "reconciliation_runs_job_id_unique" UNIQUE("job_id")
);
--> statement-breakpoint
CREATE TABLE "run_findings" (
	"run_id" uuid NOT NULL,
	"mismatch_id" uuid NOT NULL,
	"class" text NOT NULL,
	CONSTRAINT "run_findings_run_id_mismatch_id_pk" PRIMARY KEY("run_id","mismatch_id")
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"system" text NOT NULL,
	"scope" text NOT NULL,
	"cursor" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_system_scope_pk" PRIMARY KEY("system","scope")
);
--> statement-breakpoint
ALTER TABLE "legacy_communes" ADD CONSTRAINT "legacy_communes_new_code_administrative_units_code_fk" FOREIGN KEY ("new_code") REFERENCES "public"."administrative_units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mismatches" ADD CONSTRAINT "mismatches_first_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("first_run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mismatches" ADD CONSTRAINT "mismatches_last_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("last_run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_findings" ADD CONSTRAINT "run_findings_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_findings" ADD CONSTRAINT "run_findings_mismatch_id_mismatches_id_fk" FOREIGN KEY ("mismatch_id") REFERENCES "public"."mismatches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "administrative_units_province_idx" ON "administrative_units" USING btree ("province_code","level");--> statement-breakpoint
CREATE INDEX "dossiers_province_idx" ON "dossiers" USING btree ("province_code","code");--> statement-breakpoint
CREATE INDEX "dossiers_commune_idx" ON "dossiers" USING btree ("commune_code","code");--> statement-breakpoint
CREATE INDEX "dossiers_status_idx" ON "dossiers" USING btree ("province_code","status");--> statement-breakpoint
CREATE INDEX "dossiers_procedure_idx" ON "dossiers" USING btree ("procedure_code");--> statement-breakpoint
CREATE INDEX "dossiers_mismatch_idx" ON "dossiers" USING btree ("province_code") WHERE has_open_mismatch;--> statement-breakpoint
CREATE INDEX "legacy_communes_old_code_idx" ON "legacy_communes" USING btree ("old_code");--> statement-breakpoint
CREATE INDEX "legacy_communes_new_code_idx" ON "legacy_communes" USING btree ("new_code");--> statement-breakpoint
CREATE UNIQUE INDEX "mismatches_open_uq" ON "mismatches" USING btree ("dossier_code","class") WHERE state = 'OPEN';--> statement-breakpoint
CREATE INDEX "mismatches_province_idx" ON "mismatches" USING btree ("province_code","state","class");--> statement-breakpoint
CREATE INDEX "mismatches_dossier_idx" ON "mismatches" USING btree ("dossier_code");--> statement-breakpoint
CREATE INDEX "observations_province_idx" ON "observations" USING btree ("province_code","system");--> statement-breakpoint
CREATE INDEX "reconciliation_runs_created_idx" ON "reconciliation_runs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "reconciliation_runs_province_idx" ON "reconciliation_runs" USING btree ("province_code","created_at");