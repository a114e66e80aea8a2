-- A report is issued once: its bytes and SHA-256 never change after the run wrote them, so an
-- export an auditor holds can always be checked against the hub's record.
CREATE FUNCTION run_report_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'run_reports is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER run_reports_append_only BEFORE UPDATE OR DELETE ON "run_reports" FOR EACH ROW EXECUTE FUNCTION run_report_refuse_change();
--> statement-breakpoint
CREATE TRIGGER run_reports_no_truncate BEFORE TRUNCATE ON "run_reports" FOR EACH STATEMENT EXECUTE FUNCTION run_report_refuse_change();
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON "run_reports" FROM PUBLIC;
--> statement-breakpoint
GRANT SELECT, INSERT ON "run_reports" TO lienthong_app;
