"""ingest_path / ingest_text: mixed formats, per-file errors, content-hash skips, replacement, limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from pygent.servers.rag.server import create_rag_server
from pygent.servers.rag.settings import RagSettings

from tests.servers.rag.conftest import data

pytestmark = pytest.mark.anyio


async def test_a_mixed_folder_is_ingested_and_bad_files_fail_alone(rag: Client[Any], corpus: Path) -> None:
    seen: list[tuple[float, float | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total))

    result = data(
        await rag.call_tool("ingest_path", {"path": str(corpus), "collection": "docs"}, progress_handler=on_progress)
    )
    files = {Path(item["source"]).name: item for item in result["files"]}
    assert result["stored"] == 6 and result["failed"] == 2
    assert {name for name, item in files.items() if item["status"] == "stored"} == {
        "handbook.md",
        "travel.txt",
        "office.html",
        "ratelimit.py",
        "security.pdf",
        "onboarding.docx",
    }
    assert "corrupt or unreadable PDF" in files["broken.pdf"]["error"]
    assert "binary file" in files["logo.png"]["error"]
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)  # monotonic
    assert seen[-1][0] == seen[-1][1]  # ends at 100 %
    stats = data(await rag.call_tool("collection_stats", {"name": "docs"}))
    assert stats["documents"] == 6 and stats["chunks"] == result["chunks_stored"]
    assert stats["chunks_without_vectors"] == 0 and stats["embedding_model"] == "e5-small"


async def test_unchanged_files_are_skipped_and_changed_ones_replace_their_chunks(
    rag: Client[Any], corpus: Path
) -> None:
    await rag.call_tool("ingest_path", {"path": str(corpus), "collection": "docs"})
    again = data(await rag.call_tool("ingest_path", {"path": str(corpus), "collection": "docs"}))
    assert again["unchanged"] == 6 and again["stored"] == 0
    (corpus / "travel.txt").write_text("Travel policy\n\nAll trips are by train from now on.\n", encoding="utf-8")
    changed = data(await rag.call_tool("ingest_path", {"path": str(corpus), "collection": "docs"}))
    assert changed["stored"] == 1 and changed["unchanged"] == 5
    hits = data(
        await rag.call_tool("search", {"query": "hotel reimbursement euros", "collection": "docs", "mode": "keyword"})
    )["hits"]
    assert all("180 euros" not in hit["text"] for hit in hits)
    trains = data(await rag.call_tool("search", {"query": "train", "collection": "docs", "mode": "keyword"}))
    assert trains["hits"][0]["citation"]["source"].endswith("travel.txt")
    listed = data(await rag.call_tool("list_documents", {"collection": "docs"}))
    assert listed["total"] == 6


async def test_globs_choose_the_files(rag: Client[Any], corpus: Path) -> None:
    result = data(
        await rag.call_tool(
            "ingest_path",
            {"path": str(corpus), "collection": "docs", "include": ["*.md", "src/*"], "exclude": ["src/*"]},
        )
    )
    assert [Path(item["source"]).name for item in result["files"]] == ["handbook.md"]
    single = data(await rag.call_tool("ingest_path", {"path": str(corpus / "travel.txt"), "collection": "docs"}))
    assert single["stored"] == 1


async def test_ingest_text_with_metadata_is_filterable(rag: Client[Any]) -> None:
    result = data(
        await rag.call_tool(
            "ingest_text",
            {
                "collection": "docs",
                "title": "Release notes 2.0",
                "text": "# 2.0\n\nThe export button moved to the toolbar.",
                "metadata": {"team": "web", "version": 2},
            },
        )
    )
    assert result["stored"] == 1
    await rag.call_tool(
        "ingest_text",
        {"collection": "docs", "title": "Other", "text": "The toolbar is blue.", "metadata": {"team": "design"}},
    )
    web = data(await rag.call_tool("search", {"query": "toolbar", "collection": "docs", "filter": {"team": "web"}}))
    assert [hit["citation"]["title"] for hit in web["hits"]] == ["Release notes 2.0"]
    assert web["hits"][0]["metadata"] == {"team": "web", "version": 2, "kind": "markdown"}
    versioned = data(
        await rag.call_tool("search", {"query": "toolbar", "collection": "docs", "filter": {"version": 2}})
    )
    assert len(versioned["hits"]) == 1
    same = data(
        await rag.call_tool(
            "ingest_text",
            {
                "collection": "docs",
                "title": "Release notes 2.0",
                "text": "# 2.0\n\nThe export button moved to the toolbar.",
                "metadata": {"team": "web", "version": 2},
            },
        )
    )
    assert same["unchanged"] == 1


async def test_bad_input_is_a_clear_error_and_stores_nothing(rag: Client[Any], corpus: Path) -> None:
    with pytest.raises(ToolError, match="text is empty"):
        await rag.call_tool("ingest_text", {"collection": "docs", "title": "t", "text": "  \n "})
    with pytest.raises(ToolError, match="unknown collection 'nope'"):
        await rag.call_tool("ingest_path", {"path": str(corpus), "collection": "nope"})
    with pytest.raises(ToolError, match="no such file or folder"):
        await rag.call_tool("ingest_path", {"path": str(corpus / "missing"), "collection": "docs"})
    with pytest.raises(ToolError, match="unknown collection 'nope'"):
        await rag.call_tool("search", {"query": "x", "collection": "nope"})
    with pytest.raises(ToolError, match="invalid metadata key"):
        await rag.call_tool("search", {"query": "x", "collection": "docs", "filter": {"bad key": "v"}})
    with pytest.raises(ToolError, match=r"^invalid argument 'name': String should match pattern"):
        await rag.call_tool("create_collection", {"name": "../escape"})
    assert data(await rag.call_tool("collection_stats", {"name": "docs"}))["chunks"] == 0


async def test_limits_and_allowed_roots(corpus: Path, tmp_path: Path) -> None:
    settings = RagSettings.load({"max_text_chars": 100, "max_file_bytes": 300, "allowed_roots": [str(corpus / "src")]})
    async with Client(create_rag_server(settings)) as client:
        await client.call_tool("create_collection", {"name": "docs"})
        with pytest.raises(ToolError, match="limit is 100"):
            await client.call_tool("ingest_text", {"collection": "docs", "title": "t", "text": "x" * 101})
        with pytest.raises(ToolError, match="outside the folders this server may read"):
            await client.call_tool("ingest_path", {"path": str(corpus), "collection": "docs"})
        result = data(await client.call_tool("ingest_path", {"path": str(corpus / "src"), "collection": "docs"}))
        assert result["failed"] == 1 and "larger than the limit of 300" in result["files"][0]["error"]


async def test_by_default_only_the_workspace_is_read(rag: Client[Any], clean_environ: Path, tmp_path: Path) -> None:
    workspace = (clean_environ / "workspace").resolve()
    outside = tmp_path / "private.txt"
    outside.write_text("The launch code is 0000.", encoding="utf-8")
    for path in (outside, Path("/etc/hostname"), tmp_path):
        refused = await rag.call_tool("ingest_path", {"path": str(path), "collection": "docs"}, raise_on_error=False)
        message = refused.content[0].text
        assert refused.is_error and message == (
            f"{path.resolve()} is outside the folders this server may read ({workspace}); "
            "add it to PYGENT_RAG_ALLOWED_ROOTS"
        )
    inside = clean_environ / "workspace" / "notes.md"
    inside.write_text("# Notes\n\nThe meeting moved to Thursday.", encoding="utf-8")
    assert data(await rag.call_tool("ingest_path", {"path": str(inside), "collection": "docs"}))["stored"] == 1
    assert data(await rag.call_tool("collection_stats", {"name": "docs"}))["documents"] == 1


async def test_a_link_out_of_the_workspace_is_refused_and_the_rest_ingested(
    rag: Client[Any], clean_environ: Path, tmp_path: Path
) -> None:
    secret = (tmp_path / "secret.txt").resolve()
    secret.write_text("The launch code is 0000.", encoding="utf-8")
    folder = clean_environ / "workspace" / "mixed"
    folder.mkdir(parents=True)
    (folder / "readme.md").write_text("# Readme\n\nHello.", encoding="utf-8")
    (folder / "leak.txt").symlink_to(secret)
    (folder / "escape").symlink_to(tmp_path, target_is_directory=True)
    via_link = await rag.call_tool(
        "ingest_path", {"path": str(folder / "escape"), "collection": "docs"}, raise_on_error=False
    )
    assert via_link.is_error and via_link.content[0].text.startswith(f"{secret.parent} is outside the folders")
    result = data(await rag.call_tool("ingest_path", {"path": str(folder), "collection": "docs"}))
    files = {Path(item["source"]).name: item for item in result["files"]}
    assert result["stored"] == 1 and files["readme.md"]["status"] == "stored"
    assert files["leak.txt"]["error"] == f"links to {secret}, outside the folders this server may read"
    found = data(await rag.call_tool("search", {"query": "launch code", "collection": "docs", "mode": "keyword"}))
    assert found["hits"] == []


@pytest.mark.parametrize("value", ["/srv/docs,/srv/wiki", '["/srv/docs", "/srv/wiki"]'])
def test_allowed_roots_come_from_the_environment_as_a_list(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_RAG_ALLOWED_ROOTS", value)
    assert [str(root) for root in RagSettings.load().allowed_roots] == ["/srv/docs", "/srv/wiki"]


async def test_an_ingest_cancelled_by_the_client_is_finished_by_the_next_one(
    rag: Client[Any], clean_environ: Path
) -> None:
    folder = clean_environ / "workspace" / "notes"
    folder.mkdir(parents=True)
    for i in range(12):
        (folder / f"n{i:02}.md").write_text(
            f"# Note {i}\n\n" + " ".join(f"Line {j} of note {i}." for j in range(60)), encoding="utf-8"
        )
    with anyio.CancelScope() as scope:

        async def cancel_after_three_documents(progress: float, total: float | None, message: str | None) -> None:
            if progress >= 3:  # embedding the 12 documents takes seconds, so work is left to cancel
                scope.cancel()

        await rag.call_tool(
            "ingest_path", {"path": str(folder), "collection": "docs"}, progress_handler=cancel_after_three_documents
        )
    assert scope.cancelled_caught
    found = data(await rag.call_tool("search", {"query": "Line 7 of note 1", "collection": "docs", "mode": "keyword"}))
    assert found["hits"]  # stored documents are searchable by keyword right away
    again = data(await rag.call_tool("ingest_path", {"path": str(folder), "collection": "docs"}))
    assert again["unchanged"] + again["stored"] == 12
    stats = data(await rag.call_tool("collection_stats", {"name": "docs"}))
    assert stats["documents"] == 12 and stats["chunks_without_vectors"] == 0
