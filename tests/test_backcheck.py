"""Translations read back against their Korean paragraph: what the English adds or changes is
flagged, directory names are written in English before the model sees them and put right after."""

from __future__ import annotations

import datetime as dt

from briefing.backcheck import check_back, prefill, put_right
from briefing.glossary import default_glossary
from briefing.translate import check_paragraph

G = default_glossary()
KO = '조주완 LG전자 사장은 13일(현지시각) 샌프란시스코에서 투자자 30명을 만났다. 조 사장은 "AI가 기회"라고 말했다.'
MAY = dt.date(2024, 5, 12)


def test_prefill_writes_directory_people_in_their_official_english() -> None:
    out = prefill(KO, G)
    assert out.startswith("William Cho LG전자 사장은") and "Cho 사장은" in out
    assert "조주완" not in out


def test_a_faithful_translation_has_no_issue() -> None:
    en = 'LG Electronics CEO William Cho met 30 investors in San Francisco on May 13 (local time). "AI is an opportunity," Cho said.'
    assert check_back(KO, en, G, MAY) == []
    assert check_paragraph(KO, en, G, MAY)[1] == []


def test_a_month_day_or_number_the_korean_does_not_give_is_flagged() -> None:
    en = 'William Cho met 40 investors in San Francisco on November 11. "AI is an opportunity," he said.'
    issues = check_back(KO, en, G, MAY)
    assert any("'November 11'" in i for i in issues)
    assert any("'40'" in i for i in issues)
    en = "William Cho met 30 investors in San Francisco on May 14."
    assert any("no day 14" in i for i in check_back(KO, en, G, MAY))


def test_a_person_the_korean_does_not_name_is_flagged() -> None:
    en = "Chairman Koo Kwang-mo met 30 investors on May 13, and Park Ji-hoon joined."
    issues = check_back(KO, en, G, MAY)
    assert "name: Koo Kwang-mo is not named in the Korean" in issues
    assert "name: 'Park Ji-hoon' is not a person the Korean names" in issues


def test_wrong_forms_of_the_paragraphs_directory_person_are_put_right() -> None:
    fixed, changes = put_right(KO, "Jo Cho met 30 investors on May 13.", G)
    assert fixed == "William Cho met 30 investors on May 13." and changes
    fixed, _ = put_right(KO, "LG Electronics CEO Koo Kwang-mo met investors.", G)
    assert fixed == "LG Electronics CEO William Cho met investors."
    # a title and a surname is how English writes a second mention: left alone
    kept = 'William Cho met investors. "AI is an opportunity," CEO Cho said.'
    assert put_right(KO, kept, G)[0] == kept


def test_a_surname_and_title_is_the_articles_directory_person() -> None:
    cast = G.people_in("조주완 LG전자 사장이 미국을 찾았다.")
    ko = '조 사장은 "AI가 기회"라고 말했다.'
    assert prefill(ko, G, cast).startswith("Cho 사장은")
    # "William Cho" for "조 사장" is no stranger; "Jo Cho" is put right
    assert check_back(ko, '"AI is an opportunity," William Cho said.', G, MAY, cast) == []
    fixed, _ = put_right(ko, '"AI is an opportunity," Jo Cho said.', G, cast)
    assert fixed == '"AI is an opportunity," William Cho said.'


def test_a_company_place_or_title_the_paragraph_does_not_give_is_flagged() -> None:
    cast = G.people_in("구광모 LG 회장과 조주완 LG전자 사장이 미국을 찾았다.")
    ko = '구 회장은 보스턴 연구소에서 "신약은 긴 호흡의 사업"이라고 말했다.'
    wrong = 'LG CNS CEO Koo Kwang-mo said in Toronto, "New drugs are a long-haul business."'
    issues = check_back(ko, wrong, G, MAY, cast)
    assert "organisation: LG CNS is not in the Korean" in issues
    assert "place: Toronto is not in the Korean" in issues
    assert "title: 'ceo' is not in the Korean" in issues
    moved = "LG Chemical's unit used AVEO Oncology to enter the market."  # a variant spelling counts too
    assert set(check_back(ko, moved, G, MAY, cast)) == {
        "organisation: LG Chem is not in the Korean", "term: AVEO Oncology is not in the Korean",
    }  # fmt: skip
    right = 'Chairman Koo Kwang-mo said at the lab in Boston, Massachusetts, "New drugs are a long-haul business."'
    assert check_back(ko, right, G, MAY, cast) == []
    # a directory person carries his own company and title; a university's name holds no place
    ko = "조 사장은 USC와 뉴욕대 교수들을 만났다."
    en = "LG Electronics CEO William Cho met professors of the University of Southern California and New York University."
    assert check_back(ko, en, G, MAY, cast) == []
