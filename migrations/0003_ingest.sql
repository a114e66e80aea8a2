CREATE TABLE "dossier_flags" (
	"dossier_code" text NOT NULL,
	"system" text NOT NULL,
	"class" text NOT NULL,
	"province_code" text NOT NULL,
	"commune_code" text NOT NULL,
	"procedure_code" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"native_status" text NOT NULL,
	"source_timestamp" timestamp with time zone NOT NULL,
	"inbound_event_id" uuid NOT NULL,
	"detail" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dossier_flags_dossier_code_system_class_pk" PRIMARY KEY("dossier_code","system","class")
);
--> statement-breakpoint
CREATE TABLE "dossier_reconcile_requests" (
	"dossier_code" text PRIMARY KEY NOT NULL,
	"province_code" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entity_states" (
	"system" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_key" text NOT NULL,
	"source_version" bigint,
	"source_timestamp" timestamp with time zone NOT NULL,
	"event_type" text NOT NULL,
	"inbound_event_id" uuid NOT NULL,
	"data" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entity_states_system_entity_type_entity_key_pk" PRIMARY KEY("system","entity_type","entity_key")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"system" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"state" text DEFAULT 'IN_FLIGHT' NOT NULL,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "idempotency_keys_system_key_pk" PRIMARY KEY("system","key")
);
--> statement-breakpoint
CREATE TABLE "inbound_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_key" text NOT NULL,
	"source_version" bigint,
	"source_timestamp" timestamp with time zone NOT NULL,
	"sequence" bigint,
	"channel" text NOT NULL,
	"delivery_id" text,
	"payload" jsonb NOT NULL,
	"payload_hash" text NOT NULL,
	"status" text DEFAULT 'ACCEPTED' NOT NULL,
	"reason_code" text,
	"reason" text,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"apply_count" integer DEFAULT 0 NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ingest_rejections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system" text NOT NULL,
	"channel" text NOT NULL,
	"delivery_id" text,
	"http_status" integer NOT NULL,
	"code" text NOT NULL,
	"message" text NOT NULL,
	"events" integer NOT NULL,
	"reasons" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"inbound_event_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"publish_count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sender_sequences" (
	"system" text PRIMARY KEY NOT NULL,
	"contiguous_through" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sequence_gaps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system" text NOT NULL,
	"from_sequence" bigint NOT NULL,
	"to_sequence" bigint NOT NULL,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"pulled" integer DEFAULT 0 NOT NULL,
	"detail" text
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_inbound_event_id_inbound_events_id_fk" FOREIGN KEY ("inbound_event_id") REFERENCES "public"."inbound_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dossier_flags_province_idx" ON "dossier_flags" USING btree ("province_code");--> statement-breakpoint
CREATE INDEX "dossier_reconcile_requests_province_idx" ON "dossier_reconcile_requests" USING btree ("province_code","requested_at");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_events_system_event_uq" ON "inbound_events" USING btree ("system","event_id");--> statement-breakpoint
CREATE INDEX "inbound_events_received_idx" ON "inbound_events" USING btree ("received_at","id");--> statement-breakpoint
CREATE INDEX "inbound_events_system_idx" ON "inbound_events" USING btree ("system","status");--> statement-breakpoint
CREATE INDEX "inbound_events_status_idx" ON "inbound_events" USING btree ("status","received_at");--> statement-breakpoint
CREATE INDEX "inbound_events_entity_idx" ON "inbound_events" USING btree ("entity_key");--> statement-breakpoint
CREATE INDEX "inbound_events_sequence_idx" ON "inbound_events" USING btree ("system","sequence") WHERE sequence is not null;--> statement-breakpoint
CREATE INDEX "ingest_rejections_system_idx" ON "ingest_rejections" USING btree ("system","received_at");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "outbox" USING btree ("id") WHERE published_at is null;--> statement-breakpoint
CREATE INDEX "outbox_published_idx" ON "outbox" USING btree ("published_at") WHERE published_at is not null;--> statement-breakpoint
CREATE INDEX "outbox_inbound_idx" ON "outbox" USING btree ("inbound_event_id");--> statement-breakpoint
CREATE INDEX "sequence_gaps_system_idx" ON "sequence_gaps" USING btree ("system","detected_at");