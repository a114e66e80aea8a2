CREATE TABLE "documents" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"direction" text,
	"number" text NOT NULL,
	"type_code" text,
	"type_name" text NOT NULL,
	"subject" text NOT NULL,
	"issuer_organ_id" text,
	"issuer_name" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone,
	"arrived_at" timestamp with time zone,
	"urgency" text NOT NULL,
	"secrecy" text NOT NULL,
	"page_count" integer NOT NULL,
	"signer_name" text NOT NULL,
	"signer_position" text NOT NULL,
	"province_code" text NOT NULL,
	"commune_code" text,
	"dossier_code" text,
	"status" text,
	"native_status" text NOT NULL,
	"source_updated_at" timestamp with time zone NOT NULL,
	"observed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "documents_province_idx" ON "documents" USING btree ("province_code","issued_at");--> statement-breakpoint
CREATE INDEX "documents_commune_idx" ON "documents" USING btree ("commune_code","issued_at");--> statement-breakpoint
CREATE INDEX "documents_dossier_idx" ON "documents" USING btree ("dossier_code");