CREATE TABLE "run_report_parts" (
	"run_id" uuid NOT NULL,
	"format" text NOT NULL,
	"part" integer NOT NULL,
	"body" text NOT NULL,
	CONSTRAINT "run_report_parts_run_id_format_part_pk" PRIMARY KEY("run_id","format","part")
);
--> statement-breakpoint
ALTER TABLE "run_reports" ALTER COLUMN "body" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "run_reports" ADD COLUMN "parts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "run_report_parts" ADD CONSTRAINT "run_report_parts_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Parts are issued once, like the reports they make up (0007): never changed, never removed.
CREATE TRIGGER run_report_parts_append_only BEFORE UPDATE OR DELETE ON "run_report_parts" FOR EACH ROW EXECUTE FUNCTION run_report_refuse_change();
--> statement-breakpoint
CREATE TRIGGER run_report_parts_no_truncate BEFORE TRUNCATE ON "run_report_parts" FOR EACH STATEMENT EXECUTE FUNCTION run_report_refuse_change();
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON "run_report_parts" FROM PUBLIC;
--> statement-breakpoint
GRANT SELECT, INSERT ON "run_report_parts" TO lienthong_app;
