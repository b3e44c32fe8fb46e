"""Outbound safety: where Kaohe's own HTTP requests (webhooks, DingTalk robots) may go.

A receiver URL is the appraisal office's input, and the delivery worker runs inside the
operator's network: without a policy, a subscription to `http://169.254.169.254/...` or
`http://127.0.0.1:8001/...` would make Kaohe read its own infrastructure for whoever subscribed
(server-side request forgery). The rules, each named:

- `integrations.url_scheme`: http or https only;
- `integrations.url_credentials`: no user name or password in the URL;
- `integrations.url_host`: a URL with a host;
- `integrations.url_resolves`: the host resolves (checked when subscribing);
- `integrations.url_address`: every address the host resolves to is public unicast: not
  loopback, private (RFC 1918, ULA), shared (CGNAT), link-local (cloud metadata included),
  multicast, reserved, unspecified or otherwise not globally reachable, nor an IPv6 form
  embedding such an IPv4 address (mapped, compatible, 6to4, Teredo, NAT64).

Host names are resolved by the operating system (`socket.getaddrinfo`), which also reads numeric
shorthands (`127.1`, `0x7f000001`, `2130706433`, `0177.0.0.1`) exactly as the socket would, so
what is checked is what would be connected to. The check runs when the office subscribes and
again at every connection, on the addresses just resolved, and the connection goes to one of
those vetted addresses (`client`): a name that resolves to a public address when checked and to
a private one a moment later (DNS rebinding) never reaches the private one. Redirects are never
followed.

The operator's allow-list (`KAOHE_OUTBOUND_ALLOW`) admits what it names and nothing else:
networks (`10.20.0.0/16`, `127.0.0.2`) whose addresses are then accepted on any port, and
endpoints (`hooks.internal:8443`, `127.0.0.1:9000`, `[::1]:9000`) accepted on that port only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import http
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

from kernel.errors import RuleViolatedError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

DEFAULT_PORTS = {"http": 80, "https": 443}
# A subscription waits this long for its host to resolve; a resolver that hangs is a refusal.
RESOLVE_SECONDS = 5.0

# Named so a refusal says which kind of address it met; anything else not globally reachable
# (documentation, benchmarking, IETF protocol assignments...) is refused as "not public".
FORBIDDEN: tuple[tuple[str, tuple[IPNetwork, ...]], ...] = tuple(
    (name, tuple(ipaddress.ip_network(n) for n in networks))
    for name, networks in (
        ("unspecified", ("0.0.0.0/8", "::/128")),
        ("loopback", ("127.0.0.0/8", "::1/128")),
        ("private", ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")),
        ("shared (CGNAT)", ("100.64.0.0/10",)),
        ("link-local (cloud metadata)", ("169.254.0.0/16", "fe80::/10")),
        ("multicast", ("224.0.0.0/4", "ff00::/8")),
        ("reserved", ("240.0.0.0/4",)),
    )
)
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class OutboundRefusedError(RuleViolatedError):
    """The outbound policy refuses a URL or an address."""


def forbidden_reason(address: IPAddress) -> str | None:
    """Why an address is no place for Kaohe to send a request to, or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = forbidden_reason(embedded)
            if inner is not None:
                return f"{inner} (IPv4 {embedded} inside an IPv6 address)"
    for name, networks in FORBIDDEN:
        if any(address in network for network in networks):
            return name
    if not address.is_global:
        return "not public"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (and would reach through a translator), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64 or (address in IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _plain(address: IPAddress) -> IPAddress:
    """IPv4-mapped IPv6 as the IPv4 address it is, so the allow-list names it once."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The addresses the operating system connects to for `host` (numeric forms included).

    Always `socket.getaddrinfo` in a thread (not the event loop's own resolver, which uvloop
    replaces): one resolver, the one the socket would use, whatever loop runs.
    """
    infos = await asyncio.to_thread(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


@dataclasses.dataclass(frozen=True)
class Target:
    """A vetted destination: the URL's host and port, and the addresses it may be reached at."""

    host: str
    port: int
    addresses: tuple[IPAddress, ...]


@dataclasses.dataclass(frozen=True)
class Url:
    """A URL that passed the rules that need no DNS."""

    scheme: str
    host: str
    port: int


def check_url(url: str, field: str = "url") -> Url:
    """The URL's scheme, credentials and host, or a refusal naming the field and the rule."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise OutboundRefusedError(
            "integrations.url_host",
            f"{field}: not a valid URL ({sanitised(str(exc), 80)})",
            field=field,
        ) from None
    if parsed.scheme not in DEFAULT_PORTS:
        raise OutboundRefusedError(
            "integrations.url_scheme",
            f"{field}: only http and https URLs are accepted, not {parsed.scheme or 'none'!r}",
            field=field,
        )
    if parsed.userinfo:
        raise OutboundRefusedError(
            "integrations.url_credentials",
            f"{field}: a URL may not carry a user name or password; put credentials the "
            "receiver needs in its path or query, or verify Kaohe's signature instead",
            field=field,
        )
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise OutboundRefusedError(
            "integrations.url_host", f"{field}: the URL has no host", field=field
        )
    return Url(parsed.scheme, host, parsed.port or DEFAULT_PORTS[parsed.scheme])


@dataclasses.dataclass(frozen=True)
class OutboundPolicy:
    """Public unicast destinations, and what the operator's allow-list names besides."""

    networks: tuple[IPNetwork, ...] = ()
    endpoints: frozenset[tuple[str, int]] = frozenset()
    resolver: Resolver = system_resolver

    @classmethod
    def parse(cls, allow: str, resolver: Resolver = system_resolver) -> OutboundPolicy:
        """The policy of an allow-list: comma-separated networks (CIDR or one address) and
        `host:port` endpoints (IPv6 in brackets); ValueError naming a malformed entry.
        """
        networks: list[IPNetwork] = []
        endpoints: set[tuple[str, int]] = set()
        for raw in allow.split(","):
            entry = raw.strip()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry))
                continue
            except ValueError:
                if "/" in entry:
                    msg = f"KAOHE_OUTBOUND_ALLOW: {entry!r} is not a network (like 10.0.0.0/8)"
                    raise ValueError(msg) from None
            endpoints.add(_endpoint(entry))
        return cls(tuple(networks), frozenset(endpoints), resolver)

    def admits(self, address: IPAddress, port: int) -> bool:
        """Whether the allow-list names this address (in a network, or as an endpoint)."""
        address = _plain(address)
        return any(address in n for n in self.networks) or (str(address), port) in self.endpoints

    def refusal(self, address: IPAddress, port: int) -> str | None:
        """Why a connection to this address and port is refused, or None if it may go."""
        if self.admits(address, port):
            return None
        return forbidden_reason(address)

    async def vet_host(self, host: str, port: int, field: str = "url") -> Target:
        """Resolve `host` once and check every address; OSError if it does not resolve.

        The addresses returned are the ones to connect to: never resolve the name again.
        """
        addresses = tuple(await self.resolver(host, port))
        if not addresses:
            raise OSError(f"{host} resolves to no address")
        if (host.lower(), port) in self.endpoints:
            return Target(host, port, addresses)
        for address in addresses:
            reason = self.refusal(address, port)
            if reason is not None:
                shown = str(address) if host.strip("[]") == str(address) else host
                raise OutboundRefusedError(
                    "integrations.url_address",
                    f"{field}: {shown} is (or resolves to) a {reason} address; only public "
                    "addresses are accepted unless the operator's KAOHE_OUTBOUND_ALLOW names it",
                    field=field,
                )
        return Target(host, port, addresses)

    async def vet_url(self, url: str, field: str = "url") -> Target:
        """Every rule, resolving the host now (when a URL is subscribed)."""
        parts = check_url(url, field)
        try:
            return await asyncio.wait_for(
                self.vet_host(parts.host, parts.port, field), RESOLVE_SECONDS
            )
        except (OSError, TimeoutError):
            raise OutboundRefusedError(
                "integrations.url_resolves",
                f"{field}: the host {parts.host} does not resolve",
                field=field,
            ) from None


