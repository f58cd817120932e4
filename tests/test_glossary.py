"""Official English names come from the glossary, in code; unknown names are flagged."""

from __future__ import annotations

from briefing.glossary import default_glossary, romanise_name


def test_official_names() -> None:
    g = default_glossary()
    assert g.person_name("조주완").en == "William Cho"
    assert g.person_name("구광모").en == "Koo Kwang-mo"
    assert g.person_name("김병훈").official
    assert g.person_name("마이클 베일리").en == "Michael Bailey"


def test_unknown_names_are_romanised_and_not_official() -> None:
    g = default_glossary()
    name = g.person_name("홍길동")
    assert name.en == "Hong Gil-dong" and not name.official
    assert g.person_name("홍길동", "Gildong Hong").en == "Gildong Hong"  # the press's spelling, plausible


def test_abbreviated_mentions_resolve_to_the_full_name() -> None:
    g = default_glossary()
    known = ["구광모", "손지웅"]
    assert g.resolve_person("구 회장", known) == "구광모"
    assert g.resolve_person("조 CEO", ["조주완"]) == "조주완"
    assert g.resolve_person("김 사장", ["김병훈", "김원범"]) == "김 사장"  # ambiguous: unchanged


def test_terms_are_enforced_in_english_text() -> None:
    g = default_glossary()
    text, changes = g.enforce_terms("Jo Ju-wan explained Empathetic Intelligence; AVEO Oncology and Aveo.")
    assert text == "William Cho explained Affectionate Intelligence; AVEO Oncology and AVEO Oncology."
    assert len(changes) == 3


def test_romanisation() -> None:
    assert romanise_name("김두용") == "Kim Du-yong"
    assert romanise_name("박서준") == "Park Seo-jun"


def test_a_korean_name_not_in_the_directory_is_romanised_by_code_whatever_the_model_says() -> None:
    g = default_glossary()
    assert g.person_name("홍길동", "Gil-dong Kong").en == "Hong Gil-dong"  # wrong surname: code decides
    assert g.person_name("홍길동", "Hong Su-won").en == "Hong Gil-dong"  # not the given name
    assert g.person_name("마테우슈 모라비에츠키", "Mateusz Morawiecki").en == "Mateusz Morawiecki"
    assert (
        g.person_name("마테우슈 모라비에츠키", "the Polish prime minister").en != "the Polish prime minister"
    )
