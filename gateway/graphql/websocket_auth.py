"""The gateway's GraphQL router. Over websockets the caller authenticates in graphql-transport-ws's
`connection_init` payload (`{"Authorization": "Bearer <token>"}`), since browsers cannot set
headers on a websocket; a missing or bad token closes the connection with 4403 and the reason in
the rejection payload. Over HTTP, every request strawberry refuses before GraphQL runs (a batch,
a body that is not JSON, no query) is answered in GraphQL's shape, with a code.
"""

from __future__ import annotations

import asyncio
from typing import Any

from cross_web import HTTPException
from starlette.responses import HTMLResponse, JSONResponse
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.types.unset import UNSET, UnsetType

from gateway.graphiql import GraphiQLPage
from gateway.graphql.context import Context
from gateway.graphql.input_rules import document_error, subscribes, unnamed_choice
from kernel.auth import AuthenticationError, TokenVerifier
from kernel.roles import Role
from kernel.web.caller import check_grants


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


class RefusedRequest(HTTPException):
    """A request refused before GraphQL runs, with its code and rule."""

    def __init__(self, status: int, reason: str, *, code: str, rule: str) -> None:
        super().__init__(status, reason)
        self.code, self.rule = code, rule


def request_error(
    status: int,
    message: str,
    *,
    code: str,
    rule: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """A refusal of the whole HTTP request, in GraphQL's shape (`errors` with `extensions`)."""
    body = {
        "data": None,
        "errors": [
            {
                "message": message,
                "extensions": {"code": code, "status": status, "rule": rule, **extensions},
            }
        ],
    }
    return JSONResponse(body, status_code=status, headers=headers)


class AuthenticatingRouter(GraphQLRouter[Context, None]):
    """strawberry's FastAPI router, checking the token of each websocket's connection_init and
    answering its own refusals in GraphQL's shape. Batches are refused (`BATCH_NOT_SUPPORTED`):
    each operation of a batch would need its own cost, rate and turn, and one request per
    operation gives them that for free. (Turns, time and cost: `gateway.graphql.limits`.)
    """

    def __init__(self, *args: Any, verifier: TokenVerifier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._verifier = verifier
        self.graphiql = GraphiQLPage()

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        """The GraphiQL page from the gateway's own files (`gateway.graphiql`), not a CDN's."""
        return self.graphiql.response()

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Run the request; strawberry's own refusals become GraphQL-shaped JSON."""
        try:
            return await super().run(request, context=context, root_value=root_value)
        except RefusedRequest as exc:
            return request_error(exc.status_code, exc.reason, code=exc.code, rule=exc.rule)
        except HTTPException as exc:
            return request_error(
                exc.status_code, exc.reason, code="BAD_REQUEST", rule="gateway.graphql_request"
            )

    def decode_json(self, data: str | bytes) -> object:
        """The request's JSON, which must be an object (or a list: a batch, refused below)."""
        decoded = super().decode_json(data)
        if not isinstance(decoded, dict | list):
            raise RefusedRequest(
                400,
                'the body must be a JSON object: {"query": ..., "variables": ...}',
                code="INVALID_INPUT",
                rule="gateway.graphql_request",
            )
        return decoded

    async def process_result(self, request: Any, result: Any) -> Any:
        """The result in GraphQL's shape; a refusal before execution (a syntax error, a limit of
        the parser) gets its code too, as the schema's error shape gives every other one."""
        data: Any = await super().process_result(request, result)
        errors: list[dict[str, Any]] = data.get("errors") or []
        for error in errors:
            extensions: dict[str, Any] = error.setdefault("extensions", {})
            if "code" not in extensions and "path" not in error:
                extensions.update(document_error(str(error.get("message", ""))))
        return data

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        """Execute the request's operation; refuse a document of several operations that does
        not name the one to run."""
        context = kwargs.get("context")
        if isinstance(context, Context) and context.actor.roles == {Role.INTEGRATION}:
            # Queries answer with people's records whole; an integration's scope (event types,
            # classes of personal fields) holds on the event channels, which redact by it.
            raise RefusedRequest(
                403,
                "an integration reads events (GET /events, webhooks, JetStream, the events "
                "subscription), within its scope; GraphQL queries and mutations are for people",
                code="FORBIDDEN",
                rule="gateway.integrations_read_events",
            )
        data = kwargs.get("request_data")
        if unnamed_choice(getattr(data, "query", None), getattr(data, "operation_name", None)):
            raise RefusedRequest(
                422,
                "the document holds several operations: say which to run in operationName",
                code="INVALID_INPUT",
                rule="graphql.operation_name",
            )
        if getattr(data, "protocol", None) == "http" and subscribes(
            getattr(data, "query", None), getattr(data, "operation_name", None)
        ):
            # strawberry would run it as a query and fail on its stream: a 500 for a request
            # that only came by the wrong way.
            raise RefusedRequest(
                400,
                "a subscription runs over the websocket at /graphql (graphql-transport-ws), or "
                "over HTTP with Accept: multipart/mixed",
                code="INVALID_INPUT",
                rule="graphql.subscription_transport",
            )
        return await super().execute_operation(*args, **kwargs)

    def _validate_batch_request(self, request_data: Any, protocol: Any) -> None:
        raise RefusedRequest(
            400,
            "batched requests are not supported: send one operation per request",
            code="BATCH_NOT_SUPPORTED",
            rule="gateway.no_batching",
        )

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
