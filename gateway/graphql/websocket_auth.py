"""GraphQL over websockets: the caller authenticates in graphql-transport-ws's `connection_init`
payload (`{"Authorization": "Bearer <token>"}`), since browsers cannot set headers on a websocket.
A missing or bad token closes the connection with 4403 and the reason in the rejection payload.
"""

from __future__ import annotations

import asyncio
from typing import Any

from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.types.unset import UNSET, UnsetType

from gateway.graphql.context import Context
from kernel.auth import AuthenticationError, TokenVerifier
from kernel.web import check_grants


def token_from_init(payload: dict[str, Any] | None) -> str:
    """The bearer token of a connection_init payload (`Authorization` or `token`)."""
    payload = payload or {}
    header = str(payload.get("Authorization") or payload.get("authorization") or "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthenticationError("the Authorization value is not 'Bearer <token>'")
        return token.strip()
    token = str(payload.get("token") or "")
    if not token:
        raise AuthenticationError(
            "no bearer token: send {'Authorization': 'Bearer <token>'} in connection_init"
        )
    return token


class AuthenticatingRouter(GraphQLRouter[Context, None]):
    """strawberry's FastAPI router, checking the token of each websocket's connection_init, and
    running at most `concurrency` HTTP operations at once.

    The gateway's executions share one event loop: past a few at once, more only interleave,
    each taking longer and holding its half-built answer in memory meanwhile (32 answers of a
    190-person department at once took the process over 150 MB). The others wait their turn,
    first come first served; subscriptions over websockets are not counted.
    """

    def __init__(
        self, *args: Any, verifier: TokenVerifier, concurrency: int = 8, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._verifier = verifier
        self._turns = asyncio.Semaphore(concurrency)

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        """Execute an HTTP operation when its turn comes."""
        async with self._turns:
            return await super().execute_operation(*args, **kwargs)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate the websocket from its init payload, or reject it with the reason."""
        try:
            params = context.connection_params
            token = token_from_init(params if isinstance(params, dict) else None)
            actor = self._verifier.verify(token)
            assert context.request is not None  # strawberry sets it for every connection
            await asyncio.to_thread(check_grants, context.request.app, actor)
            context.actor = actor
        except AuthenticationError as exc:
            raise ConnectionRejectionError({"reason": exc.reason, "rule": exc.rule}) from None
        context.token = token
        unset: UnsetType = UNSET
        return unset