def _endpoint(entry: str) -> tuple[str, int]:
    host, sep, port = entry.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        msg = (
            f"KAOHE_OUTBOUND_ALLOW: {entry!r} is neither a network (10.0.0.0/8, 127.0.0.2) "
            "nor an endpoint host:port ([::1]:9000)"
        )
        raise ValueError(msg)
    host = host.lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        host = str(_plain(ipaddress.ip_address(host)))
    except ValueError:
        if ":" in host:
            msg = f"KAOHE_OUTBOUND_ALLOW: {entry!r}: write an IPv6 endpoint in brackets"
            raise ValueError(msg) from None
    return host, int(port)


@functools.lru_cache(maxsize=8)
def policy(allow: str) -> OutboundPolicy:
    """The policy for the `KAOHE_OUTBOUND_ALLOW` setting (parsed once per value)."""
    return OutboundPolicy.parse(allow)


class VettingBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses the policy vetted just now.

    The URL keeps its host name, so the Host header, TLS SNI and certificate check, and the
    connection pool's keys stay the name's; only the address dialled is pinned.
    """

    def __init__(
        self, outbound: OutboundPolicy, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._policy = outbound
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            target = await asyncio.wait_for(self._policy.vet_host(host, port), timeout)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took too long") from None
        except OSError:
            raise httpcore.ConnectError(f"{host} does not resolve") from None
        failure: Exception = httpcore.ConnectError(f"{host}: no address")
        for address in target.addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("outbound calls go over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class VettedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over the `VettingBackend`.

    httpx 0.28 takes no network backend, so the connection pool it builds is replaced by the
    same pool (httpcore's public API) given the vetting backend; no proxy from the environment,
    which would resolve names where the policy cannot see.
    """

    def __init__(self, outbound: OutboundPolicy) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=VettingBackend(outbound),
        )


def client(outbound: OutboundPolicy) -> httpx.AsyncClient:
    """The HTTP client for outbound calls: vetted addresses only, redirects never followed."""
    return httpx.AsyncClient(
        transport=VettedTransport(outbound), follow_redirects=False, trust_env=False
    )


def status_line(status_code: int | None) -> str | None:
    """What is kept and shown of a reply: `HTTP 404 Not Found`, never the receiver's words.

    The reason phrase is the standard one for the code (nothing the receiver wrote), so no
    byte of a body, header or reason phrase reaches whoever reads the attempts.
    """
    if status_code is None:
        return None
    try:
        return f"HTTP {status_code} {http.HTTPStatus(status_code).phrase}"
    except ValueError:
        return f"HTTP {status_code}"


def sanitised(text: str, limit: int = 200) -> str:
    """Printable text only, capped: for words from elsewhere (an errmsg, an OS error)."""
    cleaned = "".join(c if c.isprintable() else " " for c in text).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
