"""Webhook subscriptions over GraphQL, in process: the unit's office lists them and reads their
delivery record (the secret never shown), platform auditors and administrators read every
unit's; anyone else is refused naming the rule and the role or relation missing.

The subscription is stored as the gateway's mutation stores it (`subscriptions.create`), its
attempt as the delivery worker records it; creating one through GraphQL vets the receiver's
host in DNS, which is the end-to-end tests' business.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from gateway.integrations import subscriptions
from gateway.integrations.feed import read_log
from gateway.integrations.webhooks import Outcome, record_attempt
from kernel.roles import Role
from tests.integration.graphql.client import Gql, invalid, refused

RECEIVER = "https://hooks.example.com/kaohe"
LIST = """query($unit: ID!) { webhookSubscriptions(unitId: $unit) {
  id unitId kind kindLabel url types status statusLabel failures cursor } }"""
ONE = """query($id: ID!) { webhookSubscription(id: $id) { id url
  attempts { eventType service position attempt statusCode succeeded responseSnippet kindLabel }
  deadLetters { eventId } } }"""


@pytest.fixture(scope="module")
async def subscription(gql: Gql) -> UUID:
    """A subscription of the unit to its directory events, one delivery of which failed."""
    w = gql.world
    async with gql.pool.acquire() as conn:
        row, _secret = await subscriptions.create(
            conn,
            unit_id=w.unit,
            url=RECEIVER,
            types=["kaohe.directory.*"],
            active=True,
            start_after=None,
            created_by=w.people["head_g"],
        )
        registered = await conn.fetchval(
            "SELECT min(notification_id) FROM directory.directory_events WHERE originator_id = $1",
            w.unit,
        )
        (event,) = await read_log(conn, "directory", registered - 1, 1)
        await record_attempt(
            conn,
            row["id"],
            event,
            "DELIVERY",
            1,
            datetime.now(UTC),
            Outcome(
                status_code=503, error=None, latency_ms=12.5, snippet="HTTP 503", retry_after=None
            ),
        )
    subscription_id: UUID = row["id"]
    return subscription_id


async def test_the_office_lists_its_units_subscriptions(gql: Gql, subscription: UUID) -> None:
    listed = (await gql.data(gql.office, LIST, unit=str(gql.world.unit)))["webhookSubscriptions"]
    assert [s["id"] for s in listed] == [str(subscription)]
    (sub,) = listed
    assert (sub["url"], sub["kind"], sub["status"]) == (RECEIVER, "STANDARD", "ACTIVE")
    assert sub["types"] == ["kaohe.directory.*"]
    assert (sub["unitId"], sub["failures"]) == (str(gql.world.unit), 0)
    assert sub["kindLabel"]
    assert sub["statusLabel"]


async def test_a_subscriptions_delivery_record(gql: Gql, subscription: UUID) -> None:
    one = (await gql.data(gql.office, ONE, id=str(subscription)))["webhookSubscription"]
    assert one["url"] == RECEIVER
    (attempt,) = one["attempts"]
    assert (attempt["service"], attempt["attempt"], attempt["statusCode"]) == ("directory", 1, 503)
    assert attempt["succeeded"] is False
    assert attempt["eventType"].startswith("kaohe.directory.")
    assert one["deadLetters"] == []


async def test_the_secret_is_no_field_of_a_subscription(gql: Gql, subscription: UUID) -> None:
    error = await gql.error(
        gql.office,
        "query($id: ID!) { webhookSubscription(id: $id) { secret } }",
        id=str(subscription),
    )
    assert error["extensions"]["code"] == "INVALID_INPUT"


async def test_platform_auditors_and_administrators_read_every_units_subscriptions(
    gql: Gql, subscription: UUID
) -> None:
    for token in (gql.platform_auditor, gql.admin):
        listed = (await gql.data(token, LIST, unit=str(gql.world.unit)))["webhookSubscriptions"]
        assert [s["id"] for s in listed] == [str(subscription)]
        one = (await gql.data(token, ONE, id=str(subscription)))["webhookSubscription"]
        assert one["id"] == str(subscription)


@pytest.mark.parametrize("who", ["driver", "auditor", "principal"])
async def test_anyone_else_of_the_unit_is_refused_naming_the_office_role(
    gql: Gql, subscription: UUID, who: str
) -> None:
    roles = {"auditor": [Role.AUDITOR], "principal": [Role.PRINCIPAL_LEADER]}.get(who, [])
    token = gql.as_(who, *roles)
    for query, variables in (
        (LIST, {"unit": str(gql.world.unit)}),
        (ONE, {"id": str(subscription)}),
    ):
        error = await gql.error(token, query, **variables)
        refused(error, "integrations.office_manages_webhooks", missing_role="APPRAISAL_OFFICE")


async def test_another_units_office_is_refused_naming_the_relation(
    gql: Gql, subscription: UUID
) -> None:
    other_office = gql.as_("outsider", Role.APPRAISAL_OFFICE)
    error = await gql.error(other_office, ONE, id=str(subscription))
    refused(error, "integrations.office_manages_webhooks", missing_relation="MEMBER_OF_UNIT")
    # Their own unit has none.
    own = await gql.data(other_office, LIST, unit=str(gql.world.other_unit))
    assert own["webhookSubscriptions"] == []


async def test_an_unknown_subscription_is_null_and_a_malformed_id_refused(gql: Gql) -> None:
    assert (await gql.data(gql.office, ONE, id=str(uuid4())))["webhookSubscription"] is None
    invalid(await gql.error(gql.office, LIST, unit="unit-1"), "unitId", "uuid")
