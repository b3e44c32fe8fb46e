"""Alembic's environment: runs the migrations on the connection `kernel.schema.migrate` opened
(and locked), in its transaction, so a migration that fails leaves nothing half done."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    msg = "run Kaohe's migrations with `kaohe migrate` (kernel.schema.migrate)"
    raise RuntimeError(msg)
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
