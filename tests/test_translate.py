"""`briefing translate`: paragraph-aligned, glossary names official, every number checked."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
import respx
from conftest import SEEDS
from mockllm import FIXTURES, Replay, completion

from briefing.cli import main
from briefing.glossary import default_glossary
from briefing.translate import check_paragraph

GOLDEN = Path(__file__).parent / "golden"
SEED_IDS = ["000_966c19d44f95361a", "004_7b4728ca1b4327a8"]


@pytest.fixture
def translate_replay(endpoint: respx.MockRouter) -> Replay:
    replay = Replay.from_dir(FIXTURES / "translate")
    endpoint.post("/chat/completions").mock(side_effect=replay)
    return replay


def translate(tmp_path: Path, *extra: str) -> int:
    os.chdir(SEEDS.parent)
    return main(["translate", "seeds", "-o", str(tmp_path), "--chunk-tokens", "800", "-q", *extra])


@pytest.mark.parametrize("seed", SEED_IDS)
def test_translation_matches_golden(
    translate_replay: Replay, tmp_path: Path, seed: str, update_golden: bool
) -> None:
    assert translate(tmp_path) == 0
    assert translate_replay.unmatched == []
    text = (tmp_path / f"{seed}.en.md").read_text("utf-8")
    golden = GOLDEN / f"{seed}.en.md"
    if update_golden:
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8")
    assert "⚠" not in text  # no unchecked number, name or quote


def test_paragraphs_align_with_the_source(translate_replay: Replay, tmp_path: Path) -> None:
    assert translate(tmp_path, "--format", "json") == 0
    from briefing.readers import load_articles

    articles = {a.id: a for a in load_articles([SEEDS])[0]}
    for seed in SEED_IDS:
        doc = json.loads((tmp_path / f"{seed}.en.json").read_text("utf-8"))
        source = articles[seed].body_only()  # offsets are into the body: headline and captions aside
        assert [p["ko"] for p in doc["paragraphs"]] == source.paragraphs
        assert [p["index"] for p in doc["paragraphs"]] == list(range(len(source.paragraphs)))
        for p in doc["paragraphs"]:
            assert source.text[p["start"] : p["end"]] == p["ko"] and p["en"]
    header = json.loads((tmp_path / f"{SEED_IDS[0]}.en.json").read_text("utf-8"))
    assert header["meta"]["outlet"] == "Ilgan Sports" and header["prompt"].startswith("translate@2")


def test_bilingual_interleaves(translate_replay: Replay, tmp_path: Path) -> None:
    assert translate(tmp_path, "--bilingual") == 0
    text = (tmp_path / f"{SEED_IDS[1]}.en.md").read_text("utf-8")
    ko = text.index("> 조주완 LG전자 최고경영자(CEO)가")
    en = text.index("LG Electronics CEO William Cho has set off")
    ko2 = text.index("> 12일 LG전자에 따르면")
    assert ko < en < ko2


def test_second_translation_costs_no_call(translate_replay: Replay, tmp_path: Path) -> None:
    translate(tmp_path)
    calls = len(translate_replay.requests)
    translate(tmp_path)
    assert calls == 4 and len(translate_replay.requests) == calls


def _answer_with(replay: Replay, old: str, new: str) -> None:
    for f in replay.fixtures:
        for p in f["content"]["paragraphs"]:
            p["english"] = p["english"].replace(old, new)


def test_a_wrong_number_is_caught_and_marked(translate_replay: Replay, tmp_path: Path) -> None:
    _answer_with(translate_replay, "700 billion hours", "70 billion hours")
    assert translate(tmp_path) == 1  # written, but flagged
    text = (tmp_path / f"{SEED_IDS[1]}.en.md").read_text("utf-8")
    assert "⚠ number: 7000억 (700 billion) not found in the English" in text
    assert "1 paragraph(s) flagged" in text


def test_romanised_name_becomes_the_official_one(translate_replay: Replay, tmp_path: Path) -> None:
    _answer_with(translate_replay, "William Cho", "Jo Ju-wan")
    assert translate(tmp_path) == 0
    text = (tmp_path / f"{SEED_IDS[1]}.en.md").read_text("utf-8")
    assert "Jo Ju-wan" not in text and "LG Electronics CEO William Cho has set off" in text


def test_an_unknown_rendering_is_flagged_not_left_silent() -> None:
    fixed, issues = check_paragraph("조주완 사장이 말했다.", "President Joe Wan spoke.", default_glossary())
    assert fixed == "President Joe Wan spoke."
    assert issues == ["glossary: 조주완 should read “William Cho”"]


def test_a_lost_quotation_is_flagged() -> None:
    _, issues = check_paragraph('그는 "좋다"고 말했다.', "He said it was good.", default_glossary())
    assert issues == ["quotation: the Korean has a quotation, the English has none"]


def test_merged_paragraphs_fall_back_to_one_request_each(endpoint: respx.MockRouter, tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        numbered = body["messages"][1]["content"].split("<paragraphs>")[1]
        count = numbered.count("\n[") + 1
        if count > 1:  # merge everything into one paragraph: misaligned
            content = {"title_en": "T", "paragraphs": [{"number": 1, "english": "all in one"}]}
        else:
            content = {
                "title_en": None,
                "paragraphs": [
                    {
                        "number": 1,
                        "english": 'one "x" 24 21 10 20 30 2019 2030 22 2018 Koo Kwang-mo AVEO Oncology',
                    }
                ],
            }
        return httpx.Response(200, json=completion(json.dumps(content)))

    route = endpoint.post("/chat/completions").mock(side_effect=answer)
    os.chdir(SEEDS.parent)
    main(["translate", f"seeds/{SEED_IDS[0]}.txt", "-o", str(tmp_path), "--format", "json", "-q"])
    doc = json.loads((tmp_path / f"{SEED_IDS[0]}.en.json").read_text("utf-8"))
    assert len(doc["paragraphs"]) == 14 and all(p["en"] for p in doc["paragraphs"])
    assert route.call_count == 2 + 14  # two chunk requests, then one per paragraph
