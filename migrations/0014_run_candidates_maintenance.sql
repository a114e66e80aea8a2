-- No statistics for what no statement plans on: the findings' observed values, their detail and
-- the lagging systems. An ANALYZE of the whole table (each finalize's, and autovacuum's) then
-- samples the key and filter columns only, not the jsonb and long text whose sample it sorted
-- (0.7-1.0 s in an incremental run of 10,000 dossiers). A whole-table ANALYZE also resets the
-- count of changes that makes autovacuum analyze the table again; one of some columns does not.
ALTER TABLE "run_candidates" ALTER COLUMN "observed" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "run_candidates" ALTER COLUMN "detail" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "run_candidates" ALTER COLUMN "lagging_systems" SET STATISTICS 0;
