"""The outbound client on loopback (no database): it connects only to the addresses it vetted
when it resolved the name (DNS rebinding), keeps the name in the Host header, and refuses
before sending a byte when the name resolves to a forbidden address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import httpcore
import pytest

from gateway.integrations.outbound import (
    IPAddress,
    OutboundPolicy,
    OutboundRefusedError,
    VettingBackend,
    client,
)
from tests.receiver import OUTBOUND_ALLOW, RECEIVER_HOST, Receiver


class Rebinding:
    """A DNS answer that changes: the addresses to give, one list per lookup (the last repeats)."""

    def __init__(self, *answers: str) -> None:
        self.answers = [ipaddress.ip_address(a) for a in answers]
        self.lookups = 0

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        answer = self.answers[min(self.lookups, len(self.answers) - 1)]
        self.lookups += 1
        return [answer]


class Dialled(httpcore.AsyncNetworkBackend):
    """A network backend that records where it was asked to connect, and connects nowhere."""

    def __init__(self) -> None:
        self.dialled: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.dialled.append((host, port))
        raise httpcore.ConnectError("recorded, not connected")


async def test_the_connection_goes_to_the_address_vetted_not_to_a_second_lookup() -> None:
    dns = Rebinding("93.184.216.34", "127.0.0.1")
    network = Dialled()
    backend = VettingBackend(OutboundPolicy(resolver=dns), inner=network)
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_tcp("rebind.example", 443, timeout=1)
    assert network.dialled == [("93.184.216.34", 443)]
    assert dns.lookups == 1


async def test_a_name_that_rebinds_to_a_private_address_after_subscribing_is_refused() -> None:
    dns = Rebinding("93.184.216.34", "127.0.0.1")
    policy = OutboundPolicy(resolver=dns)
    await policy.vet_url("http://rebind.example/hook")  # the office subscribes: public then
    internal = Receiver(host="127.0.0.1")
    with internal.running():
        async with client(policy) as http:
            with pytest.raises(OutboundRefusedError) as refused:
                await http.post(f"http://rebind.example:{internal.port}/hook", content=b"{}")
    assert refused.value.rule == "integrations.url_address"
    assert internal.requests == []


async def test_an_allowed_receiver_behind_a_name_is_reached_with_the_name_as_host() -> None:
    dns = Rebinding(RECEIVER_HOST)
    policy = OutboundPolicy.parse(OUTBOUND_ALLOW, resolver=dns)
    receiver = Receiver()
    with receiver.running():
        async with client(policy) as http:
            answer = await http.post(
                f"http://hooks.example:{receiver.port}/hook", content=b'{"cursor": null}'
            )
    assert answer.status_code == 204
    assert answer.request.headers["host"] == f"hooks.example:{receiver.port}"
    assert len(receiver.requests) == 1
