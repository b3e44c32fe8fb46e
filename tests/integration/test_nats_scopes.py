"""The JetStream relay publishes at its configured scope (KAOHE_NATS_SCOPE): by default every
event type and no personal field; a scope names the types and classes it adds (issue 13,
finding 8). Needs the NATS server named by NATS_URL.
"""

from __future__ import annotations

import dataclasses
import json
from uuid import UUID

import pytest
from nats.js import JetStreamContext

from gateway.integrations.nats_relay import StreamSettings
from gateway.integrations.scopes import parse_scope
from kernel.errors import RuleViolatedError
from kernel.settings import Settings
from tests.integration.recorded import record_unit
from tests.integration.test_nats_relay import NATS_URL, jetstream, relay_everything

__all__ = ["jetstream"]
pytestmark = pytest.mark.skipif(
    not NATS_URL,
    reason="NATS_URL is unset: the JetStream relay needs a NATS server to test against",
)


async def published(js: JetStreamContext, stream: StreamSettings, unit: UUID) -> list[dict]:  # type: ignore[type-arg]
    info = await js.stream_info(stream.stream)
    bodies = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        body = json.loads((await js.get_msg(stream.stream, seq)).data or b"{}")
        if body.get("unit") == str(unit):
            bodies.append(body)
    return bodies


async def test_by_default_the_relay_publishes_no_personal_field(
    database: str, jetstream: tuple[JetStreamContext, StreamSettings]
) -> None:
    js, stream = jetstream
    unit = record_unit(database, people=2)
    await relay_everything(database, js, stream)
    joined = [b for b in await published(js, stream, unit) if b["type"].endswith("PersonJoined.v1")]
    assert len(joined) == 2
    assert all(b["data"]["name"] is None and b["data"]["login"] is None for b in joined)
    assert all({"login", "name"} <= set(b["redacted"].split(",")) for b in joined)
    assert all(b["eventhash"] for b in joined)


async def test_a_scoped_relay_publishes_only_its_types_with_the_classes_it_names(
    database: str, jetstream: tuple[JetStreamContext, StreamSettings]
) -> None:
    js, default = jetstream
    settings = Settings(kaohe_nats_scope="events:kaohe.directory.Person* fields:identity")
    stream = dataclasses.replace(default, scope=StreamSettings.from_settings(settings).scope)
    unit = record_unit(database, people=2)
    await relay_everything(database, js, stream)
    bodies = await published(js, stream, unit)
    assert {b["type"] for b in bodies} == {"kaohe.directory.PersonJoined.v1"}
    assert all(b["data"]["name"] and "redacted" not in b for b in bodies)
    assert stream.scope == parse_scope(["events:kaohe.directory.Person*", "fields:identity"])
    with pytest.raises(RuleViolatedError) as refused:
        StreamSettings.from_settings(Settings(kaohe_nats_scope="fields:phones"))
    assert refused.value.field == "KAOHE_NATS_SCOPE"
