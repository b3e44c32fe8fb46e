"""The schema of the first release, as its processes created it at start.

A faithful copy of the DDL those processes ran (the eventsourcing library's event tables with
their composite type and insert function, the hash chains and idempotency keys, the
integrations tables, the access log and the checkpoints), kept with its `IF NOT EXISTS`, so that
on a database made by that release it changes nothing and on an empty one it makes the same.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The service logs of the first release, each in its own schema.
LOGS = ("directory", "goals", "feedback", "reviews")

# eventsourcing 9.4's PostgresApplicationRecorder (uuid ids, lock_timeout 0), then
# kernel.store.ChainedRecorder's chain and idempotency tables.
LOG_DDL = """
CREATE SCHEMA IF NOT EXISTS "{s}";
DO $$ BEGIN
    CREATE TYPE "{s}"."stored_event_uuid" AS (originator_id "uuid", originator_version bigint,
        topic text, state bytea);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE TABLE IF NOT EXISTS "{s}"."{s}_events" (originator_id "uuid" NOT NULL,
    originator_version bigint NOT NULL, topic text, state bytea, notification_id bigserial,
    PRIMARY KEY (originator_id, originator_version))
    WITH (autovacuum_enabled = true, autovacuum_vacuum_threshold = 100000000,
        autovacuum_vacuum_scale_factor = 0.5, autovacuum_analyze_threshold = 1000,
        autovacuum_analyze_scale_factor = 0.01);
CREATE UNIQUE INDEX IF NOT EXISTS "{s}_events_notification_id_idx"
    ON "{s}"."{s}_events" (notification_id ASC);
CREATE OR REPLACE FUNCTION "{s}"."es_insert_events_uuid"(events "{s}"."stored_event_uuid"[])
    RETURNS SETOF bigint LANGUAGE plpgsql AS
$BODY${insert_body}$BODY$;
CREATE TABLE IF NOT EXISTS "{s}"."{s}_chain" (notification_id bigint PRIMARY KEY,
    hash bytea NOT NULL);
CREATE TABLE IF NOT EXISTS "{s}"."{s}_idempotency" (key text PRIMARY KEY,
    fingerprint text NOT NULL, result jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now());
"""

# The library's function body, byte for byte (its statements are joined without newlines).
INSERT_BODY = (
    "BEGIN"
    "    SET LOCAL lock_timeout = '0s';"
    '    NOTIFY "{s}_events";'
    "    RETURN QUERY"
    '    INSERT INTO "{s}"."{s}_events" AS t ('
    "    originator_id, originator_version, topic, state)"
    "    SELECT originator_id, originator_version, topic, state"
    "    FROM unnest(events)"
    "    RETURNING notification_id;"
    "END;"
)

# gateway/integrations/store.py's DDL, with the columns it added later by ALTER.
INTEGRATIONS_DDL = """
CREATE SCHEMA IF NOT EXISTS integrations;
CREATE TABLE IF NOT EXISTS integrations.relay_positions (
    relay text NOT NULL,
    service text NOT NULL,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (relay, service)
);
CREATE TABLE IF NOT EXISTS integrations.webhook_subscriptions (
    id uuid PRIMARY KEY,
    unit_id uuid NOT NULL,
    kind text NOT NULL DEFAULT 'STANDARD',
    url text NOT NULL,
    types text[],
    secret text NOT NULL,
    signing_key bytea,
    status text NOT NULL,
    disabled_reason text,
    cursor text NOT NULL DEFAULT '',
    failures integer NOT NULL DEFAULT 0,
    failing_since timestamptz,
    next_attempt_at timestamptz,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE integrations.webhook_subscriptions ADD COLUMN IF NOT EXISTS signing_key bytea;
ALTER TABLE integrations.webhook_subscriptions ADD COLUMN IF NOT EXISTS scope text[];
CREATE INDEX IF NOT EXISTS webhook_subscriptions_unit
    ON integrations.webhook_subscriptions (unit_id);
CREATE TABLE IF NOT EXISTS integrations.webhook_attempts (
    id bigserial PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES integrations.webhook_subscriptions (id),
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    service text NOT NULL,
    position bigint NOT NULL,
    kind text NOT NULL,
    attempt integer NOT NULL,
    attempted_at timestamptz NOT NULL,
    status_code integer,
    error text,
    latency_ms double precision NOT NULL,
    response_snippet text,
    succeeded boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_attempts_subscription
    ON integrations.webhook_attempts (subscription_id, id);
CREATE INDEX IF NOT EXISTS webhook_attempts_event
    ON integrations.webhook_attempts (subscription_id, event_id);
CREATE TABLE IF NOT EXISTS integrations.webhook_dead_letters (
    subscription_id uuid NOT NULL REFERENCES integrations.webhook_subscriptions (id),
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    service text NOT NULL,
    position bigint NOT NULL,
    dead_at timestamptz NOT NULL,
    last_error text NOT NULL,
    PRIMARY KEY (subscription_id, event_id)
);
CREATE TABLE IF NOT EXISTS integrations.webhook_requests (
    id bigserial PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES integrations.webhook_subscriptions (id),
    kind text NOT NULL,
    event_id uuid,
    service text,
    position bigint,
    cursor text,
    requested_by uuid NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    done_at timestamptz
);
"""

# gateway/audit/access.py's DDL (the gateway started before the signer).
ACCESS_LOG_DDL = """
CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE IF NOT EXISTS audit.access_log (
    id bigserial PRIMARY KEY, read_at timestamptz NOT NULL, viewer_id uuid NOT NULL,
    viewer_unit uuid, viewer_roles text[] NOT NULL, subject_id uuid NOT NULL, subject_unit uuid,
    record text NOT NULL, query text NOT NULL, correlation_id text, hash bytea NOT NULL);
CREATE INDEX IF NOT EXISTS access_log_viewer ON audit.access_log (viewer_id, id);
CREATE INDEX IF NOT EXISTS access_log_subject ON audit.access_log (subject_id, id);
CREATE INDEX IF NOT EXISTS access_log_read_at ON audit.access_log (read_at, id);
CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.access_log is append-only: nothing recorded is edited or deleted'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON audit.access_log
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE OR REPLACE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON audit.access_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
"""

# services/audit/checkpoints.py's DDL. Its `refuse_change` replaced the access log's, which
# both tables' triggers then called: revision 0002 gives each its own.
CHECKPOINTS_DDL = """
CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE IF NOT EXISTS audit.checkpoints (
    service text NOT NULL,
    tree_size bigint NOT NULL,
    root_hash bytea NOT NULL,
    last_position bigint NOT NULL,
    chain_head bytea NOT NULL,
    key_id text NOT NULL,
    note text NOT NULL,
    signed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, tree_size)
);
CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.checkpoints is append-only: % refused', TG_OP;
END $$;
CREATE OR REPLACE TRIGGER checkpoints_append_only
    BEFORE UPDATE OR DELETE ON audit.checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE OR REPLACE TRIGGER checkpoints_no_truncate
    BEFORE TRUNCATE ON audit.checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
"""


def upgrade() -> None:
    for log in LOGS:
        op.execute(LOG_DDL.format(s=log, insert_body=INSERT_BODY.format(s=log)))
    op.execute(INTEGRATIONS_DDL)
    op.execute(ACCESS_LOG_DDL)
    op.execute(CHECKPOINTS_DDL)


def downgrade() -> None:
    # The record is never dropped: a release is rolled back by restoring a backup.
    raise NotImplementedError
