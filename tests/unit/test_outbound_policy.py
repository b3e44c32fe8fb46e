"""The outbound policy without I/O (numeric hosts are read by the OS's own parser, no DNS):
every address of a forbidden network is refused in every textual form the resolver accepts,
public ones are accepted, the allow-list admits exactly what it names; the URL rules; what is
shown of a reply.
"""

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.integrations.dingtalk import refusal_line
from gateway.integrations.outbound import (
    FORBIDDEN,
    IPAddress,
    OutboundPolicy,
    OutboundRefusedError,
    check_url,
    forbidden_reason,
    status_line,
)

POLICY = OutboundPolicy()
V4_FORBIDDEN = [n for _, networks in FORBIDDEN for n in networks if n.version == 4]
V6_FORBIDDEN = [n for _, networks in FORBIDDEN for n in networks if n.version == 6]


def refused_rule(policy: OutboundPolicy, host: str, port: int = 80) -> str | None:
    try:
        asyncio.run(policy.vet_host(host, port))
    except OutboundRefusedError as exc:
        return exc.rule
    return None


@st.composite
def address_in(draw: st.DrawFn, networks: list[ipaddress.IPv4Network]) -> int:
    network = draw(st.sampled_from(networks))
    return draw(
        st.integers(int(network.network_address), int(network.broadcast_address)),
    )


def ipv4_forms(n: int) -> list[str]:
    """Every way of writing an IPv4 address that inet_aton (and so getaddrinfo) reads."""
    a, b, c, d = ipaddress.IPv4Address(n).packed
    return [
        f"{a}.{b}.{c}.{d}",
        str(n),
        hex(n),
        "0" + format(n, "o"),
        f"0{a:o}.0{b:o}.0{c:o}.0{d:o}",
        f"{a:#x}.{b:#x}.{c:#x}.{d:#x}",
        f"{a}.{n & 0xFFFFFF}",
        f"{a}.{b}.{n & 0xFFFF}",
        f"::ffff:{a}.{b}.{c}.{d}",
        f"::ffff:{(n >> 16):x}:{(n & 0xFFFF):x}",
        f"64:ff9b::{a}.{b}.{c}.{d}",
        str(ipaddress.IPv6Address((0x2002 << 112) | (n << 80))),
    ]


@settings(max_examples=40, deadline=None)
@given(address_in(V4_FORBIDDEN), st.data())
def test_every_forbidden_ipv4_address_is_refused_in_every_form_the_resolver_reads(
    n: int, data: st.DataObject
) -> None:
    form = data.draw(st.sampled_from(ipv4_forms(n)))
    assert refused_rule(POLICY, form) == "integrations.url_address", form


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_every_forbidden_ipv6_address_is_refused_compressed_or_exploded(
    data: st.DataObject,
) -> None:
    network = data.draw(st.sampled_from(V6_FORBIDDEN))
    n = data.draw(st.integers(int(network.network_address), int(network.broadcast_address)))
    address = ipaddress.IPv6Address(n)
    form = data.draw(st.sampled_from([address.compressed, address.exploded]))
    assert refused_rule(POLICY, form) == "integrations.url_address", form


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("127.1", "loopback"),
        ("0x7f000001", "loopback"),
        ("2130706433", "loopback"),
        ("0177.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fd00:ec2::254", "private"),
        ("100.100.100.200", "CGNAT"),
        ("0.0.0.0", "unspecified"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.1", "not public"),
        ("2001:db8::1", "not public"),
    ],
)
def test_the_issues_addresses_are_refused_naming_the_kind(host: str, reason: str) -> None:
    with pytest.raises(OutboundRefusedError) as refused:
        asyncio.run(POLICY.vet_host(host, 80))
    assert refused.value.rule == "integrations.url_address"
    assert refused.value.field == "url"
    assert reason in refused.value.message


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_public_ipv4_addresses_are_accepted(n: int) -> None:
    address = ipaddress.IPv4Address(n)
    public = address.is_global and not address.is_multicast
    if public and address not in ipaddress.ip_network("100.64.0.0/10"):
        assert refused_rule(POLICY, str(address)) is None
        assert refused_rule(POLICY, str(n)) is None
    else:
        assert refused_rule(POLICY, str(address)) == "integrations.url_address"


def test_public_ipv6_addresses_are_accepted() -> None:
    for host in ["2606:4700:4700::1111", "2400:3200::1", "240e::1"]:
        assert refused_rule(POLICY, host) is None


