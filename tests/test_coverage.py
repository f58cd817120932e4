"""Real coverage: the development corpus (tests/fixtures/coverage, our own words over the facts and
page layout of real articles) and what real pages break: furniture mid-article, facts only in a
headline or caption, datelines, places with their state, officials met versus groups, English
coverage, the leadership directory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import SEEDS

from briefing.answers import ChunkPoints
from briefing.cli import main
from briefing.evaluate import GoldArticle, OracleLLM, load_gold, oracle_answer, resolve_articles
from briefing.glossary import default_glossary, names_in
from briefing.ingest import build_article
from briefing.merge import ArticleExtraction, merge
from briefing.models import (
    BriefingData,
    ChunkExtraction,
    LeaderX,
    PersonX,
    RunStats,
    StatementX,
    StopX,
)
from briefing.places import default_gazetteer
from briefing.prompts import RenderedPrompt
from briefing.readers import load_articles
from briefing.render import render_markdown

ROOT = Path(__file__).resolve().parents[1]
COVERAGE = ROOT / "tests" / "fixtures" / "coverage"
GOLD = ROOT / "eval" / "coverage.gold.jsonl"


def _article(name: str):  # type: ignore[no-untyped-def]
    (article,), errors = load_articles([COVERAGE / f"{name}.txt"])
    assert errors == []
    return article


def _stop(leader: str, place: str, date: str | None = None, met: list[str] | None = None) -> StopX:
    return StopX(leader_ko=leader, date_text=date, date_applies_to="stop", place_ko=place, city=None,
                 region=None, country=None, organisation=None,
                 people_met=[PersonX(name_ko=p, role=None) for p in met or []], purpose=None,
                 status="unknown")  # fmt: skip


def _merge(article, stops=(), statements=(), leaders=()):  # type: ignore[no-untyped-def]
    x = ChunkExtraction(leaders=list(leaders), stops=list(stops), statements=list(statements), figures=[])
    return merge([article], [ArticleExtraction(article, 0, len(article.text), x)], default_glossary())


# --- the corpus -----------------------------------------------------------------------------------


def test_the_corpus_is_wide() -> None:
    golds = load_gold(GOLD)
    sidecars = [json.loads((ROOT / g.article).with_suffix(".meta.json").read_text("utf-8")) for g in golds]
    assert len(golds) >= 40
    assert len({s["outlet"] for s in sidecars}) >= 20
    assert len({x.name_ko for g in golds for x in g.leaders}) >= 10
    assert all(s["url"].startswith("http") for s in sidecars)  # where the facts came from
    english = [
        g for g in golds if g.statements and not any("가" <= c <= "힣" for c in g.statements[0].quote_ko)
    ]
    assert len(english) >= 4  # English-language coverage is part of it


def test_gold_evidence_is_verbatim_in_the_cleaned_text() -> None:
    golds = load_gold(GOLD)
    paths = resolve_articles(golds, GOLD, None)
    articles = {a.path: a for a in load_articles(paths)[0]}
    for g, path in zip(golds, paths, strict=True):
        text = articles[str(path)].text
        compact = text.replace(" ", "").replace("\n", "")
        for q in g.statements:
            assert q.quote_ko.replace(" ", "") in compact.replace('"', "").replace("“", "").replace(
                "”", ""
            ), q
        for s in g.stops:
            assert s.place_ko.replace(" ", "") in compact, s.place_ko
            assert s.date_text is None or s.date_text.replace(" ", "") in compact, s.date_text


# What a perfect model that points at sentences (extract@4) still loses, and why: a university
# the gazetteer does not know, named in a sentence that also names no city; and a country-level
# stop the merge folds into the city stop of the same trip; and a state the gold counts as a site
# of its own ("미시간주 공장과 트로이 연구소") beside a city in it, which merge folds into the city's
# stop of the same visit as it folds "캘리포니아주" into "쿠퍼티노" (keeping states cost the seeds'
# stop precision 1.0 -> 0.83 and the corpus's 0.93 -> 0.87 for this one stop).
KNOWN_LOSSES = {
    "newspim_20240617_hyun-shingyoon.txt: stop Seoul",
    "kedglobal_20240610_koo-kwangmo.txt: stop United States",
    "wowtv_20230601_kwon-youngsoo.txt: stop Michigan",
}


def test_a_perfect_model_loses_almost_nothing_on_the_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(GOLD), "--oracle", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    lost = {m[1] for item in report["lost"] if (m := re.search(r"([^/]+\.txt: stop [^:]+)", item))}
    assert lost <= KNOWN_LOSSES, lost - KNOWN_LOSSES
    for name, value in report["overall"].items():
        if name.startswith(("invented", "model quotes")):
            assert value == 0, (name, value)
        elif name in ("stop dates missing", "stop dates wrong"):
            assert value <= 3, (name, value)
        elif name == "stop dates correct":
            # 0.967 measured: the English "four-day trip … on Thursday" is cut to "on Thursday"
            assert value >= 0.95, (name, value)
        elif name == "official-name accuracy":
            # names outside the directory are romanised by code (issue 12), never the model's
            # spelling: they agree with the press's English only where the romanisation does
            assert value >= 0.9, (name, value)
        elif name in ("leader precision", "stop precision", "statement precision"):
            # code proposes facts of its own beside the model's (briefing/propose.py): executives
            # the gold does not list, a stop the gold counts otherwise. Measured 0.879 / 0.871 /
            # 0.962 on this corpus; a fall below 0.85 is a regression of the proposals.
            assert value >= 0.85, (name, value)
        else:
            assert value >= 0.97, (name, value)


def test_the_oracle_answers_each_article_from_its_own_gold_only() -> None:
    mine = GoldArticle.model_validate({"article": "a.txt", "leaders": [], "statements": [], "stops": [
        {"leader": "구광모", "place": "Seoul", "place_ko": "서울"}]})  # fmt: skip
    chunk = "구광모 회장은 서울에서 열린 행사에 참석했다."
    assert len(oracle_answer(mine, chunk).stops) == 1
    oracle = OracleLLM({"a": mine})
    prompt = RenderedPrompt(ref="extract@3", sha256="", system="", user="", params=None,  # type: ignore[arg-type]
                            schema_name="ChunkPoints", data=chunk, source="b")  # fmt: skip
    assert oracle.complete(prompt, ChunkPoints).value.S == []  # article b has no gold
    mine_prompt = RenderedPrompt(ref="extract@3", sha256="", system="", user="", params=None,  # type: ignore[arg-type]
                                 schema_name="ChunkPoints", data=chunk, source="a")  # fmt: skip
    assert [(s.p, s.at) for s in oracle.complete(mine_prompt, ChunkPoints).value.S] == [("Seoul", 1)]


def test_articles_dir_keeps_the_gold_folders(tmp_path: Path) -> None:
    gold = tmp_path / "g.jsonl"
    (tmp_path / "x" / "sub").mkdir(parents=True)
    (tmp_path / "x" / "sub" / "a.txt").write_text("본문", "utf-8")
    gold.write_text(
        json.dumps({"article": "sub/a.txt", "leaders": [], "stops": [], "statements": []}), "utf-8"
    )
    assert resolve_articles(load_gold(gold), gold, tmp_path / "x") == [tmp_path / "x" / "sub" / "a.txt"]


# --- page furniture -------------------------------------------------------------------------------


def test_a_copyright_line_mid_article_cuts_nothing() -> None:
    raw = (COVERAGE / "kidd_20250305_kim-dongmyung.txt").read_text("utf-8")
    after = raw[raw.index("ⓒ산업일보") :].split("\n")
    following = next(line for line in after[1:] if len(line) > 40)
    text = _article("kidd_20250305_kim-dongmyung").text
    assert following.strip()[:30] in text and "ⓒ산업일보" not in text


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("구 회장이 공장을 둘러보고 있다.(사진=LG에너지솔루션)", "구 회장이 공장을 둘러보고 있다."),
        ("구 회장이 공장을 둘러보고 있다. LG에너지솔루션 제공", "구 회장이 공장을 둘러보고 있다."),
        ("구 회장이 공장을 둘러보고 있다./LG전자", "구 회장이 공장을 둘러보고 있다."),
        ("구 회장이 공장을 둘러보고 있다. ⓒ뉴스1 최동현 기자", "구 회장이 공장을 둘러보고 있다."),
        ("Koo looks around the plant on April 4. (LG Electronics)", "Koo looks around the plant on April 4."),
    ],
)
def test_a_credit_glued_to_a_caption_is_cut_off_and_the_caption_kept(line: str, kept: str) -> None:
    body = "LG그룹은 이날 새 공장 가동에 들어갔다고 밝혔다. 이번 공장은 연간 수십만 대를 생산할 수 있다."
    article = build_article("a", "a.txt", f"제목이 여기 있습니다 아주 길게\n\n{line}\n\n{body}")
    captions = [article.text[s.start : s.end] for s in article.sections if s.kind == "caption"]
    assert captions == [kept]
    assert body in article.text


@pytest.mark.parametrize(
    ("lead", "place", "byline"),
    [
        ("(서울=뉴스1) 최동현 기자 = ", "서울", "최동현"),
        ("[바르셀로나=이데일리 김현아 기자] ", "바르셀로나", "김현아"),
        ("【서울=뉴시스】홍길동 기자 = ", "서울", "홍길동"),
        ("LAS VEGAS (Yonhap) -- ", "Las Vegas", None),
    ],
)
def test_datelines_are_taken_off_the_body(lead: str, place: str, byline: str | None) -> None:
    body = "구광모 LG그룹 회장이 미국 출장길에 올라 현지 사업장을 둘러봤다고 회사가 밝혔다."
    article = build_article("a", "a.txt", f"구광모 회장 미국 출장 떠나다\n\n{lead}{body}")
    assert article.body_only().text == body
    assert article.meta.dateline == place and article.meta.byline == byline


# --- facts outside the body -----------------------------------------------------------------------


def test_a_fact_only_in_a_caption_is_marked_so_in_the_briefing() -> None:
    article = _article("fnnews_20240404_oh-yuseong")
    merged = _merge(article, stops=[_stop("오유성", "퀸 크릭", "지난 3일(현지시간)")])
    [stop] = merged.stops
    assert stop.city == "Queen Creek" and stop.sources[0].section == "caption"
    data = BriefingData(generated=dt.date(2024, 4, 5), model="m", prompts=[], merged=merged, synthesis=None,
                        stats=RunStats())  # fmt: skip
    assert "[1] (from the photo caption)" in render_markdown(data)


def test_a_quote_only_in_the_headline_is_found_there() -> None:
    article = _article("joongang_20230419_koo-kwangmo")
    merged = _merge(article, statements=[StatementX(speaker_ko="구광모", quote_ko="배터리 경쟁력 우위 지켜야",
                                                    quote_en="x", topic="battery", speech="direct")])  # fmt: skip
    [st] = merged.statements
    assert st.verified and st.sources[0].section == "headline"


# --- places ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "city", "region", "country"),
    [
        ("워싱턴주 레드먼드", "Redmond", "Washington", "United States"),
        ("워싱턴", "Washington, D.C.", None, "United States"),
        ("미국 테네시주 클락스빌", "Clarksville", "Tennessee", "United States"),
        ("조지아주", None, "Georgia", "United States"),
        ("마곡 LG사이언스파크", "Seoul", None, "South Korea"),
        ("여의도 LG트윈타워", "Seoul", None, "South Korea"),
        ("LG전자 창원공장", "Changwon", "South Gyeongsang", "South Korea"),
        ("제주 롯데호텔", None, "Jeju", "South Korea"),  # the city named beats the chain's Seoul hotel
        ("Redmond, Washington", "Redmond", "Washington", "United States"),
        ("인도", None, None, "India"),
    ],
)
def test_the_most_specific_place_wins(
    written: str, city: str | None, region: str | None, country: str
) -> None:
    place = default_gazetteer().find(written)
    assert place is not None and (place.city, place.region, place.country) == (city, region, country)


def test_a_place_is_never_a_substring_of_a_longer_word() -> None:
    gazetteer = default_gazetteer()
    assert gazetteer.find("이동수단") is None
    assert gazetteer.find("대전환") is None  # 대전 (Daejeon) inside "great transformation"


def test_a_stop_whose_place_is_not_in_the_text_is_dropped() -> None:
    merged = _merge(_article("fnnews_20240404_oh-yuseong"), stops=[_stop("오유성", "제주", None)])
    assert merged.stops == [] and any("not in the article" in w for w in merged.warnings)


# --- people ---------------------------------------------------------------------------------------


def test_officials_and_other_ceos_are_people_met_groups_are_not() -> None:
    article = _article("etoday_20231220_shin-hakcheol")
    merged = _merge(article, stops=[_stop("신학철", "클락스빌", "19일(현지시간)",
                                          ["빌 리", "조 피츠", "조현동", "임직원", "의원 15명"])])  # fmt: skip
    [stop] = merged.stops
    assert [p.name_ko for p in stop.people_met] == ["빌 리", "조 피츠", "조현동"]


def test_a_directory_title_is_the_one_held_on_the_day() -> None:
    g = default_glossary()
    assert g.person_name("정철동", on=dt.date(2022, 5, 1)).company == "LG Innotek"
    assert g.person_name("정철동", on=dt.date(2024, 5, 1)).company == "LG Display"
    assert g.person_name("권봉석", on=dt.date(2020, 6, 1)).company == "LG Electronics"
    assert g.person_name("권봉석", on=dt.date(2023, 6, 1)).company == "LG Corp."
    assert len([e for e in g.entries if e.person]) >= 45


def test_a_name_not_in_the_directory_is_romanised_and_marked() -> None:
    name = default_glossary().person_name("홍길동")
    assert (name.en, name.official) == ("Hong Gil-dong", False)


def test_names_match_as_whole_words() -> None:
    assert names_in("이동수 법인장이 말했다", "이동수")
    assert names_in("이동수는 말했다", "이동수")
    assert not names_in("새로운 이동수단을 선보였다", "이동수")


# --- English coverage -----------------------------------------------------------------------------


def test_english_coverage_keeps_its_quotes_verbatim_and_finds_the_leader() -> None:
    article = _article("koreatimes_20250109_william-cho")
    gold = next(g for g in load_gold(GOLD) if g.article.endswith("koreatimes_20250109_william-cho.txt"))
    quote = gold.statements[0].quote_ko
    merged = _merge(
        article,
        leaders=[LeaderX(name_ko="조주완", name_en=None, title=None, company=None)],
        statements=[StatementX(speaker_ko="조주완", quote_ko=quote, quote_en="a model's rewording",
                               topic="China", speech="direct")],
    )  # fmt: skip
    [st] = merged.statements
    assert st.verified and st.quote_en == st.quote_ko == quote  # never "translated"
    assert [x.name_en for x in merged.leaders] == ["William Cho"]
    assert not any("no Korean text" in w for w in merged.warnings)


def test_seeds_still_hold(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(ROOT / "eval" / "seeds.gold.jsonl"), "--articles", str(SEEDS.parent), "--oracle",
                 "--format", "json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["lost"] == []
