"""Bad and odd input: what each kind gets, through the CLI and through ``readers.load_articles``.

The corpus is in ``tests/fixtures/bad/`` (see its README.md); what must not be committed (a 50 MB
file, a 100 KB line, symlinks, a named pipe, chmod 000) is made here in ``tmp_path``. For every kind:
the run does not crash, a line ``briefing: skipped PATH: reason`` names the file and says what to do,
the other files of the run are processed normally, and the exit status says whether anything was
left out (0 all good, 1 written but something skipped, 4 nothing readable).

Nine of these first ran as strict xfails, each pinning a bug found by this corpus (non-string record
text, deep JSON nesting, a named pipe, an unlisted subdirectory, empty record files, NUL bytes, long
lines taken for menus, over-budget hard splits, HTML saved as .txt); all are fixed now.

The endpoint answers from the seed fixtures when a chunk matches one, else with an empty extraction;
the synthesis falls back to a short hand-written answer. So the good companion article (a copy of
seed 000) yields Koo Kwang-mo's trip, which shows it was processed normally.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conftest import SEEDS
from mockllm import FIXTURES, Replay, chunk_of, completion, prompt_id

from briefing.chunk import chunk_article, estimate_tokens
from briefing.cli import main
from briefing.errors import InputError
from briefing.pointing import number_chunk
from briefing.readers import load_articles

BAD = Path(__file__).parent / "fixtures" / "bad"
SEED_000 = SEEDS / "000_966c19d44f95361a.txt"
EMPTY = {"S": [], "Q": [], "F": []}
SYNTHESIS = {
    "summary": ["Hand-written test synthesis: the leaders' trips as extracted."],
    "common_threads": [],
    "differences": [],
}


# --- the mocked endpoint ---------------------------------------------------------------------------


@dataclass
class Answers:
    """Seed fixtures where a chunk matches one, else an empty extraction; keeps what was asked."""

    replay: Replay = field(default_factory=lambda: Replay.from_dir(FIXTURES / "seeds"))
    chunks: list[str] = field(default_factory=list)  # every extraction chunk sent, in arrival order
    matched: list[str] = field(default_factory=list)  # labels of the seed fixtures that answered
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        pid = prompt_id(body)
        fixture = self.replay.find(body)
        with self.lock:
            if pid == "extract":
                self.chunks.append(chunk_of(body["messages"][1]["content"]))
            if fixture is not None:
                self.matched.append(fixture["label"])
        if fixture is not None:
            content: dict[str, Any] = fixture["content"]
        else:
            content = SYNTHESIS if pid == "synthesize" else EMPTY
        return httpx.Response(200, json=completion(json.dumps(content, ensure_ascii=False)))


@pytest.fixture
def llm(endpoint: respx.MockRouter) -> Answers:
    answers = Answers()
    endpoint.post("/chat/completions").mock(side_effect=answers)
    return answers


# --- running the CLI -------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    err: str
    out: str | None  # the briefing, or None when nothing was written

    def reason(self, path: Path | str) -> str:
        """The reason given on the ``briefing: skipped PATH: reason`` line for ``path``."""
        prefix = f"briefing: skipped {path}: "
        hits = [line[len(prefix) :] for line in self.err.splitlines() if line.startswith(prefix)]
        assert len(hits) == 1, f"expected one skipped line for {path} in:\n{self.err}"
        return hits[0]

    @property
    def skipped(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("briefing: skipped ")]

    @property
    def sources(self) -> list[str]:
        """Paths listed under *Sources* in the briefing."""
        assert self.out is not None
        section = self.out.split("## Sources", 1)[1].split("## Method", 1)[0]
        return re.findall(r"” \(([^()]*)\)(?: <[^>]*>)?$", section, re.M)

    @property
    def warnings(self) -> list[str]:
        assert self.out is not None
        return re.findall(r"^- Warning: (.*)$", self.out, re.M)


def run_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path, *inputs: Path) -> Run:
    out = tmp_path / "briefing.md"
    out.unlink(missing_ok=True)
    code = main(["run", *map(str, inputs), "-o", str(out), "--chunk-tokens", "800", "-q"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return Run(code, err, out.read_text("utf-8") if out.exists() else None)


def input_dir(tmp_path: Path, *names: str, good: bool = True) -> Path:
    """A fresh input directory holding corpus files ``names`` and, with ``good``, a copy of seed 000."""
    d = tmp_path / "in"
    d.mkdir()
    for name in names:
        shutil.copyfile(BAD / name, d / name)
    if good:
        shutil.copyfile(SEED_000, d / "good.txt")
    return d


def assert_good_processed(run: Run, d: Path) -> None:
    """The companion copy of seed 000 went through the whole pipeline."""
    assert run.out is not None
    assert str(d / "good.txt") in run.sources
    assert "Koo Kwang-mo" in run.out and "Toronto" in run.out


# --- per file: readers.load_articles ----------------------------------------------------------------

# name in the corpus, where the error points (relative to the corpus), reason, what to do
SKIPPED = [
    ("empty.txt", "empty.txt", "no article body found after cleaning", "is this a news article?"),
    ("whitespace_only.txt", "whitespace_only.txt", "no article body found", "is this a news article?"),
    ("png_header.txt", "png_header.txt", "binary file (NUL bytes)", "remove it from the input"),
    ("png_header.html", "png_header.html", "binary file (NUL bytes)", "remove it from the input"),
    ("archive_zip.txt", "archive_zip.txt", "binary file (NUL bytes)", "remove it from the input"),
    ("mixed_utf8_cp949.txt", "mixed_utf8_cp949.txt", "cannot tell its text encoding", "re-save it as UTF-8"),
    ("utf16_truncated.txt", "utf16_truncated.txt", "broken utf-16 text (byte 3336)", "re-save it as UTF-8"),
    # UTF-16 without a BOM is text, but it is called binary (see the report in README.md)
    ("utf16le_no_bom.txt", "utf16le_no_bom.txt", "binary file (NUL bytes)", "remove it from the input"),
    # the article is skipped and the error names its sidecar
    ("bad_sidecar_json.txt", "bad_sidecar_json.meta.json", "sidecar is not valid JSON", "fix or remove it"),
    ("bad_sidecar_date.txt", "bad_sidecar_date.meta.json", "bad metadata value (ValueError)", "YYYY-MM-DD"),
    # no instruction beyond the reason itself (see README.md)
    ("record_no_text.json", "record_no_text.json:1", "the record has neither 'text' nor 'html'", ""),
]


@pytest.mark.parametrize(("name", "where", "reason", "todo"), SKIPPED, ids=[s[0] for s in SKIPPED])
def test_load_articles_skips_with_a_reason(name: str, where: str, reason: str, todo: str) -> None:
    articles, errors = load_articles([BAD / name])
    assert articles == []
    assert len(errors) == 1
    err = errors[0]
    assert isinstance(err, InputError)
    assert err.path == str(BAD / where)
    assert reason in err.reason and todo in err.reason
    assert str(err) == f"{BAD / where}: {err.reason}"


def seed_hash() -> str:
    articles, errors = load_articles([SEED_000])
    assert errors == []
    return articles[0].content_hash


@pytest.mark.parametrize("name", ["utf8_bom.txt", "utf16_bom.txt", "cp949.txt"])
def test_encoded_copies_of_seed_000_read_exactly_like_the_utf8_seed(name: str) -> None:
    articles, errors = load_articles([BAD / name])
    assert errors == []
    [article] = articles
    assert article.content_hash == seed_hash()  # the very same cleaned text
    assert article.meta.title == '미래사업 점검 글로벌행보 구광모 "작은 씨앗에서 미래 거목으로 성장"'
    assert str(article.meta.published) == "2023-08-24"
    assert "\ufeff" not in article.text and "\ufeff" not in (article.meta.title or "")


def test_jsonl_keeps_the_good_record_and_names_the_broken_line() -> None:
    articles, errors = load_articles([BAD / "records_mixed.jsonl"])
    assert [(a.id, a.path) for a in articles] == [("good-record", f"{BAD / 'records_mixed.jsonl'}:1")]
    assert articles[0].meta.outlet == "Ilgan Sports" and str(articles[0].meta.published) == "2023-08-24"
    [err] = errors
    assert err.path == f"{BAD / 'records_mixed.jsonl'}:2"
    assert err.reason.startswith("not valid JSON (") and err.reason.endswith("fix or remove this line")


def test_html_soup_keeps_the_paragraph_and_drops_scripts_styles_and_handlers() -> None:
    articles, errors = load_articles([BAD / "html_soup.html"])
    assert errors == []
    [article] = articles
    body = article.body_only().text  # the page's sub-headline stands before the body
    assert body.startswith("구광모 LG그룹 회장이 미국과 캐나다를 방문해")
    assert body.endswith("LG전자의 토론토 AI 랩(Lab) 등을 방문했다.")
    assert article.meta.title == "구광모 LG 회장, 미국·캐나다 방문"
    for leaked in ("본문", "핸들러", "alert", "javascript", "{", "<"):
        assert leaked not in article.text, leaked


@pytest.mark.parametrize("name", ["english_only.txt", "no_leader.txt"])
def test_odd_but_readable_articles_load(name: str) -> None:
    articles, errors = load_articles([BAD / name])
    assert errors == [] and [a.id for a in articles] == [Path(name).stem]
    assert len(articles[0].body_only().paragraphs) == 4
    assert articles[0].sections[0].kind == "headline"  # the headline is read too, as a headline


# --- per kind: the CLI, with a good article beside the bad one ---------------------------------------


@pytest.mark.parametrize(("name", "where", "reason", "todo"), SKIPPED, ids=[s[0] for s in SKIPPED])
def test_cli_skips_the_bad_file_and_briefs_the_good_one(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, where: str, reason: str,
    todo: str,
) -> None:  # fmt: skip
    d = input_dir(tmp_path, name, *([where] if where.endswith(".meta.json") else []))
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 1  # written, but something was left out
    said = run.reason(d / where)
    assert reason in said and todo in said
    assert len(run.skipped) == 1
    assert_good_processed(run, d)
    assert run.sources == [str(d / "good.txt")]
    if where.endswith(".meta.json"):  # the article beside the bad sidecar (seed 004) was not briefed
        assert "William Cho" not in (run.out or "")


def test_cli_jsonl_broken_line_is_skipped_and_the_good_record_briefed(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = input_dir(tmp_path, "records_mixed.jsonl", good=False)
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 1
    assert "fix or remove this line" in run.reason(f"{d / 'records_mixed.jsonl'}:2")
    assert run.sources == [f"{d / 'records_mixed.jsonl'}:1"]
    assert run.out is not None and "Koo Kwang-mo" in run.out


@pytest.mark.parametrize("name", ["utf8_bom.txt", "utf16_bom.txt", "cp949.txt"])
def test_cli_encoded_article_works_normally(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    d = input_dir(tmp_path, name, good=False)
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 0 and run.skipped == []
    assert run.sources == [str(d / name)]
    # both chunks carried the exact Korean sentences the seed fixtures match on
    assert len(llm.chunks) == 2 and len(llm.matched) == 2
    assert run.out is not None
    assert "Koo Kwang-mo" in run.out and "Boston" in run.out and "2023-08-21 – 2023-08-24" in run.out


def test_cli_nul_bytes_inside_utf8_text_are_read(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = input_dir(tmp_path, "nul_inside.txt", good=False)
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 0 and run.skipped == []
    assert run.sources == [str(d / "nul_inside.txt")]
    assert run.out is not None and "Koo Kwang-mo" in run.out


def test_nul_bytes_do_not_reach_the_article_text() -> None:
    # decode() rejects NUL bytes only in text that is not valid UTF-8; normalise_line keeps them, so
    # they go to the model, and the paragraph they sit in no longer matches its repeat. Expected:
    # the NULs dropped like other invisible characters (U+FEFF, U+200B), the article read as usual.
    articles, errors = load_articles([BAD / "nul_inside.txt"])
    assert errors == [] and len(articles) == 1
    assert "\x00" not in articles[0].text


def test_cli_html_soup_sends_only_the_article_to_the_model(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = input_dir(tmp_path, "html_soup.html")
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 0 and run.skipped == []
    assert sorted(run.sources) == sorted([str(d / "good.txt"), str(d / "html_soup.html")])
    sent = "\n".join(llm.chunks)
    assert "LG화학이 올해 인수 완료한 미국 제약사 아베오" in sent
    assert run.out is not None
    for leaked in ("본문", "핸들러", "alert(", "javascript:"):
        assert leaked not in sent and leaked not in run.out, leaked


def test_html_saved_as_txt_does_not_send_scripts_to_the_model() -> None:
    # read_docs() sniffs for "<html" only when the suffix is not .txt/.text, so the page is cleaned
    # as plain text: <script> and <style> bodies and the tags themselves become the article.
    articles, _ = load_articles([BAD / "html_soup_saved_as.txt"])
    assert all("스크립트본문" not in a.text and "<script" not in a.text for a in articles)


def test_cli_english_article_is_briefed_as_english_coverage(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = input_dir(tmp_path, "english_only.txt")
    run = run_cli(capsys, tmp_path, d)
    # English coverage of an LG leader is input like any other: no "wrong file" warning; this
    # mocked model finds nothing in it, but code finds the chairman's two stops on its own
    assert run.code == 0 and run.skipped == []
    assert str(d / "english_only.txt") in run.sources
    assert [w for w in run.warnings if w.startswith("english_only")] == [
        "english_only: month not stated in source for Boston, Toronto; taken from the publication date"
    ]
    assert run.out is not None and "Boston" in run.out and "Toronto" in run.out
    assert "no Korean text" not in run.err
    assert_good_processed(run, d)


def test_cli_article_without_an_lg_leader_is_briefed_with_a_warning(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = input_dir(tmp_path, "no_leader.txt")
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 0 and run.skipped == []
    assert str(d / "no_leader.txt") in run.sources
    # only the festival article is warned about; the good one yields facts
    assert [w for w in run.warnings if not w.startswith("good: ")] == [
        "no_leader: no LG leader's trip or statement found in this article"
    ]
    assert_good_processed(run, d)


def test_cli_nothing_readable_exits_4_and_names_each_file(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = input_dir(tmp_path, "archive_zip.txt", "empty.txt", "png_header.html", good=False)
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 4
    assert run.out is None and not (tmp_path / "briefing.md").exists()
    [line] = [x for x in run.err.splitlines() if x.startswith("briefing: error: ")]
    assert line.startswith(f"briefing: error: {d}: no readable article (")
    for name in ("archive_zip.txt", "empty.txt", "png_header.html"):
        assert str(d / name) in line
    assert llm.chunks == []  # the model was never asked


def test_cli_missing_path_is_named(llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    d = input_dir(tmp_path)
    missing = tmp_path / "no-such-article.txt"
    run = run_cli(capsys, tmp_path, d, missing)
    assert run.code == 1
    assert run.reason(missing) == "no such file or directory"
    assert_good_processed(run, d)


def test_cli_a_second_copy_of_an_article_is_skipped(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = input_dir(tmp_path, "utf8_bom.txt")  # seed 000 again, with a BOM: the same cleaned body
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 1
    assert run.reason(d / "utf8_bom.txt") == f"same body as {d / 'good.txt'}; skipped"
    assert run.sources == [str(d / "good.txt")]


# --- made at test time: too big, too long, unreadable, looping ---------------------------------------


def test_cli_50_mb_file_is_refused_without_reading_it(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = input_dir(tmp_path)
    block = SEED_000.read_bytes()
    with (d / "huge.txt").open("wb") as f:
        for _ in range(50 * 1024 * 1024 // len(block) + 1):
            f.write(block)
    assert (d / "huge.txt").stat().st_size >= 50 * 1024 * 1024
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 1
    assert run.reason(d / "huge.txt") == "too large (50 MB > 20 MB); split it"
    assert_good_processed(run, d)
    assert run.sources == [str(d / "good.txt")]


def korean_line(min_bytes: int, sep: str = " ", menu_words: bool = False) -> str:
    """One line of real Korean prose (seed 000's paragraphs, repeated) of at least ``min_bytes``.

    Without ``menu_words``, the paragraphs that say 글로벌 are left out: a line holding that
    section name three times was once dropped as a menu (see the test below).
    """
    paragraphs = SEED_000.read_text("utf-8").splitlines()[3:16]
    if not menu_words:
        paragraphs = [p for p in paragraphs if "글로벌" not in p]
    if not sep:  # no spaces and no sentence ends at all
        paragraphs = [re.sub(r"[\s.!?]", "", p) for p in paragraphs]
    parts: list[str] = []
    size = 0
    for k, p in enumerate(itertools.cycle(paragraphs)):
        parts.append(f"({k}){' ' if sep else ''}{p}")  # numbered, so that no two chunks are alike
        size += len(parts[-1].encode()) + len(sep)
        if size >= min_bytes:
            return sep.join(parts)
    raise AssertionError("unreachable")


def test_cli_100_kb_single_line_is_chunked(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Every chunk gets an empty extraction: this is about chunking (with the seed answers, the
    # quote checks over a 100 KB text take seconds: see the report in tests/fixtures/bad/README.md).
    llm.replay = Replay([])
    d = tmp_path / "in"
    d.mkdir()
    line = korean_line(100 * 1024)
    assert "\n" not in line and len(line.encode()) >= 100 * 1024
    (d / "one_line.txt").write_text(line, "utf-8")
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 0 and run.skipped == []
    assert run.sources == [str(d / "one_line.txt")]
    [article], _ = load_articles([d / "one_line.txt"])
    assert article.text == line
    chunks = chunk_article(article, 800, 60)
    expected = [number_chunk(c.text).render() for c in chunks]  # as the prompt shows them
    assert len(expected) > 20
    assert sorted(llm.chunks) == sorted(expected)  # every chunk sent once, none other
    assert max(estimate_tokens(c.text) for c in chunks) <= 800
    # the mocked model finds nothing, but the line holds the seed's sentences: code finds the stops
    assert run.out is not None and "Toronto" in run.out
    assert "one_line: no LG leader's trip or statement found in this article" not in run.warnings


def test_100_kb_line_of_the_whole_seed_is_read(tmp_path: Path) -> None:
    # ingest._is_menu counts section names (글로벌, 산업, 경제, ...) among a line's words, whatever
    # the line's length: seed 000's paragraph "LG화학 생명과학본부는 2019년 글로벌 ..." says 글로벌
    # three times, and before the body has started any such line is dropped. The whole article on
    # one line is thus dropped: "no article body found after cleaning".
    line = korean_line(100 * 1024, menu_words=True)
    (tmp_path / "one_line.txt").write_text(line, "utf-8")
    articles, errors = load_articles([tmp_path / "one_line.txt"])
    if errors:
        raise errors[0]
    assert [a.text for a in articles] == [line]


def test_100_kb_line_without_spaces_or_sentence_ends_is_chunked(tmp_path: Path) -> None:
    (tmp_path / "solid.txt").write_text(korean_line(100 * 1024, sep=""), "utf-8")
    [article], errors = load_articles([tmp_path / "solid.txt"])
    assert errors == []
    chunks = chunk_article(article, 800, 60)
    assert len(chunks) > 20
    assert "".join(c.text for c in chunks) == article.text  # cut, nothing lost or repeated


def test_hard_split_pieces_stay_within_the_budget(tmp_path: Path) -> None:
    # chunk._hard_split grows a piece in steps of budget // 2 characters until it reaches the
    # budget, then cuts at the last space before that end (or not at all): pieces run over.
    (tmp_path / "solid.txt").write_text(korean_line(100 * 1024, sep=""), "utf-8")
    [article], _ = load_articles([tmp_path / "solid.txt"])
    assert max(c.tokens for c in chunk_article(article, 800, 60)) <= 800


def test_cli_unreadable_entries_in_a_directory(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = input_dir(tmp_path)
    (d / "dangling.txt").symlink_to(d / "gone.txt")
    (d / "self.txt").symlink_to(d / "self.txt")  # a symlink to itself
    (d / "broken.txt").mkdir()  # a directory with an article's name: walked like any directory
    locked = d / "locked.txt"
    shutil.copyfile(SEEDS / "004_7b4728ca1b4327a8.txt", locked)
    locked.chmod(0)
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 1
    assert run.reason(d / "dangling.txt") == (
        "cannot read (No such file or directory); check the path and permissions"
    )
    assert run.reason(d / "self.txt") == (
        "cannot read (Too many levels of symbolic links); check the path and permissions"
    )
    assert "broken.txt" not in run.err  # an (empty) subdirectory: nothing to say
    # chmod 000 does not stop root from reading: as root the file is briefed, otherwise skipped.
    if os.geteuid() == 0:
        assert len(run.skipped) == 2
        assert str(locked) in run.sources and "William Cho" in (run.out or "")
    else:
        assert len(run.skipped) == 3
        assert run.reason(locked) == "cannot read (Permission denied); check the path and permissions"
        assert str(locked) not in run.sources
    assert_good_processed(run, d)


def test_cli_directory_named_like_an_article_has_no_articles(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "broken.txt").mkdir()
    run = run_cli(capsys, tmp_path, tmp_path / "broken.txt")
    assert run.code == 4 and run.out is None
    assert (
        f"briefing: error: {tmp_path / 'broken.txt'}: no readable article ({tmp_path / 'broken.txt'}: "
        in run.err
    )
    assert "no articles here (.htm, .html, .json, .jsonl, .text, .txt)" in run.err


def test_cli_symlink_loop_is_walked_once(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = input_dir(tmp_path)
    (d / "link").symlink_to(d)  # in/link -> in
    (d / "sub").mkdir()
    (d / "sub" / "up").symlink_to(d)  # in/sub/up -> in
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 0 and run.skipped == []
    assert run.sources == [str(d / "good.txt")]  # found once, not once per path through the loop
    assert len(llm.chunks) == 2


def test_unreadable_subdirectory_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As root, chmod 000 does not stop reading a directory, so the refusal a normal user gets from
    # the OS is simulated: os.scandir raises PermissionError for that one directory.
    d = tmp_path / "in"
    (d / "private").mkdir(parents=True)
    shutil.copyfile(SEED_000, d / "good.txt")
    shutil.copyfile(SEEDS / "004_7b4728ca1b4327a8.txt", d / "private" / "story.txt")
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == str(d / "private"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    articles, errors = load_articles([d])
    assert [a.id for a in articles] == ["good"]
    # discover() walks with os.walk(..., onerror=None): the error is dropped and the run exits 0.
    assert any(e.path == str(d / "private") for e in errors), errors


def test_named_pipe_does_not_hang(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    shutil.copyfile(SEED_000, d / "good.txt")
    pipe = d / "pipe.txt"
    os.mkfifo(pipe)
    result: list[tuple[list[Any], list[InputError]]] = []
    worker = threading.Thread(target=lambda: result.append(load_articles([d])), daemon=True)
    worker.start()
    worker.join(timeout=3)  # a bound, not a sleep: returns as soon as load_articles does
    hung = worker.is_alive()
    if hung:  # unblock the reader (open a writer end and close it: EOF) so the thread ends
        with contextlib.suppress(OSError):
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=5)
    assert not hung, "load_articles blocked on a named pipe (read_bytes opens it and waits for a writer)"
    [(articles, errors)] = result
    assert [a.id for a in articles] == ["good"]
    assert any(e.path == str(pipe) for e in errors)


# --- records that crash the run ---------------------------------------------------------------------


def test_cli_record_with_non_string_text_is_skipped(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # _records() checks only that 'text' is truthy; build_article then calls str methods on an int.
    d = input_dir(tmp_path, "record_text_not_string.jsonl")
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 1
    assert run.reason(f"{d / 'record_text_not_string.jsonl'}:1")
    assert_good_processed(run, d)


def test_cli_deeply_nested_json_is_skipped(
    llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # 200 KB of brackets: json.loads raises RecursionError, and _records() catches only
    # JSONDecodeError.
    d = input_dir(tmp_path)
    (d / "nested.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    run = run_cli(capsys, tmp_path, d)
    assert run.code == 1
    assert run.reason(d / "nested.json")
    assert_good_processed(run, d)


def test_cli_empty_jsonl_is_named(llm: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # empty.txt gets "no article body found"; empty.jsonl (or a .json holding []) gets nothing at all.
    d = input_dir(tmp_path, "empty.jsonl")
    run = run_cli(capsys, tmp_path, d)
    assert_good_processed(run, d)
    assert run.code == 1, run.err
    assert run.reason(d / "empty.jsonl")


def test_corpus_readme_lists_every_file() -> None:
    readme = (BAD / "README.md").read_text("utf-8")
    names = sorted(p.name for p in BAD.iterdir() if p.name != "README.md")
    assert [n for n in names if f"`{n}`" not in readme] == []
    # the binary kinds are what they claim to be
    assert (BAD / "png_header.txt").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (BAD / "png_header.html").read_bytes() == (BAD / "png_header.txt").read_bytes()
    assert (BAD / "archive_zip.txt").read_bytes()[:4] == b"PK\x03\x04"
    assert b"\x00" in (BAD / "nul_inside.txt").read_bytes()
