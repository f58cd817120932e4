"""The store, `briefing add` and `briefing weekly`: idempotent, cached, deduplicated across outlets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import respx
from conftest import SEEDS
from mockllm import FIXTURES, Replay

from briefing.cli import main
from briefing.models import ArticleMeta, ChunkExtraction
from briefing.readers import load_articles
from briefing.store import SCHEMA_VERSION, Store, StoredChunk, StoredExtraction

GOLDEN = Path(__file__).parent / "golden" / "weekly_2024-W19.md"
REPORTS = Path(__file__).parent / "fixtures" / "weekly" / "reports.jsonl"


@pytest.fixture
def replay(endpoint: respx.MockRouter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Replay:
    monkeypatch.setenv("BRIEFING_STORE", str(tmp_path / "store.sqlite3"))
    monkeypatch.chdir(SEEDS.parent)
    r = Replay.from_dir(FIXTURES / "seeds")
    r.fixtures += Replay.from_dir(FIXTURES / "weekly").fixtures
    endpoint.post("/chat/completions").mock(side_effect=r)
    return r


def weekly(tmp_path: Path, week: str) -> str:
    out = tmp_path / f"{week}.md"
    assert main(["weekly", "--week", week, "-o", str(out)]) == 0
    return out.read_text("utf-8")


def test_add_then_weekly_for_each_seed_week(replay: Replay, tmp_path: Path) -> None:
    assert main(["add", "seeds", "--chunk-tokens", "800", "-q"]) == 0
    assert len(replay.requests) == 5
    w34 = weekly(tmp_path, "2023-W34")
    assert "Koo Kwang-mo" in w34 and "Boston" in w34 and "Toronto" in w34 and "William Cho" not in w34
    w19 = weekly(tmp_path, "2024-W19")
    itinerary = w19.split("## Itineraries")[1].split("## Statements")[0]
    assert "Cupertino" in itinerary and "Seattle" not in itinerary
    w20 = weekly(tmp_path, "2024-W20")
    assert "San Francisco" in w20 and "Seattle" in w20 and "planned (as reported)" in w20
    assert (
        "| 2024-05-14 – 2024-05-16 | event | William Cho | Seattle, Washington, United States (planned) |"
        in w20
    )
    assert replay.unmatched == []


def test_second_add_and_weekly_make_no_call(
    replay: Replay, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["add", "seeds", "--chunk-tokens", "800", "-q"])
    first = weekly(tmp_path, "2024-W19")
    calls = len(replay.requests)
    assert main(["add", "seeds", "--chunk-tokens", "800", "-q"]) == 0
    assert "0 added, 2 already stored; 0 extracted" in capsys.readouterr().err
    assert weekly(tmp_path, "2024-W19") == first
    assert len(replay.requests) == calls


def test_weekly_matches_golden(replay: Replay, tmp_path: Path, update_golden: bool) -> None:
    main(["add", "seeds", "--chunk-tokens", "800", "-q"])
    text = weekly(tmp_path, "2024-W19")
    if update_golden:
        GOLDEN.write_text(text, "utf-8")
    assert text == GOLDEN.read_text("utf-8")


def test_three_outlets_one_stop_and_a_visible_conflict(replay: Replay, tmp_path: Path) -> None:
    assert main(["add", str(REPORTS), "-q"]) == 0
    w36 = weekly(tmp_path, "2024-W36")
    rows = [
        line for line in w36.splitlines() if line.startswith("| 2024-09-05") and "Berlin, Germany" in line
    ]
    assert len(rows) == 2  # one timeline row and one itinerary row: the three reports became one stop
    assert rows[1].endswith("| [1][2][3] (3 reports) |")
    w41 = weekly(tmp_path, "2024-W41")
    assert (
        "**Conflict** (Hanoi, Vietnam): reports differ: 2024-10-10 (mk-hanoi) vs 2024-10-11 (sedaily-hanoi)"
        in w41
    )


def test_reextracts_after_a_prompt_bump(
    replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["add", "seeds", "--chunk-tokens", "800", "-q"])
    assert len(replay.requests) == 5
    from briefing import prompts

    real = prompts.get_prompt("extract")
    bumped = prompts.Prompt(
        spec=real.spec.model_copy(update={"version": real.spec.version + 1}), sha256="0" * 64, path=real.path
    )
    monkeypatch.setattr(
        "briefing.weekly.get_prompt", lambda pid: bumped if pid == "extract" else prompts.get_prompt(pid)
    )
    monkeypatch.setattr(
        "briefing.pipeline.get_prompt", lambda pid: bumped if pid == "extract" else prompts.get_prompt(pid)
    )
    main(["add", "seeds", "--chunk-tokens", "800", "-q", "--no-cache"])
    assert len(replay.requests) == 10


# --- the store itself --------------------------------------------------------------------------------


def test_ingest_is_idempotent_by_content_and_by_url(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    (article, _), _ = load_articles([SEEDS]), None
    first = article[0]
    pk, added = store.add_article(first)
    assert added and store.add_article(first) == (pk, False)
    same_url = first.model_copy(update={"content_hash": "other", "meta": ArticleMeta(url="https://x.test/a")})
    pk2, added2 = store.add_article(same_url)
    assert added2
    moved = same_url.model_copy(update={"content_hash": "changed again"})
    assert store.add_article(moved) == (pk2, False)
    assert len(store.articles()) == 2


def test_extraction_is_found_only_at_its_prompt_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    articles, _ = load_articles([SEEDS])
    pk, _ = store.add_article(articles[0])
    empty = ChunkExtraction(leaders=[], stops=[], statements=[], figures=[])
    store.put_extraction(
        pk, "extract@2", "abc", "m", StoredExtraction("extract@2", "m", [StoredChunk(0, 5, empty)], [])
    )
    assert store.get_extraction(pk, "extract@2", "abc", "m") is not None
    assert store.get_extraction(pk, "extract@3", "def", "m") is None
    assert store.get_extraction(pk, "extract@2", "abc", "other-model") is None


def test_migration_from_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.write_bytes(b"")
    store = Store(path)
    assert store.version == SCHEMA_VERSION
    tables = {
        r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert {"articles", "extractions", "syntheses"} <= tables


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    from briefing.errors import ConfigError

    with pytest.raises(ConfigError, match="newer than this briefing"):
        Store(path)


def test_bad_week_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["weekly", "--week", "May", "--store", str(tmp_path / "s.sqlite3")]) == 2
    assert "not an ISO week" in capsys.readouterr().err
