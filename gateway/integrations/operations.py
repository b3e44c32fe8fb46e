"""Webhook subscriptions in GraphQL: the unit's appraisal office manages them; the office,
auditors and administrators read their delivery record.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from uuid import UUID

import strawberry

from gateway.graphql.access import require_office_of, require_webhook_reader_of
from gateway.graphql.plumbing import Info_, parse_id
from gateway.integrations import dingtalk, outbound, subscriptions
from gateway.integrations.feed import Conn
from gateway.integrations.store import SCHEMA
from gateway.integrations.types import (
    CreatedWebhookSubscription,
    WebhookSubscription,
    graphql_error,
)
from kernel.errors import DomainError


async def _vet(info: Info_, url: str, field: str) -> None:
    """The outbound policy's rules for a receiver URL, its host resolved now (a refusal names
    the field and the rule); each delivery checks again.
    """
    try:
        await outbound.policy(info.context.settings.kaohe_outbound_allow).vet_url(url, field)
    except DomainError as exc:
        raise graphql_error(exc) from None


@asynccontextmanager
async def _connection(info: Info_) -> AsyncIterator[Conn]:
    """A connection of the pool; a refusal of the integrations layer inside (a DomainError)
    reaches the caller in the one error shape."""
    async with info.context.pool.acquire() as conn:
        try:
            yield conn
        except DomainError as exc:
            raise graphql_error(exc) from None


async def _owned(info: Info_, subscription_id: strawberry.ID) -> UUID:
    sub_id = parse_id(subscription_id, "subscriptionId")
    async with _connection(info) as conn:
        row = await subscriptions.get(conn, sub_id)
    require_office_of(info.context.actor, row["unit_id"])
    return sub_id


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="A unit's webhook subscriptions (secrets are never shown)")
    async def webhook_subscriptions(
        self, info: Info_, unit_id: strawberry.ID
    ) -> list[WebhookSubscription]:
        unit = parse_id(unit_id, "unitId")
        require_webhook_reader_of(info.context.actor, unit)
        rows = await info.context.pool.fetch(
            f"SELECT * FROM {SCHEMA}.webhook_subscriptions WHERE unit_id = $1 ORDER BY created_at",
            unit,
        )
        return [WebhookSubscription.from_row(r) for r in rows]

    @strawberry.field(description="One webhook subscription and its delivery record")
    async def webhook_subscription(
        self,
        info: Info_,
        id: strawberry.ID,  # noqa: A002 - GraphQL's name
    ) -> WebhookSubscription | None:
        row = await info.context.pool.fetchrow(
            f"SELECT * FROM {SCHEMA}.webhook_subscriptions WHERE id = $1",
            parse_id(id, "id"),
        )
        if row is None:
            return None
        require_webhook_reader_of(info.context.actor, row["unit_id"])
        return WebhookSubscription.from_row(row)


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description="Subscribe a URL to the unit's events (考核办). The answer carries the "
        "signing secret, shown this once. Without startAfter, only events recorded from now on "
        "are sent; startAfter: 'k1.e30' sends the unit's whole history. The URL must be "
        "http(s), without credentials, and its host must resolve to public addresses only "
        "(unless the operator's allow-list names it); redirects are not followed."
    )
    async def create_webhook_subscription(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        url: str,
        types: list[str] | None = None,
        active: bool = True,
        start_after: str | None = None,
        scope: Annotated[
            list[str] | None,
            strawberry.argument(
                description="The classes of personal fields it receives (identity, contact, "
                "opinions, scores, sanctions, work); none: no personal field (each is null and "
                "named in the event's `redacted`)"
            ),
        ] = None,
    ) -> CreatedWebhookSubscription:
        unit = parse_id(unit_id, "unitId")
        require_office_of(info.context.actor, unit)
        await _vet(info, url, "url")
        async with _connection(info) as conn:
            row, secret = await subscriptions.create(
                conn,
                unit_id=unit,
                url=url,
                types=types,
                active=active,
                start_after=start_after,
                created_by=info.context.actor.person_id,
                scope=scope,
            )
        return CreatedWebhookSubscription(
            subscription=WebhookSubscription.from_row(row), secret=secret
        )

    @strawberry.mutation(
        description="Post the unit's weekly progress reports (and the types given) to a DingTalk "
        "group robot (钉钉群机器人), signed with the robot's secret (加签), from now on; the "
        "URL follows the same rules as a webhook's"
    )
    async def configure_ding_talk_robot(
        self,
        info: Info_,
        unit_id: strawberry.ID,
        webhook_url: str,
        secret: str,
        types: list[str] | None = None,
    ) -> WebhookSubscription:
        unit = parse_id(unit_id, "unitId")
        require_office_of(info.context.actor, unit)
        await _vet(info, webhook_url, "webhookUrl")
        async with _connection(info) as conn:
            row, _ = await subscriptions.create(
                conn,
                unit_id=unit,
                url=webhook_url,
                types=types or dingtalk.DEFAULT_TYPES,
                active=True,
                start_after=None,
                created_by=info.context.actor.person_id,
                kind=subscriptions.ReceiverKind.DINGTALK,
                secret=secret,
            )
        return WebhookSubscription.from_row(row)

    @strawberry.mutation(
        description="Pause (active: false) or resume a subscription; resuming a disabled one "
        "starts again from the event it was stuck on"
    )
    async def set_webhook_subscription_active(
        self, info: Info_, subscription_id: strawberry.ID, active: bool
    ) -> WebhookSubscription:
        sub_id = await _owned(info, subscription_id)
        async with _connection(info) as conn:
            row = await subscriptions.set_active(conn, sub_id, active)
        return WebhookSubscription.from_row(row)

    @strawberry.mutation(
        description="Send everything after a cursor again, in order (a cursor from a delivered "
        "event's `cursor` extension or from the feed)"
    )
    async def replay_webhook_subscription(
        self, info: Info_, subscription_id: strawberry.ID, after: str
    ) -> WebhookSubscription:
        sub_id = await _owned(info, subscription_id)
        async with _connection(info) as conn:
            row = await subscriptions.replay(conn, sub_id, after, info.context.actor.person_id)
        return WebhookSubscription.from_row(row)

    @strawberry.mutation(
        description="Send one event already attempted for this subscription once more; "
        "returns the request's number"
    )
    async def redeliver_webhook_event(
        self, info: Info_, subscription_id: strawberry.ID, event_id: strawberry.ID
    ) -> int:
        sub_id = await _owned(info, subscription_id)
        async with _connection(info) as conn:
            return await subscriptions.redeliver(
                conn, sub_id, parse_id(event_id, "eventId"), info.context.actor.person_id
            )
