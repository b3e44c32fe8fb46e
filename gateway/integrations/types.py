"""GraphQL types of webhook subscriptions and their delivery record, with Chinese labels."""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID

import asyncpg
import strawberry
from graphql import GraphQLError

from gateway.graphql.plumbing import Info_, from_row
from gateway.integrations.outbound import status_line
from gateway.integrations.store import SCHEMA
from gateway.integrations.subscriptions import AttemptKind as AttemptKindCode
from gateway.integrations.subscriptions import ReceiverKind as ReceiverKindCode
from gateway.integrations.subscriptions import SubscriptionStatus as SubscriptionStatusCode
from gateway.integrations.subscriptions import public_key
from kernel.errors import DomainError, NotFoundError, NotPermittedError

strawberry.enum(
    SubscriptionStatusCode, name="WebhookStatus", description="订阅状态: webhook status"
)
strawberry.enum(ReceiverKindCode, name="WebhookReceiverKind", description="接收方类别")
strawberry.enum(AttemptKindCode, name="WebhookAttemptKind", description="投递类别: attempt kind")

MAX_ATTEMPTS = 200
# Failures recorded before replies were cut to their status line read "HTTP 500: <body>".
OLD_FAILURE = re.compile(r"HTTP (\d{3}): .*", re.DOTALL)


def without_body(text: str | None) -> str | None:
    """A recorded failure as shown: any reply body an older version kept is cut to the status
    line, so nothing a receiver answered is shown beyond its status.
    """
    if text is None:
        return None
    return OLD_FAILURE.sub(lambda m: status_line(int(m[1])) or "", text)


def graphql_error(exc: DomainError) -> GraphQLError:
    """A refusal of the integrations layer in the one error shape."""
    status, code = (
        (404, "NOT_FOUND")
        if isinstance(exc, NotFoundError)
        else (403, "FORBIDDEN")
        if isinstance(exc, NotPermittedError)
        else (422, "INVALID_INPUT")
    )
    return GraphQLError(
        exc.message,
        extensions={
            "code": code,
            "status": status,
            "rule": exc.rule,
            "field": exc.field,
            "missing_role": exc.missing_role,
            "missing_relation": exc.missing_relation,
        },
    )


@strawberry.type(description="One attempt to deliver an event to a webhook (投递记录)")
class WebhookAttempt:
    event_id: strawberry.ID = strawberry.field(description="The CloudEvents id (webhook-id)")
    event_type: str = strawberry.field(description="The CloudEvents type")
    service: str = strawberry.field(description="The service log the event is in")
    position: int = strawberry.field(description="The event's position in its service log")
    kind: AttemptKindCode = strawberry.field(description="A delivery or a requested redelivery")
    kind_label: str = strawberry.field(description="The kind in Chinese")
    attempt: int = strawberry.field(description="The attempt's number for this event")
    attempted_at: datetime = strawberry.field(description="When the request was sent")
    status_code: int | None = strawberry.field(description="The HTTP status; none: no answer")
    error: str | None = strawberry.field(description="What went wrong without an answer")
    latency_ms: float = strawberry.field(description="How long the receiver took")
    response_snippet: str | None = strawberry.field(
        description="The reply's status line (HTTP 404 Not Found), nothing the receiver wrote: "
        "bodies, headers and reason phrases are never kept or shown; none: no answer"
    )
    succeeded: bool = strawberry.field(description="Whether the receiver answered 2xx")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> WebhookAttempt:
        return from_row(
            cls,
            row,
            error=without_body(row["error"]),
            response_snippet=status_line(row["status_code"]),
        )


@strawberry.type(description="An event given up on when its webhook was disabled (死信)")
class WebhookDeadLetter:
    event_id: strawberry.ID = strawberry.field(description="The CloudEvents id")
    event_type: str = strawberry.field(description="The CloudEvents type")
    dead_at: datetime = strawberry.field(description="When it was given up on")
    last_error: str = strawberry.field(description="The last failure")


@strawberry.type(description="A webhook subscription of a unit (Webhook 订阅)")
class WebhookSubscription:
    id: strawberry.ID = strawberry.field(description="The subscription's id")
    unit_id: strawberry.ID = strawberry.field(description="The unit whose events it receives")
    kind: ReceiverKindCode = strawberry.field(
        description="A Standard Webhooks receiver or a DingTalk group robot"
    )
    kind_label: str = strawberry.field(description="The kind in Chinese")
    url: str = strawberry.field(description="Where events are POSTed")
    types: list[str] | None = strawberry.field(
        description="Event types or prefixes it receives; none: every type"
    )
    status: SubscriptionStatusCode = strawberry.field(description="Active, paused or disabled")
    status_label: str = strawberry.field(description="The status in Chinese")
    disabled_reason: str | None = strawberry.field(description="Why it was disabled")
    public_key: str | None = strawberry.field(
        description="The Ed25519 public key (whpk_...) that verifies the v1a signatures"
    )
    cursor: str = strawberry.field(description="Delivered up to here (a feed cursor)")
    failures: int = strawberry.field(description="Failed attempts in a row")
    failing_since: datetime | None = strawberry.field(description="First failure of this run")
    next_attempt_at: datetime | None = strawberry.field(description="When the next retry is due")
    created_at: datetime = strawberry.field(description="When the office created it")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> WebhookSubscription:
        return from_row(
            cls,
            row,
            types=list(row["types"]) if row["types"] else None,
            disabled_reason=without_body(row["disabled_reason"]),
            public_key=public_key(row["signing_key"]) if row["signing_key"] else None,
        )

    @strawberry.field(description="Delivery attempts, newest first")
    async def attempts(
        self,
        info: Info_,
        event_id: strawberry.ID | None = None,
        failed_only: bool = False,
        first: int = 50,
    ) -> list[WebhookAttempt]:
        size = max(1, min(first, MAX_ATTEMPTS))
        rows = await info.context.pool.fetch(
            f"SELECT * FROM {SCHEMA}.webhook_attempts WHERE subscription_id = $1 "
            "AND ($2::uuid IS NULL OR event_id = $2) AND (NOT $3 OR NOT succeeded) "
            "ORDER BY id DESC LIMIT $4",
            UUID(str(self.id)),
            UUID(str(event_id)) if event_id else None,
            failed_only,
            size,
        )
        return [WebhookAttempt.from_row(r) for r in rows]

    @strawberry.field(description="Events given up on")
    async def dead_letters(self, info: Info_) -> list[WebhookDeadLetter]:
        rows = await info.context.pool.fetch(
            f"SELECT * FROM {SCHEMA}.webhook_dead_letters WHERE subscription_id = $1 "
            "ORDER BY dead_at",
            UUID(str(self.id)),
        )
        return [
            WebhookDeadLetter(
                event_id=strawberry.ID(str(r["event_id"])),
                event_type=r["event_type"],
                dead_at=r["dead_at"],
                last_error=without_body(r["last_error"]) or "",
            )
            for r in rows
        ]


@strawberry.type(description="A new webhook subscription and its signing secret")
class CreatedWebhookSubscription:
    subscription: WebhookSubscription
    secret: str = strawberry.field(
        description="The Standard Webhooks signing secret (whsec_...): shown this once only"
    )