@settings(max_examples=40, deadline=None)
@given(
    st.integers(16, 30),
    st.integers(0, 2**24 - 1),
    st.integers(0, 2**24 - 1),
    st.integers(1, 65535),
)
def test_an_allowed_network_admits_its_addresses_on_any_port_and_nothing_else(
    prefix: int, base: int, probe: int, port: int
) -> None:
    network = ipaddress.IPv4Network((0x0A000000 | base, prefix), strict=False)
    policy = OutboundPolicy.parse(f"{network}")
    address = ipaddress.IPv4Address(0x0A000000 | probe)
    expected = None if address in network else "integrations.url_address"
    assert refused_rule(policy, str(address), port) == expected
    assert refused_rule(policy, f"::ffff:{address}", port) == expected


def test_an_allowed_endpoint_admits_that_port_only_in_any_form_of_its_address() -> None:
    policy = OutboundPolicy.parse("127.0.0.1:9000, [::1]:9001")
    assert refused_rule(policy, "127.0.0.1", 9000) is None
    assert refused_rule(policy, "0x7f000001", 9000) is None
    assert refused_rule(policy, "::1", 9001) is None
    assert refused_rule(policy, "127.0.0.1", 9001) == "integrations.url_address"
    assert refused_rule(policy, "127.0.0.2", 9000) == "integrations.url_address"
    assert refused_rule(policy, "::1", 9000) == "integrations.url_address"


def test_an_allowed_host_name_admits_what_it_resolves_to_on_that_port_only() -> None:
    async def internal(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("10.1.2.3")]

    policy = OutboundPolicy.parse("hooks.internal:8443", resolver=internal)
    assert refused_rule(policy, "hooks.internal", 8443) is None
    assert refused_rule(policy, "HOOKS.internal", 8443) is None
    assert refused_rule(policy, "hooks.internal", 443) == "integrations.url_address"
    assert refused_rule(policy, "other.internal", 8443) == "integrations.url_address"


@pytest.mark.parametrize(
    "entry",
    [
        "10.0.0.1/8",
        "hooks.internal",
        "[::1]",
        "fe80::1:x:80",
        "host:0",
        "host:99999",
        "10.0.0.0/33",
    ],
)
def test_a_malformed_allow_list_entry_is_refused_naming_it(entry: str) -> None:
    with pytest.raises(ValueError, match="KAOHE_OUTBOUND_ALLOW"):
        OutboundPolicy.parse(f"127.0.0.2, {entry}")


def test_a_host_name_resolving_to_a_forbidden_address_is_refused_even_once_among_public_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    def getaddrinfo(host: str, port: int, *args: object) -> list[tuple[object, ...]]:
        assert host == "receiver.example"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(OutboundRefusedError) as refused:
        asyncio.run(POLICY.vet_url("https://receiver.example/hook"))
    assert refused.value.rule == "integrations.url_address"
    # The name, not the address it resolves to: the office learns no internal mapping.
    assert "127.0.0.1" not in refused.value.message


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("ftp://receiver.example/", "integrations.url_scheme"),
        ("file:///etc/passwd", "integrations.url_scheme"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "integrations.url_scheme"),
        ("http://user:secret@receiver.example/", "integrations.url_credentials"),
        ("http://user@receiver.example/", "integrations.url_credentials"),
        ("http:///path", "integrations.url_host"),
        ("http://0177.0.0.1/", "integrations.url_host"),
        ("not a url at all", "integrations.url_scheme"),
    ],
)
def test_a_url_must_be_http_or_https_with_a_host_and_no_credentials(url: str, rule: str) -> None:
    with pytest.raises(OutboundRefusedError) as refused:
        check_url(url, "webhookUrl")
    assert refused.value.rule == rule
    assert refused.value.field == "webhookUrl"


def test_the_default_port_is_the_schemes() -> None:
    assert check_url("https://receiver.example/hook").port == 443
    assert check_url("http://receiver.example:80/hook").port == 80
    assert check_url("http://receiver.example:8080/hook").port == 8080


def test_ipv6_embeddings_of_forbidden_ipv4_name_the_inner_address() -> None:
    reason = forbidden_reason(ipaddress.IPv6Address("2002:a9fe:a9fe::"))
    assert reason is not None
    assert "169.254.169.254" in reason


def test_a_reply_is_shown_as_its_status_line_only() -> None:
    assert status_line(404) == "HTTP 404 Not Found"
    assert status_line(200) == "HTTP 200 OK"
    assert status_line(599) == "HTTP 599"
    assert status_line(None) is None


def test_a_dingtalk_refusal_keeps_a_number_and_a_short_printable_message() -> None:
    assert refusal_line(310000, "sign not match") == "DingTalk errcode 310000: sign not match"
    line = refusal_line("x\n" * 3, "a\x00b\r\n" + "s" * 500)
    assert line.startswith("DingTalk errcode None: a b")
    assert "\x00" not in line
    assert "\n" not in line
    assert len(line) < 100
    assert refusal_line(None, None) == "DingTalk answered without an errcode"
