"""Which addresses fetch may connect to: public ones, unless a network is explicitly allowed.

    guard = AddressGuard(["127.0.0.1/32"])
    address = await guard.resolve("example.org", 443)     # the IP to connect to, already checked

A host is resolved once per request hop and the connection is made to the
address that was checked (see `fetcher`), so a DNS answer that changes between
check and connect (rebinding) cannot steer the request. Literal addresses in
every spelling browsers accept (`2130706433`, `0x7f000001`, `127.1`,
`[::ffff:127.0.0.1]`) are recognised before any DNS lookup.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence

import anyio
from pygent.core.errors import PermissionDeniedError, UnavailableError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
_LEGACY_V4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host`."""
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def literal_ip(host: str) -> IPAddress | None:
    """`host` as an address when it is one in any accepted spelling, else None."""
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if _LEGACY_V4.match(bare):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(bare))
        except OSError:
            return None
    return None


def _embedded_v4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv6Address):
        return ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
    return None


def why_blocked(ip: IPAddress) -> str | None:
    """Why `ip` is not a public address (None when it is)."""
    inner = _embedded_v4(ip)
    if inner is not None and (reason := why_blocked(inner)) is not None:
        return reason
    if ip in METADATA:
        return "a cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved or not ip.is_global:
        return "not a public address"
    return None


class AddressGuard:
    def __init__(self, allow: Sequence[str] = (), resolver: Resolver = system_resolve) -> None:
        self.allowed = [ipaddress.ip_network(network, strict=False) for network in allow]
        self._resolve = resolver

    def refusal(self, ip: IPAddress) -> str | None:
        """Why fetch may not connect to `ip`, or None when it may."""
        candidates = [ip] + ([inner] if (inner := _embedded_v4(ip)) is not None else [])
        if any(c.version == net.version and c in net for c in candidates for net in self.allowed):
            return None
        return why_blocked(ip)

    async def resolve(self, host: str, port: int) -> str:
        """The address to connect to for `host`: the first one that passes.

        Raises:
            PermissionDeniedError: every address of `host` is private, loopback, link-local or metadata.
            UnavailableError: `host` does not resolve.
        """
        literal = literal_ip(host)
        if literal is not None:
            addresses: list[IPAddress] = [literal]
        else:
            try:
                found = await self._resolve(host, port)
            except (OSError, UnicodeError):
                raise UnavailableError(f"cannot resolve host {host!r}") from None
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in dict.fromkeys(found)]
        if not addresses:
            raise UnavailableError(f"host {host!r} has no address")
        reasons = [(ip, self.refusal(ip)) for ip in addresses]
        allowed = [ip for ip, reason in reasons if reason is None]
        if not allowed:
            detail = ", ".join(f"{ip} is {reason}" for ip, reason in reasons)
            raise PermissionDeniedError(
                f"refused to fetch from {host}: {detail}. Only public addresses are fetched unless "
                "PYGENT_SEARCH_FETCH_ALLOW_NETWORKS allows the network"
            )
        return str(allowed[0])
