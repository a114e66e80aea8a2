-- Audit events are append-only and hash-chained, enforced by PostgreSQL itself.
-- The chain head is one row; updating it takes its row lock, so concurrent inserts get
-- consecutive positions and each sees the hash of the one before it.
CREATE TABLE "audit_chain_head" (
	"id" smallint PRIMARY KEY DEFAULT 1 CHECK ("id" = 1),
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
INSERT INTO "audit_chain_head" ("id", "seq", "hash") VALUES (1, 0, repeat('0', 64));
--> statement-breakpoint
-- The text that is hashed: every column in a fixed order. `at` is kept to the millisecond so a
-- verifier reading it as a JavaScript Date reproduces it exactly; `detail` is hashed as jsonb's
-- canonical text.
CREATE FUNCTION audit_event_canonical(e audit_events) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT concat_ws('|',
		e.seq::text,
		to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
		e.action, e.actor, coalesce(e.actor_unit, ''), coalesce(e.subject_personal_id, ''),
		coalesce(e.purpose, ''), coalesce(e.reference, ''), array_to_string(e.fields, ','),
		coalesce(e.request_id, ''), e.detail::text, e.prev_hash)
$$;
--> statement-breakpoint
CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	head_seq bigint;
	head_hash text;
BEGIN
	UPDATE audit_chain_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash INTO head_seq, head_hash;
	NEW.seq := head_seq;
	NEW.prev_hash := head_hash;
	NEW.at := date_trunc('milliseconds', NEW.at);
	NEW.hash := encode(sha256(convert_to(audit_event_canonical(NEW), 'UTF8')), 'hex');
	UPDATE audit_chain_head SET hash = NEW.hash WHERE id = 1;
	RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_chain BEFORE INSERT ON "audit_events" FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
--> statement-breakpoint
CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
--> statement-breakpoint
-- Rows written before the chain existed join it in id order.
DO $$
DECLARE
	r audit_events;
	prev text := repeat('0', 64);
	n bigint := 0;
BEGIN
	ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
	FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
		n := n + 1;
		r.seq := n;
		r.prev_hash := prev;
		r.at := date_trunc('milliseconds', r.at);
		r.hash := encode(sha256(convert_to(audit_event_canonical(r), 'UTF8')), 'hex');
		UPDATE audit_events SET seq = r.seq, prev_hash = r.prev_hash, at = r.at, hash = r.hash WHERE id = r.id;
		prev := r.hash;
	END LOOP;
	ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
	UPDATE audit_chain_head SET seq = n, hash = prev WHERE id = 1;
END
$$;
--> statement-breakpoint
-- A role for the application that can read and append audit events but never change them,
-- even with the triggers disabled. Deployments connect the hub as this role (or one granted it).
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lienthong_app') THEN
		CREATE ROLE lienthong_app NOLOGIN;
	END IF;
END
$$;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_events" FROM PUBLIC;
--> statement-breakpoint
GRANT SELECT, INSERT ON "audit_events" TO lienthong_app;
--> statement-breakpoint
GRANT SELECT, UPDATE ON "audit_chain_head" TO lienthong_app;
