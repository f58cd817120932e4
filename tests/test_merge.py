"""Merging across chunks and articles: names mapped, dates resolved, duplicates merged, conflicts shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

from briefing.glossary import default_glossary
from briefing.merge import ArticleExtraction, merge
from briefing.models import Article, ArticleMeta, ChunkExtraction

TEXT = (
    "구광모 LG그룹 회장은 지난 21일부터 나흘간 보스턴과 토론토를 방문했다.\n\n"
    "구 회장은 22일 토론토에서 김병훈 CTO를 만났다.\n\n"
    '구 회장은 "AI는 미래 게임체인저"라고 강조했다.'
)


def article(aid: str, text: str = TEXT, published: dt.date | None = dt.date(2023, 8, 24)) -> Article:
    return Article(
        id=aid,
        path=f"{aid}.txt",
        meta=ArticleMeta(published=published, outlet="X"),
        text=text,
        content_hash=aid,
    )


def stop(**kw: Any) -> dict[str, Any]:
    base = {
        "leader_ko": "구광모",
        "date_text": None,
        "date_applies_to": "stop",
        "place_ko": "토론토",
        "city": "Toronto",
        "region": None,
        "country": "Canada",
        "organisation": None,
        "people_met": [],
        "purpose": None,
        "status": "done",
    }
    return base | kw


def extraction(**kw: Any) -> ChunkExtraction:
    return ChunkExtraction.model_validate({"leaders": [], "stops": [], "statements": [], "figures": []} | kw)


def item(a: Article, x: ChunkExtraction) -> ArticleExtraction:
    return ArticleExtraction(a, 0, len(a.text), x)


def test_same_stop_from_two_chunks_merges_people_and_keeps_best_date() -> None:
    a = article("a")
    x1 = extraction(stops=[stop(date_text="지난 21일부터 나흘간", date_applies_to="trip")])
    x2 = extraction(
        stops=[stop(place_ko="토론토", date_text="22일", people_met=[{"name_ko": "김병훈", "role": "CTO"}])]
    )
    merged = merge([a], [item(a, x1), item(a, x2)], default_glossary())
    assert len(merged.stops) == 1
    s = merged.stops[0]
    assert s.dates.start == dt.date(2023, 8, 22) and s.date_applies_to == "stop"
    assert [p.name_en for p in s.people_met] == ["Kim Byoung-hoon"]
    assert s.people_met[0].role == "CTO, LG Electronics"  # glossary role, not the model's
    assert s.leader_en == "Koo Kwang-mo"


def test_three_outlets_one_stop_three_sources() -> None:
    arts = [article(n) for n in ("a", "b", "c")]
    items = [item(a, extraction(stops=[stop(date_text="22일")])) for a in arts]
    merged = merge(arts, items, default_glossary())
    assert len(merged.stops) == 1
    assert [r.article_id for r in merged.stops[0].sources] == ["a", "b", "c"]


def test_different_dates_from_two_outlets_are_a_visible_conflict() -> None:
    a = article("a")
    b = article("b", TEXT.replace("22일 토론토", "23일 토론토"))
    merged = merge(
        [a, b],
        [
            item(a, extraction(stops=[stop(date_text="22일")])),
            item(b, extraction(stops=[stop(date_text="23일")])),
        ],
        default_glossary(),
    )
    assert len(merged.stops) == 2
    assert all(s.conflicts for s in merged.stops)
    assert "2023-08-22" in merged.stops[0].conflicts[0] and "2023-08-23" in merged.stops[0].conflicts[0]


def test_a_date_not_in_the_source_is_dropped_with_a_warning() -> None:
    a = article("a")
    merged = merge([a], [item(a, extraction(stops=[stop(date_text="8월 30일")]))], default_glossary())
    assert merged.stops[0].dates.start is None
    assert any("not in the source" in w for w in merged.warnings)


def test_quotes_verified_or_flagged_and_deduplicated() -> None:
    a = article("a")
    said = {
        "speaker_ko": "구 회장",
        "quote_ko": "AI는 미래 게임체인저",
        "quote_en": "AI is the future game changer",
        "topic": "AI",
        "speech": "direct",
    }
    invented = said | {"quote_ko": "LG는 세계 1위가 될 것", "quote_en": "LG will be number one"}
    longer = said | {"quote_ko": 'AI는 미래 게임체인저"라고 강조했다'}
    x = extraction(statements=[said, invented, longer])
    merged = merge([a], [item(a, x)], default_glossary())
    assert len(merged.statements) == 2
    ok, bad = merged.statements
    assert ok.verified and ok.speaker_en == "Koo Kwang-mo" and ok.quote_ko == "AI는 미래 게임체인저"
    assert TEXT[ok.sources[0].start : ok.sources[0].end] == "AI는 미래 게임체인저"  # type: ignore[index]
    assert not bad.verified
    assert any("not found in the source" in w for w in merged.warnings)


def test_status_follows_dates_when_the_model_does_not_know() -> None:
    a = article("a", TEXT + "\n\n구 회장은 오는 30일 시애틀을 방문한다.")
    x = extraction(stops=[stop(place_ko="시애틀", city="Seattle", date_text="오는 30일", status="unknown")])
    merged = merge([a], [item(a, x)], default_glossary())
    assert merged.stops[0].status == "planned"


def test_unknown_publication_date_leaves_day_unresolved() -> None:
    a = article("a", published=None)
    merged = merge([a], [item(a, extraction(stops=[stop(date_text="22일")]))], default_glossary())
    assert merged.stops[0].dates.start is None
    assert any("publication date unknown" in w for w in merged.warnings)


def test_unknown_leader_is_romanised_and_flagged() -> None:
    a = article("a", "홍길동 LG 부회장이 뉴욕을 방문했다.")
    x = extraction(stops=[stop(leader_ko="홍길동", place_ko="뉴욕", city="New York")])
    merged = merge([a], [item(a, x)], default_glossary())
    assert merged.leaders[0].name_en == "Hong Gil-dong" and not merged.leaders[0].official
    assert any("not in glossary" in w for w in merged.warnings)


def test_small_model_mistakes_are_repaired_in_code() -> None:
    """What a 1.5B model does on the seeds: abbreviated and titled names, phrases as people,
    places in Korean or in the wrong city. The glossary and checks repair or drop them."""
    a = article("a", TEXT + "\n\n구 회장은 보스턴에서 LG전자의 토론토 AI 랩(Lab) 관계자를 만났다.")
    x = extraction(
        leaders=[{"name_ko": "구 회장", "name_en": "Lee, Gwangmo", "title": None, "company": None},
                 {"name_ko": "김병훈 CTO", "name_en": "Gimbyeonghun Cto", "title": None, "company": None}],
        stops=[stop(place_ko="보스턴", city="보스턴", country="미국",
                    people_met=[{"name_ko": "LG전자의 토론토 AI 랩(Lab)", "role": "연구소"},
                                {"name_ko": "김병훈 CTO", "role": None}]),
               stop(place_ko="토론토", city="San Francisco", date_text="22일")],
    )  # fmt: skip
    merged = merge([a], [item(a, x)], default_glossary())
    assert [x.name_en for x in merged.leaders] == ["Koo Kwang-mo", "Kim Byoung-hoon"]
    boston, toronto = sorted(merged.stops, key=lambda s: s.place)
    assert boston.place == "Boston, Massachusetts, United States"
    assert [p.name_en for p in boston.people_met] == ["Kim Byoung-hoon"]
    assert toronto.place == "Toronto, Ontario, Canada"
    assert any("not a person's name" in w for w in merged.warnings)


def test_other_visits_to_the_same_city_are_not_conflicts() -> None:
    a = article("a", TEXT.replace("22일 토론토에서", "6일 마곡에서") + "\n\n구 회장은 6일 마곡을 찾았다.")
    b = article("b", TEXT + "\n\n구 회장은 20일 여의도를 찾았다.")
    xa = extraction(stops=[stop(place_ko="마곡", city="Seoul", date_text="6일")])
    xb = extraction(stops=[stop(place_ko="여의도", city="Seoul", date_text="20일")])
    merged = merge([a, b], [item(a, xa), item(b, xb)], default_glossary())
    assert len(merged.stops) == 2 and not any(s.conflicts for s in merged.stops)
