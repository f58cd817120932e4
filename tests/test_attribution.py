"""Quotations by people who are not LG leaders are never given to one, whatever the model says.

The articles are fixtures of real coverage (tests/fixtures/coverage); the model answers are
hand-written here: a model that puts a minister's or another CEO's words in an LG leader's mouth.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.attribution import speakers_of, titled_people
from briefing.glossary import default_glossary
from briefing.merge import ArticleExtraction, merge
from briefing.models import ChunkExtraction, StatementX
from briefing.readers import load_articles

COVERAGE = Path(__file__).parent / "fixtures" / "coverage"


def _merge_quotes(name: str, quotes: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[str]]:
    (article,), _ = load_articles([COVERAGE / f"{name}.txt"])
    x = ChunkExtraction(
        leaders=[],
        stops=[],
        statements=[
            StatementX(speaker_ko=who, quote_ko=q, quote_en="(hand-written)", topic="AI", speech="direct")
            for who, q in quotes
        ],
        figures=[],
    )
    merged = merge([article], [ArticleExtraction(article, 0, len(article.text), x)], default_glossary())
    return [(s.speaker_ko, s.quote_ko[:12]) for s in merged.statements], merged.warnings


@pytest.mark.parametrize(
    ("article", "leader", "own", "other", "other_speaker"),
    [
        # the minister speaks "in the same place" right after the LG CEO
        ("kidd_20250305_kim-dongmyung", "김동명", "인터배터리 2025의 개회와 함께 K-배터리의 재도약을 선포한다",
         "정부는 배터리 산업의 성장세 회복을 위해", "안덕근"),
        # the US Treasury Secretary, then "그는" continuing her
        ("cnbnews_20220719_shin-hakcheol", "신학철", "전지 소재 분야에서도 미국 주요 기업들과 협력 관계를 강화하고",
         "여러분과 같은 한미 양국 기업들이 노력해준 덕분에", "옐런"),
        # Samsung's president at the same booth
        ("etnews_20240228_hwang-hyunsik", "황현식", "저희 통신사 AI 서비스와 같이 할 수 있는 부분들은 잘 협업했으면 좋겠다",
         "이제 온디바이스AI는 시작 단계라고 보고", "노태문"),
    ],
)  # fmt: skip
def test_another_speakers_words_are_not_the_leaders(
    article: str, leader: str, own: str, other: str, other_speaker: str
) -> None:
    kept, warnings = _merge_quotes(article, [(leader, own), (leader, other)])
    assert kept == [(leader, own[:12])]
    assert any(other_speaker in w and "left out" in w for w in warnings), warnings


def test_the_leaders_own_words_after_a_pronoun_or_iieo_stay_his() -> None:
    kept, _ = _merge_quotes(
        "hani_20180913_koo-kwangmo",
        [("구광모", "엘지사이언스파크는 엘지의 미래를 책임질 연구개발 메카로서"),
         ("구광모", "선대 회장께서 큰 관심과 애정을 가지셨듯이 저 또한 우선순위를 높게 두고 챙겨나갈 것")],
    )  # fmt: skip
    assert [who for who, _ in kept] == ["구광모", "구광모"]


def test_the_text_decides_only_when_it_names_the_speaker() -> None:
    text = '이어 "AI가 답이다"라고 말했다.'
    assert speakers_of(text, 4, 10, {"구광모": []}) == frozenset()  # not said: the model's answer stands
    text = '안덕근 산업통상자원부 장관은 "정부가 돕겠다"고 밝혔다.'
    assert speakers_of(text, 17, 23, {"안덕근": [], "김동명": []}) == {"안덕근"}
    text = '"반드시 해내겠다"고 신 부회장은 강조했다.'
    assert speakers_of(text, 1, 9, {"신학철": [], "옐런": []}) == {"신학철"}
    text = '"We will win," Koo said on Tuesday.'
    assert speakers_of(text, 1, 12, {"구광모": ["Koo Kwang-mo"], "정의선": ["Chung Eui-sun"]}) == {"구광모"}


def test_an_association_s_acronym_before_a_title_is_no_leader() -> None:
    from briefing.people import people_named

    text = '배경훈 LG AI연구원장 "엑사원 공개 당긴다"\n\n한경협 CEO 포럼서 강연\n\n"AI 도입 전에 문제부터 정리해야"'
    leaders = {p.ko for p in people_named(text, default_glossary()) if p.leader}
    assert leaders == {"배경훈"}


def test_titled_subjects_are_people_and_quote_links_are_not() -> None:
    text = '안덕근 산업통상자원부 장관은 말했다. "좋다"라고 권 사장은 말했다. 마크 그린 하원의원이 왔다.'
    assert titled_people(text) == ["안덕근", "마크 그린"]


def test_a_company_name_glued_before_a_name_is_not_part_of_it() -> None:
    assert titled_people("LG전자 조주완 CEO가 발표했다.") == ["조주완"]
