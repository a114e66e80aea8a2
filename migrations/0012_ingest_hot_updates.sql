ALTER TABLE "outbox" DROP CONSTRAINT "outbox_inbound_event_id_inbound_events_id_fk";
--> statement-breakpoint
DROP INDEX "inbound_events_system_idx";--> statement-breakpoint
DROP INDEX "inbound_events_status_idx";--> statement-breakpoint
DROP INDEX "outbox_unpublished_idx";--> statement-breakpoint
DROP INDEX "outbox_published_idx";--> statement-breakpoint
ALTER TABLE "inbound_events" ALTER COLUMN "id" SET DEFAULT uuidv7();--> statement-breakpoint
-- Room in each page for the relay's marking of its rows, a heap-only update (no index holds published_at).
ALTER TABLE "outbox" SET (fillfactor = 50);