"""`briefing collect` against a local server: the right articles reach the store, once, politely."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx
from collect_server import Site, serve
from conftest import FAKE_KEY
from mockllm import BASE_URL, chunk_of, completion

from briefing.cli import main
from briefing.collect import CollectSettings, collect
from briefing.glossary import default_glossary
from briefing.sources import feedlist
from briefing.sources.fetch import FetchSettings
from briefing.sources.urls import canonical
from briefing.store import Store

FAST = CollectSettings(
    concurrency=4, delay=0.0, fetch=FetchSettings(timeout=0.5, backoff=0.01, max_bytes=1_000_000)
)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as s:
        yield s


def feeds_file(site: Site, tmp_path: Path) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(site.fixture("feeds.toml").decode(), "utf-8")
    return path


def stored_urls(store: Store) -> set[str]:
    return {a.meta.url or "" for _, a in store.articles()}


def test_canonical_urls() -> None:
    assert (
        canonical("HTTPS://M.Outlet.co.kr/news/1?utm_source=x&id=3&fbclid=y#top")
        == "https://www.outlet.co.kr/news/1?id=3"
    )
    assert canonical("https://www.outlet.co.kr/m/news/1?gclid=z") == "https://www.outlet.co.kr/news/1"
    assert canonical("http://127.0.0.1:8000/news/1") == "http://127.0.0.1:8000/news/1"


def test_feedlist_rejects_bad_entries(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.toml"
    bad.write_text('[[feed]]\noutlet = "x"\n', "utf-8")
    from briefing.errors import ConfigError

    with pytest.raises(ConfigError, match="needs url"):
        feedlist.load(bad)


@pytest.mark.loopback
def test_collect_stores_exactly_the_lg_articles_then_fetches_nothing_new(site: Site, tmp_path: Path) -> None:
    store = Store(tmp_path / "store.sqlite3")
    sources = feedlist.load(feeds_file(site, tmp_path))
    report = collect(sources, store, default_glossary(), FAST)
    b = site.base
    want = {f"{b}/news/1001", f"{b}/news/1003", f"{b}/news/1004", f"{b}/news/1007", f"{b}/news/1008"}
    assert stored_urls(store) == want
    assert sorted(report.added) == sorted(want)
    assert sorted(report.not_lg) == [f"{b}/news/1002", f"{b}/news/1009"]
    assert report.duplicates == [f"{b}/news/1006"]  # the same text as 1001 under another URL
    reasons = "\n".join(report.warnings)
    assert "1 entry without a usable link" in reasons
    assert f"{b}/private/1005: robots.txt forbids it" in reasons
    assert f"{b}/news/gone: HTTP 404" in reasons
    assert f"{b}/news/broken: HTTP 500 after 3 attempts" in reasons
    assert f"{b}/news/slow: timed out" in reasons
    assert f"{b}/news/huge: too large" in reasons
    assert "/private/1005" not in site.paths()
    assert (
        len([p for p in site.paths() if p.startswith(("/news/1003", "/m/news/1003"))]) == 1
    )  # mobile = desktop
    assert site.paths().count("/news/1001") == 1  # [[page]] and the feed entry are one URL
    articles = {a.meta.url: a for _, a in store.articles()}
    first = articles[f"{b}/news/1001"]
    assert first.meta.outlet == "한빛경제" and str(first.meta.published) == "2024-11-18"

    before = len(site.requests)
    again = collect(sources, store, default_glossary(), FAST)
    new = [p for p, _ in site.requests[before:] if p != "/robots.txt"]
    assert all(s == 304 for p, s in site.requests[before:] if p.endswith(".xml"))
    assert not [p for p in new if p.startswith(("/news", "/m/", "/old"))]
    assert again.added == [] and again.fetched == 0 and again.unchanged == 3
    store.close()


@pytest.mark.loopback
def test_dry_run_writes_nothing(site: Site, tmp_path: Path) -> None:
    store = Store(tmp_path / "store.sqlite3")
    sources = feedlist.SourceList(
        pages=[feedlist.Source(f"{site.base}/news/1008"), feedlist.Source(f"{site.base}/news/1009")]
    )
    dry = CollectSettings(delay=0.0, fetch=FAST.fetch, dry_run=True)
    report = collect(sources, store, default_glossary(), dry)
    assert report.added == [f"{site.base}/news/1008"] and "would add" in report.summary()
    assert store.articles() == [] and store.get_fetch(f"{site.base}/news/1008") is None
    store.close()


# Hand-written answers of a strong model for the two collected pages (extract@4 pointers), and a
# hand-written synthesis: the mocked endpoint answers by which leader the chunk names.
HAND_WRITTEN = {
    "권봉석": {"S": [{"l": "권봉석", "p": "Seoul", "at": 1, "d": 1, "a": "stop", "st": "done",
                    "o": "meeting with suppliers", "m": [], "w": "win-win meeting with suppliers"}],
             "Q": [], "F": []},
    "조주완": {"S": [{"l": "조주완", "p": "India", "at": 1, "d": 1, "a": "stop", "st": "done",
                    "o": "LG Electronics India", "m": [], "w": "town hall with local staff"}],
             "Q": [], "F": []},
}  # fmt: skip


def _hand_written_model(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    if body["response_format"]["json_schema"]["name"].startswith("synthesize"):
        content: object = {"summary": ["Hand-written test summary."], "common_threads": [], "differences": []}
    else:
        shown = chunk_of(body["messages"][1]["content"])
        content = next((v for k, v in HAND_WRITTEN.items() if k in shown), {"S": [], "Q": [], "F": []})
    return httpx.Response(200, json=completion(json.dumps(content, ensure_ascii=False)))


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    """The mocked LLM endpoint; the local fixture site stays reachable."""
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    with respx.mock(assert_all_called=False) as router:
        router.route(host="127.0.0.1").pass_through()
        router.post(f"{BASE_URL}/chat/completions").mock(side_effect=_hand_written_model)
        yield router


@pytest.mark.loopback
def test_cli_collect_then_weekly_since_last(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    model: respx.MockRouter,
) -> None:  # fmt: skip
    monkeypatch.setenv("BRIEFING_STORE", str(tmp_path / "store.sqlite3"))
    page = f"{site.base}/news/1004"
    assert main(["collect", page, f"{site.base}/news/gone", "--delay", "0", "--timeout", "1"]) == 0
    out, err = capsys.readouterr()
    assert f"added {page}" in out
    assert f"warning: {site.base}/news/gone: HTTP 404; skipped" in err
    assert "collect: 0 feeds (0 unchanged), 2 pages fetched" not in err  # the 404 is not a fetched page
    assert "collect: 0 feeds (0 unchanged), 1 pages fetched, 1 added, 0 not about LG leaders" in err
    assert "Traceback" not in err
    assert "extracted 1 article(s)" in err  # collected, then extracted: weekly has the facts
    week = tmp_path / "week.md"
    assert main(["weekly", "--since-last", "-o", str(week)]) == 0
    text = week.read_text("utf-8")
    assert "Kwon Bong-seok" in text and "Seoul" in text and "Not yet extracted" not in text
    store = Store(tmp_path / "store.sqlite3")
    last = store.last_briefing()
    assert last is not None and last[1] == store.last_article_pk()
    store.close()
    assert main(["collect", f"{site.base}/news/1008", "--delay", "0"]) == 0
    assert main(["weekly", "--since-last", "-o", str(week)]) == 0
    text = week.read_text("utf-8")
    assert "**Week:** 2024-11-21 to 2024-11-22" in text  # only what arrived since the last briefing
    assert "William Cho" in text and "India" in text and "Kwon Bong-seok" not in text


def test_collect_with_nothing_to_do_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["collect", "--store", str(tmp_path / "s.sqlite3")]) == 2
    assert "nothing to collect" in capsys.readouterr().err
