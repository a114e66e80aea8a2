-- No statistics for what no statement plans on: the findings' observed values, their detail and
-- the lagging systems. Autovacuum's ANALYZE of the table (it analyzes the whole table, every 10 %
-- of growth: each incremental run or two) then no longer sorts a sample of jsonb and long text in
-- the middle of the next run.
ALTER TABLE "run_candidates" ALTER COLUMN "observed" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "run_candidates" ALTER COLUMN "detail" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "run_candidates" ALTER COLUMN "lagging_systems" SET STATISTICS 0;
