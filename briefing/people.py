"""Who a text names with a title: LG executives (the directory's people and anyone named with an
LG title phrase) and everyone else (ministers, partners' executives), who are not leaders.

Korean business prose writes an executive two ways: "LG화학 신학철 부회장" (company, name, title)
and "신학철 LG화학 부회장" (name, then up to three words of company and division, then the title).
A name is a surname and one to three syllables; nouns that look like one ("양극재", "유럽지역") are
not names, and a title glued to a noun ("양극재사업부장") is a post, not a person.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .attribution import titled_people
from .glossary import _SURNAMES, CORPORATE_TITLES, Glossary, strip_title
from .places import Gazetteer, default_gazetteer

# Titles an LG executive holds (corporate, not public office); a name right before one of them,
# with at most three words between (the company, the division), is an executive's.
_EXEC = (
    rf"(?:{CORPORATE_TITLES}|[가-힣A-Za-z]{{0,12}}(?:본부장|원장|센터장|법인장|사업부장|연구소장|단장|실장|부문장)|"
    r"최고[가-힣A-Za-z]{1,8}책임자|최고[A-Za-z가-힣]{0,4}과학자|CSO|CDO|CIO|CMO)"
)
_NAME_THEN_TITLE = re.compile(  # a lookahead: one candidate never hides the next ("찾아 김철수 연구소장")
    rf"(?<![가-힣A-Za-z])(?=(?P<name>[가-힣]{{2,4}})\s+(?P<between>(?:[^\s\"“”.,]+\s+){{0,3}}?)(?P<title>{_EXEC})"
    r"(?:[\s(은는이가의을를과와도께에,)]|$))"
)
_TITLE_THEN_NAME = re.compile(
    rf"(?P<org>LG[가-힣A-Za-z&]*)\s+(?P<name>[가-힣]{{2,4}})(?P<gap>\s*)(?P<title>{_EXEC})"
    r"(?=[\s(은는이가의을를과와도께에,)]|$)"
)
_RANK = re.compile(r"(?:부회장|회장|부사장|사장|전무|상무|대표)")  # may follow a name unspaced
# A title any company's executive holds ("회장", "CEO"), unlike a post only LG has ("CO법인장").
_PLAIN_TITLE = re.compile(rf"(?:{CORPORATE_TITLES}|CSO|CDO|CIO|CMO)")
# Words between a name and its title that say the person is not at LG.
_OTHER_ORG = re.compile(
    r"삼성|현대|SK|롯데|한화|포스코|GS|두산|CJ|네이버|카카오|KT|애플|구글|마이크로소프트|엔비디아|퀄컴|"
    r"메르세데스|벤츠|BMW|도요타|테슬라|GM|포드|혼다|소니|파나소닉|정부|부처|부$|청$|위원회|협회|대학|대학교|은행"
)
# Nouns of business news that look like a surname and a given name.
_NOT_NAMES = {
    "양극재", "음극재", "이날", "이번", "이후", "방문", "신공장", "신사업", "전장", "장비", "조직", "정부", "한국",
    "이사회", "임원", "사장단", "전무", "상무", "부문", "사업", "공장", "현장", "구매", "구성", "조사", "유럽",
    "서밋", "포럼", "전시", "전략", "성장", "공감", "도약", "신년", "방한", "기조", "임직원", "고객", "시장",
}  # fmt: skip
_NOT_NAME_WORDS = {
    "이번",
    "지난",
    "올해",
    "당시",
    "현지",
    "국내",
    "해외",
    "이날",
    "최근",
    "이후",
    "그룹",
    "회사",
}
_NOUN_END = re.compile(r"(?:지역|사업|부문|본부|법인|센터|공장|그룹|전자|화학|소재|기술|연구|담당|총괄)$")
# A word between an executive's name and title: the company ("LG전자[066570]"), the division.
_ORG_WORD = re.compile(
    r"^(?:LG|엘지|㈜)|(?:본부|사업부|사업본부|연구원|연구소|센터|법인|그룹|전자|화학|솔루션|이노텍|"
    r"디스플레이|유플러스|생활건강|부문|담당|실|팀|지역|총괄|CNS|AI)(?:\[\d+\])?(?:\(|$)"
)


@dataclass(frozen=True)
class Person:
    """A person the chunk names: full Korean name, English forms, and whether an LG leader."""

    ko: str
    english: tuple[str, ...]
    leader: bool


def people_named(text: str, glossary: Glossary, gazetteer: Gazetteer | None = None) -> list[Person]:
    """Everyone ``text`` names with a title: directory people (LG's unless their company is not),
    LG executives by their title phrase, and others (ministers, partners) as not leaders.
    Remembered for the last texts read: ``propose`` and ``facts_from`` read one chunk each."""
    return list(_people_named(text, glossary, gazetteer or default_gazetteer()))


@functools.lru_cache(maxsize=64)
def _people_named(text: str, glossary: Glossary, gazetteer: Gazetteer) -> tuple[Person, ...]:
    found: dict[str, Person] = {}
    others: set[str] = set()
    ranked_only: set[str] = set()
    for e in glossary.people_in(text):
        companies = [r.company or "" for r in e.roles]
        lg = not companies or any(c.startswith("LG") or c.startswith("DnO") for c in companies)
        found[e.ko] = Person(e.ko, (e.en, *e.variants), lg and "AVEO" not in " ".join(companies))
    for m in _TITLE_THEN_NAME.finditer(text):
        name = m["name"]
        if not m["gap"] and not _RANK.fullmatch(m["title"]):
            continue  # "LG화학 양극재사업부장": a post, not a person
        if glossary.is_person_name(name) and name not in found and _korean_name(name):
            found[name] = Person(name, (), True)
    for m in _NAME_THEN_TITLE.finditer(text):
        name, between = m["name"], m["between"] or ""
        if name in found or not _korean_name(name) or not glossary.is_person_name(name):
            continue
        if re.search(r"(?:을|를|의|에|로|과|와|도|는)$", name) or _OTHER_ORG.search(name):
            continue  # a word with its particle, or a company ("현대차 회장"), not a name
        if _OTHER_ORG.search(between.replace(" ", "")) and "LG" not in between:
            others.add(name)
        elif (between or not _PLAIN_TITLE.fullmatch(m["title"])) and all(
            _ORG_WORD.search(w) or gazetteer.exact(w) for w in between.split()
        ):
            found[name] = Person(name, (), True)
        elif not between and _PLAIN_TITLE.fullmatch(m["title"]):
            ranked_only.add(name)  # "신동빈 회장도": LG's only if the text names him with LG somewhere
    for name in others:  # named once as another company's: not LG's, wherever else named bare
        if name not in found or found[name].english == ():  # the directory's LG people stay
            found[name] = Person(name, (), False)
    for name in ranked_only - found.keys() - others:
        if re.search(rf"(?:LG|엘지)[^\s]*\s+{name}|{name}\s+(?:LG|엘지|㈜LG)", text):
            found[name] = Person(name, (), True)
    for name in titled_people(text):  # everyone else the prose names with a title: not leaders
        bare = strip_title(name)
        if not bare or bare in found or (bare != name and bare.split()[0] in found):
            continue  # "권봉석 사장": a title, not a second person
        words = bare.split()
        if len(words) > 1 and any(
            re.search(r"(?:본|한|자|던|는|은|을|를|게|서|고|며|여|해|면)$", w) or w in _NOT_NAME_WORDS
            for w in words
        ):
            continue  # "가장 눈여겨본", "묻자", "이번 중국": words of a clause, not a foreign name
        if re.search(r"(?:해|하기|하며|하고)$", bare):
            continue  # "강조해 온 권 부회장", "공유하기": a verb before a title
        if not (_korean_name(bare) or len(words) > 1) or bare in _NOT_NAMES:
            continue
        found.setdefault(bare, Person(bare, (), False))
    return tuple(found.values())


def _korean_name(name: str) -> bool:
    """A surname and one to three syllables, not a noun of business news ("유럽지역", "양극재")."""
    return (
        bool(re.fullmatch(r"[가-힣]{2,4}", name))
        and name[0] in _SURNAMES
        and name not in _NOT_NAMES
        and not _NOUN_END.search(name)
    )
