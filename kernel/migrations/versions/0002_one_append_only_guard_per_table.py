"""One append-only guard per audit table.

In the first release the access log and the checkpoints each created `audit.refuse_change()`
with their own message, and whichever process started last replaced the other's: an UPDATE of
the access log could be refused naming the checkpoints, or with the wrong SQLSTATE. Each table
now has its own guard, with the message and SQLSTATE its code was written for.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GUARDS = """
CREATE FUNCTION audit.refuse_access_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.access_log is append-only: nothing recorded is edited or deleted'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE FUNCTION audit.refuse_checkpoint_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.checkpoints is append-only: % refused', TG_OP;
END $$;
CREATE OR REPLACE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON audit.access_log
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_access_log_change();
CREATE OR REPLACE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON audit.access_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_access_log_change();
CREATE OR REPLACE TRIGGER checkpoints_append_only
    BEFORE UPDATE OR DELETE ON audit.checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_checkpoint_change();
CREATE OR REPLACE TRIGGER checkpoints_no_truncate
    BEFORE TRUNCATE ON audit.checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_checkpoint_change();
DROP FUNCTION audit.refuse_change();
"""


def upgrade() -> None:
    op.execute(GUARDS)


def downgrade() -> None:
    # The record is never dropped: a release is rolled back by restoring a backup.
    raise NotImplementedError
