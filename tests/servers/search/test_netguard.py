"""The address policy of fetch: every spelling of a non-public address is recognised and refused."""

from __future__ import annotations

import pytest
from pygent.core.errors import PermissionDeniedError, UnavailableError
from pygent.servers.search.netguard import AddressGuard, literal_ip

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("::1", "::1"),
        ("example.org", None),
        ("deadbeef", None),
        ("1e100.net", None),
    ],
)
def test_literal_addresses_in_every_spelling(host: str, address: str | None) -> None:
    found = literal_ip(host)
    assert (str(found) if found else None) == address


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "private"),
        ("100.64.0.1", "not a public address"),
        ("224.0.0.1", "not a public address"),
        ("2002:7f00:1::", "loopback"),
    ],
)
async def test_non_public_addresses_are_refused_with_the_reason(address: str, reason: str) -> None:
    with pytest.raises(PermissionDeniedError, match=reason):
        await AddressGuard().resolve(address, 80)


async def test_public_addresses_pass() -> None:
    assert await AddressGuard().resolve("93.184.215.14", 80) == "93.184.215.14"
    assert await AddressGuard().resolve("[2606:4700::1111]", 443) == "2606:4700::1111"


async def test_an_allowed_network_opens_exactly_that_network() -> None:
    guard = AddressGuard(["127.0.0.1/32"])
    assert await guard.resolve("127.0.0.1", 80) == "127.0.0.1"
    assert await guard.resolve("[::ffff:127.0.0.1]", 80) == "::ffff:7f00:1"
    for other in ("127.0.0.2", "::1", "169.254.169.254", "10.0.0.1"):
        with pytest.raises(PermissionDeniedError):
            await guard.resolve(other, 80)


async def test_names_are_resolved_and_only_passing_addresses_are_used() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {"mixed.test": ["10.0.0.1", "93.184.215.14"], "inside.test": ["192.168.0.5", "fe80::1%eth0"]}[host]

    guard = AddressGuard(resolver=resolver)
    assert await guard.resolve("mixed.test", 443) == "93.184.215.14"
    with pytest.raises(
        PermissionDeniedError, match=r"192\.168\.0\.5 is a private address, fe80::1 is a link-local address"
    ):
        await guard.resolve("inside.test", 443)


async def test_a_name_that_does_not_resolve_is_unavailable() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(UnavailableError, match=r"cannot resolve host 'nowhere\.test'"):
        await AddressGuard(resolver=resolver).resolve("nowhere.test", 80)
