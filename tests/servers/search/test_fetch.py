"""fetch against a local site: Markdown, pagination, redirects, robots.txt, caps, and the SSRF refusals."""

from __future__ import annotations

import re

import pytest
from fastmcp.exceptions import ToolError

from tests.fixtures.results import structured
from tests.servers.search.conftest import Connect
from tests.servers.search.fakes import Fakes

pytestmark = pytest.mark.anyio


async def test_html_becomes_markdown_without_scripts_or_navigation(fakes: Fakes, connect: Connect) -> None:
    async with connect() as client:
        result = await client.call_tool("fetch", {"url": f"{fakes.url}/site/page.html"})
    data = structured(result)
    assert data["title"] == "Retry Guide"
    assert data["content_type"] == "text/html"
    content = data["content"]
    assert "# Retries" in content and "**exponential backoff**" in content
    assert f"[details]({fakes.url}/site/details.html)" in content
    assert "alert" not in content and "color:red" not in content and "About" not in content
    assert data["next_start_index"] is None
    text = result.content[0].text  # type: ignore[union-attr]
    assert text.startswith(f"Contents of {fakes.url}/site/page.html (Retry Guide):")


async def test_raw_returns_the_page_as_served(fakes: Fakes, connect: Connect) -> None:
    async with connect() as client:
        result = await client.call_tool("fetch", {"url": f"{fakes.url}/site/page.html", "raw": True})
    assert structured(result)["content"].startswith("<!doctype html>")


async def test_long_pages_come_in_slices(fakes: Fakes, connect: Connect) -> None:
    url = f"{fakes.url}/site/long.html"
    pieces = []
    async with connect() as client:
        start: int | None = 0
        while start is not None:
            result = await client.call_tool("fetch", {"url": url, "max_length": 3000, "start_index": start})
            data = structured(result)
            pieces.append(data["content"])
            start = data["next_start_index"]
            if start is not None:
                assert f"start_index of {start}" in result.content[0].text  # type: ignore[union-attr]
        with pytest.raises(ToolError, match="past the end of the page"):
            await client.call_tool("fetch", {"url": url, "start_index": 10_000_000})
    whole = "".join(pieces)
    assert len(pieces) > 3 and len(whole) == data["total_length"]
    assert re.findall(r"Paragraph (\d+) ", whole) == [str(n) for n in range(400)]
    assert len(fakes.of("/site/long.html")) == 1  # later slices came from the cache


async def test_redirects_are_followed_and_the_final_url_reported(fakes: Fakes, connect: Connect) -> None:
    async with connect() as client:
        result = await client.call_tool("fetch", {"url": f"{fakes.url}/site/hop/3"})
    assert structured(result)["url"] == f"{fakes.url}/site/page.html"
    assert len(fakes.of("/site/hop/")) == 4


async def test_too_many_redirects_stop(fakes: Fakes, connect: Connect) -> None:
    async with connect(fetch_max_redirects=2) as client:
        with pytest.raises(ToolError, match="more than 2 redirects"):
            await client.call_tool("fetch", {"url": f"{fakes.url}/site/hop/5"})


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/site/to-metadata", r"169\.254\.169\.254 is a cloud metadata address"),
        ("/site/to-private", r"10\.0\.0\.7 is a private address"),
    ],
)
async def test_a_redirect_to_a_private_address_is_refused(
    fakes: Fakes, connect: Connect, path: str, reason: str
) -> None:
    async with connect() as client:
        with pytest.raises(ToolError, match=reason):
            await client.call_tool("fetch", {"url": fakes.url + path})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/site/page.html",
        "http://localhost:{port}/site/page.html",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:{port}/site/page.html",
        "http://[::1]:{port}/site/page.html",
        "http://2130706433:{port}/site/page.html",
        "http://0x7f000001:{port}/site/page.html",
        "http://127.1:{port}/site/page.html",
        "http://10.0.0.1/",
        "http://0.0.0.0:{port}/",
    ],
)
async def test_internal_addresses_are_refused_unless_allowed(fakes: Fakes, connect: Connect, url: str) -> None:
    port = fakes.url.rsplit(":", 1)[1]
    async with connect(fetch_allow_networks=[]) as client:
        with pytest.raises(ToolError, match=r"refused to fetch from .*(loopback|metadata|private|link-local)"):
            await client.call_tool("fetch", {"url": url.format(port=port)})
    assert fakes.requests == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "only http and https URLs can be fetched"),
        ("ftp://example.org/file", r"only http and https URLs can be fetched \(scheme: ftp\)"),
        ("file:///etc/passwd", "only http and https URLs can be fetched"),
        ("javascript:alert(1)", "only http and https URLs can be fetched"),
        ("http://", "has no host"),
        ("http://0177.0.0.1/", "is not a valid URL"),
    ],
)
async def test_malformed_urls_are_clear_errors(connect: Connect, url: str, message: str) -> None:
    async with connect() as client:
        with pytest.raises(ToolError, match=message):
            await client.call_tool("fetch", {"url": url})


