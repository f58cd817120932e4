"""The executive summary read back against the merged facts: a sentence stating a name, place or
date the facts do not hold is dropped, and the run says so."""

from __future__ import annotations

import datetime as dt

from briefing.glossary import default_glossary
from briefing.grounding import check_summary
from briefing.models import DateSpan, Leader, MergedData, Person, Statement, Stop, Synthesis
from briefing.places import default_gazetteer


def merged() -> MergedData:
    stop = Stop(
        leader_ko="조주완", leader_en="William Cho",
        dates=DateSpan(text="11일", start=dt.date(2024, 5, 11), end=dt.date(2024, 5, 11)),
        place_ko="쿠퍼티노", city="Cupertino", region="California", country="United States",
        people_met=[Person(name_ko="김병훈", name_en="Kim Byoung-hoon", official=True)],
    )  # fmt: skip
    said = Statement(
        speaker_ko="조주완", speaker_en="William Cho", quote_ko="…", quote_en="AI opens new doors.",
        topic="AI", speech="direct", verified=True,
    )  # fmt: skip
    return MergedData(
        leaders=[Leader(name_ko="조주완", name_en="William Cho", official=True)],
        stops=[stop], statements=[said], figures=[], sources=[],
    )  # fmt: skip


def check(*lines: str) -> tuple[list[str], list[str]]:
    synthesis = Synthesis(summary=list(lines), common_threads=[], differences=[])
    checked, warnings = check_summary(synthesis, merged(), default_glossary(), default_gazetteer())
    return checked.summary, warnings


def test_a_sentence_whose_names_places_and_dates_are_all_facts_stays() -> None:
    good = "CEO William Cho hosted a talent event in Cupertino on May 11 with Kim Byoung-hoon."
    assert check(good) == ([good], [])


def test_a_date_the_facts_do_not_hold_is_dropped_with_a_warning() -> None:
    summary, warnings = check("William Cho was in Cupertino on May 13.", "He spoke about AI in May 2024.")
    assert summary == ["He spoke about AI in May 2024."]
    assert len(warnings) == 1 and "'May 13'" in warnings[0]


def test_a_month_or_year_no_stop_touches_is_dropped() -> None:
    assert check("The trip took place in November.")[0] == []
    assert check("He repeated the 2019 strategy.")[0] == []


def test_a_place_nobody_went_to_is_dropped() -> None:
    summary, warnings = check("William Cho also stopped in Seattle.")
    assert summary == [] and "Seattle" in warnings[0]


def test_a_directory_person_or_romanised_name_not_in_the_facts_is_dropped() -> None:
    assert check("Chairman Koo Kwang-mo joined him.")[0] == []  # in the directory, not in these facts
    assert check("He met Park Ji-hoon, a local partner.")[0] == []  # a romanised name nobody has
    assert check("Minister Jane Doe welcomed him.")[0] == []  # a titled name nobody has


def test_only_the_offending_sentence_of_a_bullet_goes() -> None:
    summary, _ = check("William Cho toured Cupertino. He then flew to Tokyo.")
    assert summary == ["William Cho toured Cupertino."]


def test_a_sentence_saying_a_phrase_twice_is_dropped_and_a_bullet_said_twice_kept_once() -> None:
    loop = "William Cho's visits were focused on AI, while his visits were focused on AI talent."
    good = "William Cho toured Cupertino."
    summary, warnings = check(good, loop, good)
    assert summary == [good]
    assert "'visits were focused on' twice" in warnings[0]
