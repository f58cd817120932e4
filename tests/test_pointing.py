"""Point, don't copy: numbering a chunk, and what code cuts from the sentences the model cites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import respx
from mockllm import completion

from briefing.answers import ChunkPoints
from briefing.cli import main
from briefing.datewords import date_words
from briefing.extract import prompt_example
from briefing.models import ChunkExtraction, StatementX, StopX
from briefing.places import default_gazetteer
from briefing.pointing import korean_in_english, number_chunk, point_at, resolve, unexampled
from briefing.prompts import get_prompt

# Made-up text in the shape of a Korean news chunk (our own words).
CHUNK = (
    "권봉석 LG 부회장이 지난 3일부터 사흘간 폴란드 브로츠와프 배터리 공장과 미국 미시간주 폰티액 "
    "연구소를 찾았다고 LG가 7일 밝혔다.\n\n"
    '권 부회장은 현장에서 "품질은 타협할 수 없는 원칙"이라며 "고객 신뢰가 곧 성장"이라고 말했다. '
    "그는 공장 증설에 3조 5000억원을 투자한다고 설명했다."
)


def points(**parts: object) -> ChunkPoints:
    return ChunkPoints.model_validate({"S": [], "Q": [], "F": [], **parts})


def test_sentences_and_quotations_are_numbered_for_the_prompt() -> None:
    numbered = number_chunk(CHUNK)
    shown = numbered.render().splitlines()
    assert len(shown) == 3 and shown[0].startswith("S1 권봉석") and shown[2].startswith("S3 그는")
    assert 'Q1"품질은' in shown[1] and 'Q2"고객 신뢰가' in shown[1]
    assert [CHUNK[q.start : q.end] for q in numbered.quotes] == [
        "품질은 타협할 수 없는 원칙",
        "고객 신뢰가 곧 성장",
    ]


def test_code_cuts_quote_place_date_and_figure_from_the_cited_sentences() -> None:
    answer = points(
        S=[{"l": "권봉석", "p": "Wroclaw", "at": 1, "d": 1, "a": "trip", "st": "done", "o": None, "m": [], "w": None}],
        Q=[{"l": "권봉석", "at": "Q2", "en": "Customer trust is growth.", "tp": "customers"},
           {"l": "권봉석", "at": "S3", "en": "He said it will invest.", "tp": "growth"}],
        F=[{"at": 3, "v": "3.5 trillion won", "m": "plant expansion"}],
    )  # fmt: skip
    facts = resolve(answer, number_chunk(CHUNK), default_gazetteer()).extraction
    [stop] = facts.stops
    assert (stop.place_ko, stop.city, stop.country) == ("폴란드 브로츠와프", "Wrocław", "Poland")
    assert stop.date_text == "지난 3일부터 사흘간"  # the report date "7일 밝혔다" is not it
    assert [(s.quote_ko, s.speech) for s in facts.statements] == [
        ("고객 신뢰가 곧 성장", "direct"),
        ("공장 증설에 3조 5000억원을 투자한다", "indirect"),
    ]
    assert [f.text_ko for f in facts.figures] == ["3조 5000억원"]


def test_a_pointer_that_leads_nowhere_loses_its_item_not_the_chunk() -> None:
    answer = points(
        S=[{"l": "권봉석", "p": "Joju", "at": 1, "d": None, "a": "stop", "st": "done", "o": None, "m": [], "w": None},
           {"l": "권봉석", "p": "Seoul", "at": 9, "d": None, "a": "stop", "st": "done", "o": None, "m": [], "w": None}],
        Q=[{"l": "권봉석", "at": "Q7", "en": "x", "tp": "general"}],
        F=[{"at": 3, "v": "9 trillion won", "m": "a figure the sentence does not give"}],
    )  # fmt: skip
    resolved = resolve(answer, number_chunk(CHUNK), default_gazetteer())
    facts = resolved.extraction
    assert facts.stops == [] and facts.statements == [] and facts.figures == []
    assert len(resolved.notes) == 4


def test_a_place_the_gazetteer_lacks_is_taken_when_the_sentence_writes_its_sound() -> None:
    answer = points(
        S=[
            {
                "l": "권봉석",
                "p": "Pontiac",
                "at": 1,
                "d": 1,
                "a": "trip",
                "st": "done",
                "o": None,
                "m": [],
                "w": None,
            }
        ]
    )
    [stop] = resolve(answer, number_chunk(CHUNK), default_gazetteer()).extraction.stops
    assert stop.place_ko == "폰티액" and stop.city == "Pontiac"


def test_date_words_as_the_sentence_writes_them() -> None:
    assert date_words("구 회장은 지난달 24일부터 나흘 일정으로 인도를 찾았다") == "지난달 24일부터 나흘 일정"
    assert date_words("다음 날인 3일 오창공장을 방문했다") == "다음 날인 3일"
    assert date_words("조 CEO는 지난달 설 연휴를 앞두고 벵갈루루를 찾았다") == "지난달"  # that whole month
    assert date_words("구 회장은 이달 말 미국을 찾는다") == "이달 말"
    assert date_words("LG는 24일 밝혔다") is None
    assert date_words("He wrapped up the trip on Thursday.") == "on Thursday"
    assert date_words("2020.07.23 광저우") == "2020.07.23"


def test_the_prompt_example_is_never_a_fact() -> None:
    example = prompt_example(get_prompt("extract"))
    assert example is not None and example.S and example.Q
    copied = points(
        S=[{**example.S[0].model_dump(), "p": "Wroclaw", "l": "권봉석"}],
        Q=[{**example.Q[0].model_dump(), "l": "권봉석"}],
    )
    cleaned = unexampled(copied, example)
    assert cleaned.Q == [] and cleaned.S[0].o is None and cleaned.S[0].w is None
    # and the example's made-up traveller and place are not in the chunk: code drops the stop
    facts = resolve(points(S=[example.S[0].model_dump()]), number_chunk(CHUNK), default_gazetteer())
    assert facts.extraction.stops == []


def test_korean_in_an_english_field_is_found_for_the_re_ask() -> None:
    answer = points(
        S=[{"l": "권봉석", "p": "브로츠와프", "at": 1, "d": None, "a": "stop", "st": "done", "o": "LG에너지솔루션",
            "m": [{"k": "홍길동", "r": "사장"}], "w": "visit"}]
    )  # fmt: skip
    assert korean_in_english(answer) == ["S1.p", "S1.o", "S1.m1.r"]


def test_point_at_is_the_inverse_of_resolve_for_a_perfect_answer() -> None:
    facts = ChunkExtraction(
        leaders=[],
        stops=[StopX(leader_ko="권봉석", date_text="지난 3일부터 사흘간", date_applies_to="trip",
                     place_ko="브로츠와프", city="Wrocław", region=None, country="Poland",
                     organisation=None, people_met=[], purpose=None, status="done")],
        statements=[StatementX(speaker_ko="권봉석", quote_ko="품질은 타협할 수 없는 원칙",
                               quote_en="Quality is a principle.", topic="customers", speech="direct")],
        figures=[],
    )  # fmt: skip
    numbered = number_chunk(CHUNK)
    again = resolve(point_at(facts, numbered), numbered, default_gazetteer()).extraction
    assert [(s.place_ko, s.date_text) for s in again.stops] == [("폴란드 브로츠와프", "지난 3일부터 사흘간")]
    assert [s.quote_ko for s in again.statements] == ["품질은 타협할 수 없는 원칙"]


def test_korean_in_an_english_field_is_asked_once_more(endpoint: respx.MockRouter, tmp_path: Path) -> None:
    """Hand-written answers: the first writes the place in Korean, the re-ask in English."""
    bodies: list[dict[str, Any]] = []

    def model(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        if body["response_format"]["json_schema"]["name"].startswith("synthesize"):
            content: object = {"summary": ["Hand-written."], "common_threads": [], "differences": []}
        else:
            again = "contain Korean" in body["messages"][-1]["content"]
            content = points(
                S=[{"l": "권봉석", "p": "Wroclaw" if again else "브로츠와프", "at": 1, "d": 1, "a": "trip",
                    "st": "done", "o": None, "m": [], "w": None}],
            ).model_dump()  # fmt: skip
        return httpx.Response(200, json=completion(json.dumps(content, ensure_ascii=False)))

    endpoint.post("/chat/completions").mock(side_effect=model)
    page = tmp_path / "story.txt"
    page.write_text(CHUNK, "utf-8")
    out = tmp_path / "b.md"
    assert main(["run", str(page), "-o", str(out), "--published", "2024-05-07", "-q"]) in (0, 1)
    extract = [b for b in bodies if b["response_format"]["json_schema"]["name"].startswith("extract")]
    assert len(extract) == 2 and "S1.p" in extract[1]["messages"][-1]["content"]
    assert "Wrocław" in out.read_text("utf-8")
