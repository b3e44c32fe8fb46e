"""The schema extension that writes a request's reads of other people's records to the access
log before its answer leaves (see `gateway.audit.access`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.graphql.context import Context


class RecordReads(SchemaExtension):
    """After a request has run, commit what it read of other people's records; if that fails,
    the answer is refused rather than sent unrecorded.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        ctx = self.execution_context.context
        if not isinstance(ctx, Context) or not ctx.reads or ctx.access is None:
            return
        try:
            await ctx.access.record(list(ctx.reads.values()))
        except (asyncpg.PostgresError, OSError):
            raise GraphQLError(
                "the access log could not record this read of other people's records; "
                "nothing was sent, try again",
                extensions={"code": "ACCESS_LOG_UNAVAILABLE", "status": 503},
            ) from None