async def test_the_connection_goes_to_the_address_that_was_checked(fakes: Fakes, connect: Connect) -> None:
    answers = iter([["127.0.0.1"], ["10.9.9.9"], ["10.9.9.9"]])
    asked: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return next(answers)

    port = fakes.url.rsplit(":", 1)[1]
    async with connect(resolver=rebinding, ignore_robots_txt=True) as client:
        result = await client.call_tool("fetch", {"url": f"http://rebind.test:{port}/site/page.html"})
    assert structured(result)["title"] == "Retry Guide"
    assert asked == ["rebind.test"]
    [seen] = fakes.requests
    assert seen.headers["host"] == f"rebind.test:{port}"


async def test_huge_pages_are_cut_at_the_download_cap(fakes: Fakes, connect: Connect) -> None:
    async with connect(fetch_max_bytes=300_000) as client:
        result = await client.call_tool("fetch", {"url": f"{fakes.url}/site/huge.html", "max_length": 1000})
    data = structured(result)
    assert data["truncated_download"] is True
    assert 200_000 < data["total_length"] <= 300_000
    assert "larger than the download cap" in result.content[0].text  # type: ignore[union-attr]


async def test_robots_txt_is_honoured_for_autonomous_fetches(fakes: Fakes, connect: Connect) -> None:
    async with connect() as client:
        with pytest.raises(ToolError, match=r"robots.txt of .* disallows /site/private/secret.html"):
            await client.call_tool("fetch", {"url": f"{fakes.url}/site/private/secret.html"})
        await client.call_tool("fetch", {"url": f"{fakes.url}/site/page.html"})
    assert [seen.path for seen in fakes.requests] == ["/robots.txt", "/site/page.html"]
    assert "autonomous" in fakes.requests[0].headers["user-agent"]


async def test_a_person_may_fetch_what_robots_txt_disallows(fakes: Fakes, connect: Connect) -> None:
    async with connect() as client:
        prompt = await client.get_prompt("fetch_page", {"url": f"{fakes.url}/site/private/secret.html"})
    assert "secret" in prompt.messages[0].content.text  # type: ignore[union-attr]
    assert "user-requested" in fakes.requests[0].headers["user-agent"]
    assert fakes.of("/robots.txt") == []


async def test_ignore_robots_txt_setting(fakes: Fakes, connect: Connect) -> None:
    async with connect(ignore_robots_txt=True) as client:
        result = await client.call_tool("fetch", {"url": f"{fakes.url}/site/private/secret.html"})
    assert "secret" in structured(result)["content"]
    assert fakes.of("/robots.txt") == []


async def test_a_site_refusing_robots_txt_refuses_autonomous_fetching(fakes: Fakes, connect: Connect) -> None:
    fakes.robots_status = 403
    async with connect() as client:
        with pytest.raises(ToolError, match=r"robots\.txt answered 403: the site allows no robots"):
            await client.call_tool("fetch", {"url": f"{fakes.url}/site/page.html"})


async def test_a_missing_robots_txt_allows_everything(fakes: Fakes, connect: Connect) -> None:
    fakes.robots_status = 404
    async with connect() as client:
        result = await client.call_tool("fetch", {"url": f"{fakes.url}/site/private/secret.html"})
    assert "secret" in structured(result)["content"]


async def test_non_text_and_error_pages_are_clear_errors(fakes: Fakes, connect: Connect) -> None:
    async with connect(ignore_robots_txt=True) as client:
        with pytest.raises(ToolError, match="is image/png, not text"):
            await client.call_tool("fetch", {"url": f"{fakes.url}/site/image.png"})
        with pytest.raises(ToolError, match="answered 404"):
            await client.call_tool("fetch", {"url": f"{fakes.url}/site/missing"})
        data = await client.call_tool("fetch", {"url": f"{fakes.url}/site/data.json"})
    assert structured(data)["content"] == '{"ok": true}'


async def test_an_unreachable_site_is_a_clear_error(connect: Connect) -> None:
    async with connect(ignore_robots_txt=True) as client:
        with pytest.raises(ToolError, match=r"cannot connect to 127.0.0.1 \(ConnectError\)"):
            await client.call_tool("fetch", {"url": "http://127.0.0.1:9/"})
