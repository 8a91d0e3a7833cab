"""Credentials in server entries are masked the same way wherever an entry is shown."""

from __future__ import annotations

from pygent.registry.models import RemoteServer, StdioServer
from pygent.registry.secrets import MASK, mask_entry


def test_credential_headers_are_masked_and_the_scheme_kept() -> None:
    entry = RemoteServer(
        url="https://docs.example/mcp",
        headers={
            "Authorization": "Bearer abc.def",
            "Cookie": "session=1",
            "X-Api-Key": "k1",
            "X-Auth-Token": "t1",
            "Accept": "application/json",
        },
    )
    assert mask_entry(entry).headers == {
        "Authorization": "Bearer ***",
        "Cookie": MASK,
        "X-Api-Key": MASK,
        "X-Auth-Token": MASK,
        "Accept": "application/json",
    }


def test_credential_variables_arguments_and_bearer_values_anywhere_are_masked() -> None:
    entry = StdioServer(
        command="npx",
        args=["-y", "mcp-remote", "https://x/mcp", "--header", "Authorization:Bearer abc", "--api-key", "sk-1"],
        env={"GITHUB_TOKEN": "ghp_1", "CLIENT_SECRET": "s", "MODE": "fast", "EXTRA": "Bearer zzz"},
    )
    masked = mask_entry(entry)
    assert masked.args == [
        "-y",
        "mcp-remote",
        "https://x/mcp",
        "--header",
        "Authorization:Bearer ***",
        "--api-key",
        MASK,
    ]
    assert masked.env == {"GITHUB_TOKEN": MASK, "CLIENT_SECRET": MASK, "MODE": "fast", "EXTRA": "Bearer ***"}
    assert masked.command == "npx"


def test_credentials_in_a_url_are_masked() -> None:
    entry = RemoteServer(url="https://ann:pw@search.example/mcp?api_key=k&profile=p")
    assert mask_entry(entry).url == "https://ann:***@search.example/mcp?api_key=***&profile=p"


def test_masking_twice_changes_nothing_and_leaves_the_original_alone() -> None:
    entry = RemoteServer(url="https://x.example/mcp?token=t", headers={"Authorization": "Bearer abc"})
    once = mask_entry(entry)
    assert mask_entry(once) == once
    assert entry.headers == {"Authorization": "Bearer abc"} and entry.url.endswith("token=t")
