"""What code alone finds in a chunk: LG leaders named with a title, the places a leader goes to,
and the quotations the text gives a leader. The model decides only what needs language.

A small model points badly: one stop per sentence, a quotation given to the wrong man, a place
that is only a market named in a quote. So the facts a briefing states come from code first:
``propose`` reads the numbered chunk with the directory, the gazetteer and the attribution rules,
and ``combine`` (``briefing/combine.py``) lays the model's answer over it: the model's English (purpose, organisation, a
quote's rendering, its topic) fills the code's facts, and what the model adds beyond them must pass
the same checks (a visit word in the cited sentence, the place not inside a quotation). Whatever
the model answers, the facts stand; a weak model makes the briefing shorter, never wrong.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .attribution import forms, speakers_of
from .datewords import date_words
from .glossary import Glossary, default_glossary
from .models import ChunkExtraction, LeaderX, PersonX, StatementX, StopX
from .people import Person, people_named
from .places import Gazetteer, Place, default_gazetteer
from .pointing import Numbered, place_mentions

# A sentence that says someone went, came, met or took part.
VISIT = re.compile(
    r"방문|찾(?:았|아|은|는|을|기|고)|둘러|참석|참가|출장|순방|점검했|살폈|시찰|참관|만나|만났|면담|회동|"
    r"도착|이동|머물|출국|향했|향한다|건너가|건너간|넘어가|넘어간|날아가|날아간|첫\s*삽|기념사진|기념촬영|"
    r"주관|주재|개최|열린|열리|에서\s*연|현장경영|행보|일정|사업장|공장을|"
    r"간담회|기자회견|행사|박람회|전시회|전시장|부스|준공식|기공식|착공식|포럼|콘퍼런스|컨퍼런스|서밋|총회|"
    r"기조연설|연설|강연|회의|세미나|설명회|시상식|현장|출하식|가동식|개소식|준공|기공|착공|개막|오픈|석상|무대|"
    r"\b(?:visit|visited|visiting|visits|toured|tour|met|meets|attended|attend|attends|arrived|traveled|"
    r"travelled|trip|inspected|hosted|stopped|booth|briefing|conference|forum|summit|show|exhibition|"
    r"ceremony|keynote|speech|plant|factory|site|chaired|chairs|meeting|meetings|spent|held|holds|opened|"
    r"checking|checked|went|flew|headed|heading|heads|travel|travels|stop|stops|swing|tours|touring|"
    r"inspect|inspects|look over|schedule|itinerary|took\s+(?:him|her)\s+to|cover|covers|will\s+(?:go|fly|head|meet|attend|host)|left for|leaves for)\b",
    re.IGNORECASE,
)
_PLANNED = re.compile(
    r"예정|계획|할\s*것|나선다|참석한다|주관한다|방문한다|찾는다|만난다|떠난다|향한다|갖는다|연다\b|"
    r"\bwill\b|\bplans?\b|\bscheduled\b",
    re.IGNORECASE,
)
_DONE = re.compile(r"(?:했|았|었|였|웠|랐|났|왔|갔|봤)다|\b(?:visited|toured|met|attended|arrived)\b")
_TRIP = re.compile(r"부터|일\s*간|[흘틀레새]\s*간|동안|일정|박\s*\d|\d\s*박|[~–-]")  # not "현지시간"
# Someone named beside the traveller who went along, not someone met there.
_ALONG = re.compile(
    r"^\s*(?:[^\s,]+\s+){0,3}?[^\s,]*?(?:과|와|도)\s*함께|^\s*(?:[^\s,]+\s+){0,3}?[^\s,]*?(?:이|가|도)\s*동행"
)
# A sentence that names who was there: attendees of the last event named.
_ATTENDED = re.compile(
    r"참석|함께\s*했|함께했|자리했|동행|배석|참여했|왼쪽|오른쪽|attended|joined|accompanied"
)
# A leader named as the one a visitor met or was shown round by.
_HOSTED = re.compile(  # the names and titles of a list, then "…과 만났다"; no clause between
    r"(?P<list>(?:\s*[^\s.\"“”]+){0,14}?)\s*[^\s.\"“”]*?(?:과|와|을|를)\s*(?:만나|만났|면담|회동|접견|맞이|맞았|영접|환담)"
    r"|\s*[^\s.\"“”]*?의\s*안내"
)
_CLAUSE_WORD = re.compile(r"(?:에|의|이|가|은|는|을|를|에게|한|된|뒤|후)$")  # a word of another clause


def _hosted(masked: str, end: int) -> bool:
    """The leader named at ``end`` is one a visitor met ("… 조주완 CEO, 정철동 CEO 등 경영진과
    만났다"), not a man the sentence only mentions ("구 회장에 대해 언급한 뒤 기자들과 만났다")."""
    m = _HOSTED.match(masked, end)
    words = (m["list"] or "").split() if m else []
    return m is not None and not any(
        _CLAUSE_WORD.search(w.rstrip(",")) and not re.match(r"(?:LG|엘지|㈜)", w) for w in words
    )


_UNNAMED = re.compile(r"관계자|대변인|측은|측이|spokes(?:man|woman|person)|official said", re.IGNORECASE)
_PUBLIC_OFFICE = re.compile(r"장관|차관|대통령|총리|주지사|시장$|대사|의원|위원장|총재|청장|국왕|왕세자")


@dataclass(frozen=True)
class _Ref:
    start: int
    end: int
    person: Person


@functools.lru_cache(maxsize=2048)
def _forms_pattern(name: str, english: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?<![가-힣A-Za-z])(?:{f})" for f in forms(name, english)))


def _mentions_of(text: str, people: Sequence[Person]) -> list[_Ref]:
    """Every mention of ``people`` in the chunk (full names, surname and title, English forms)."""
    refs = []
    for p in people:
        for m in _forms_pattern(p.ko, p.english).finditer(text):
            lead = len(m[0]) - len(m[0].lstrip())  # "(?:Chairman)?\s*Koo" may start at a space
            refs.append(_Ref(m.start() + lead, m.end(), p))
    return sorted(refs, key=lambda r: r.start)


# After a country's name: its government or an official's post ("미국 재무부 장관"), not a place.
_GOVERNMENT = re.compile(
    r"\s*(?:정부|[가-힣]{1,4}부\s*(?:장관|차관)|재무부|국무부|상무부|국방부|대통령|총리|장관|의회|하원|상원|연방|"
    r"대사|전국인민대표대회|공산당|국왕|왕세자|총영사)"
)
# Between two places, words that end one clause and start the next ("…요청했고, 이어 브로츠와프로"); places
# joined by 과/와 or a comma ("뉴델리 법인과 노이다 공장을 방문했다") share the sentence's date.
_NEXT_CLAUSE = re.compile(
    r"[고며서해]\s*,|[고며]\s|뒤|후에?\s|이어|이후|다음|\bthen\b|\bafter\b|\bbefore\b|[.;]"
)
_PARENTHESES = re.compile(r"\([^()]{0,40}\)")


def inside_quote(numbered: Numbered, pos: int) -> bool:
    return any(q.start - 1 <= pos < q.end + 1 for q in numbered.quotes)


def as_place(text: str, start: int, end: int, sentence: tuple[int, int]) -> bool:
    """The words name a place where someone can be: not inside a name in single quotes ("'인도의
    실리콘밸리'", "'2030 부산세계박람회'"), not a dateline ("(서울=연합뉴스)"), not two syllables
    spread over two words ("홍 대표" is not 홍대)."""
    before = re.sub(r"(?<=[A-Za-z])['’](?=[A-Za-z])", "", text[sentence[0] : start])  # "LG's"
    if before.count("'") % 2 == 1 or before.count("‘") > before.count("’"):
        return False
    if text[end : end + 1] == "=" or text[end : end + 2] == " =":
        return False
    written = text[start:end]
    return not (" " in written and len(written.replace(" ", "")) <= 2)


def _home(place: Place) -> bool:
    """Korea as a whole: where a Korean leader is, not a stop ("한국을 찾은 옐런 장관")."""
    return place.kind == "country" and place.country == "South Korea"


def _most_specific(mentions: list[tuple[int, int, Place]]) -> list[tuple[int, int, Place]]:
    """Drop a country or region the sentence narrows itself ("미국 캘리포니아주 쿠퍼티노"), and a
    generic venue placed elsewhere than the city the sentence names ("제주 롯데호텔" is in Jeju)."""
    rank = {"venue": 0, "district": 1, "city": 2, "event": 3, "region": 4, "country": 5}
    cities = {m[2].city for m in mentions if m[2].kind in ("city", "district") and m[2].city}
    regions = {m[2].region for m in mentions if m[2].kind == "region" and m[2].region}
    mentions = [
        m
        for m in mentions
        if m[2].kind != "venue"
        or (not cities and not regions)
        or m[2].city in cities
        or (not cities and m[2].region in regions)
    ]
    keep = []
    for a in mentions:
        pa = a[2]
        narrower = any(
            b is not a
            and rank[b[2].kind] < rank[pa.kind]
            and b[2].country == pa.country
            and (pa.kind == "country" or b[2].region == pa.region or pa.region is None)
            for b in mentions
        )
        if not narrower:
            keep.append(a)
    return keep


def _status(sentence: str) -> str:
    # the sentence's last verb decides: "…를 찾았고, …에 참석할 예정이다" is planned
    tail = sentence[-30:]
    if _PLANNED.search(tail):
        return "planned"
    if _DONE.search(tail):
        return "done"
    return "unknown"


def propose(
    numbered: Numbered,
    context: str = "",
    glossary: Glossary | None = None,
    gazetteer: Gazetteer | None = None,
) -> ChunkExtraction:
    """The leaders, stops and quotations code finds in a numbered chunk. ``context`` (the text
    before the chunk) only helps to tell who a pronoun or a short form means."""
    glossary = glossary or default_glossary()
    gazetteer = gazetteer or default_gazetteer()
    text = numbered.text
    people = people_named(context + "\n" + text, glossary)
    leaders = [p for p in people if p.leader]
    named_here = {p.ko for p in leaders if _forms_pattern(p.ko, p.english).search(text)}
    out_leaders = [
        LeaderX(name_ko=p.ko, name_en=None, title=None, company=None) for p in leaders if p.ko in named_here
    ]
    stops: list[StopX] = []
    chunk_places = place_mentions(gazetteer, text, 0, len(text))  # once: the gazetteer is costly
    last_subject: Person | None = None
    since = 0  # sentences since the last subject: a trip is carried on three at most
    last_event: tuple[tuple[int, int, Place], str] | None = None
    masked = _PARENTHESES.sub(lambda m: "·" * len(m[0]), text)  # "사장(왼쪽)과" is one word
    every_ref = _mentions_of(text, people)
    names_at = [(r.start, r.end) for r in every_ref]
    for _n, span in enumerate(numbered.sentences, 1):
        sentence = text[span[0] : span[1]]
        refs = [r for r in every_ref if span[0] <= r.start < span[1] and not inside_quote(numbered, r.start)]
        group = _subject(masked, refs)
        subject = group[0] if group else None
        since += 1
        if subject is None and not refs and since <= 3 and _continues(masked[span[0] : span[1]]):
            subject = last_subject  # "이어 …", "He then …", "지난 6일에는 인도로 넘어가 …"
        elif subject is None and not refs and _subject_words(masked[span[0] : span[1]].split()[:2]):
            last_subject = None  # "LG화학은 …": the company's sentence, nobody's trip goes on
        if subject is not None:
            last_subject, since = subject, 0
        places_here = [
            m
            for m in chunk_places
            if span[0] <= m[0] < span[1]
            if not inside_quote(numbered, m[0])
            and m[2].kind != "event"
            and not _home(m[2])
            and as_place(text, m[0], m[1], span)
            and not any(a <= m[0] < b for a, b in names_at)  # "이천국 대표" is not 이천
            and not (m[2].kind == "country" and _GOVERNMENT.match(text, m[1]))
        ]
        if places_here and VISIT.search(sentence):
            last_event = (_most_specific(places_here)[-1], sentence)
        elif not places_here and last_event and refs and _ATTENDED.search(sentence):
            # "박형세 사장, 김병훈 CTO 등이 함께했다": with the traveller's stop, people met there;
            # at an event nobody was said to travel to ("LG전자가 … 준공식을 열었다"), each was there
            (start, end, place), said = last_event
            host = next((x for x in reversed(stops) if x.place_ko == text[start:end]), None)
            if host is not None:
                names = {p.name_ko for p in host.people_met} | {host.leader_ko}
                host.people_met.extend(
                    PersonX(name_ko=r.person.ko, role=None)
                    for r in dict.fromkeys(refs)
                    if r.person.ko not in names and glossary.is_person_name(r.person.ko)
                )
            else:
                when = date_words(sentence) or date_words(said)
                stops += [_stop(r.person.ko, text[start:end], place, when, "stop", [], _status(sentence))
                          for r in refs if r.person.leader]  # fmt: skip
        if (subject is None or not subject.leader) and places_here and VISIT.search(sentence):
            # "칼레니우스 회장은 LG트윈타워를 찾아 조주완 CEO 등 경영진과 만났다": the hosts were there
            here = _most_specific(places_here)
            hosts = [r.person for r in refs if r.person.leader and _hosted(masked, r.end)]
            for p in dict.fromkeys(hosts):
                (start, end, place), when = here[-1], date_words(sentence)
                stops.append(_stop(p.ko, text[start:end], place, when, "stop", [], _status(sentence)))
        if subject is None or not subject.leader or not VISIT.search(sentence):
            continue
        along = [p for p in group[1:] if p.leader] + [
            r.person
            for r in refs
            if r.person not in group and r.person.leader and _ALONG.match(text[r.end : r.end + 40])
        ]
        along = list(dict.fromkeys(along))
        here = _most_specific(places_here)
        if not here:
            continue
        met = [
            PersonX(name_ko=r.person.ko, role=None)
            for r in refs
            if r.person.ko != subject.ko and glossary.is_person_name(r.person.ko)
        ]
        met = list({p.name_ko: p for p in met}.values())[:4]
        trip = len({m[2] for m in here}) > 1
        for k, (start, end, place) in enumerate(here):
            when = date_words(sentence, before=start - span[0]) or date_words(sentence)
            scope = "trip" if trip and when and _TRIP.search(when) else "stop"
            if (
                k > 0
                and scope == "stop"
                and when
                and sentence.find(when) < here[k - 1][0] - span[0]
                and _NEXT_CLAUSE.search(text, here[k - 1][1], start)
            ):
                when = None  # "3일 바르샤바에서 …, 이어 브로츠와프로": the day is the first place's
            status = _status(sentence)
            stops.append(_stop(subject.ko, text[start:end], place, when, scope, met, status))
            stops += [_stop(p.ko, text[start:end], place, when, scope, [], status) for p in along]
    statements = []
    speakers = {p.ko: list(p.english) for p in people}
    for q in numbered.quotes:
        # who the sentence (or the two before: "이어 그는") gives the words to, never a speaker
        # from paragraphs away; an unnamed official's words ("LG 관계자는") are nobody's here
        a = numbered.sentences[max(0, q.sentence - 3)][0]
        b = numbered.sentences[q.sentence - 1][1]
        if _UNNAMED.search(text[numbered.sentences[q.sentence - 1][0] : q.start]):
            continue
        given = speakers_of(text[a:b], q.start - a, q.end - a, speakers)
        if len(given) != 1 and context and q.sentence <= 2:  # named just before the chunk
            shift = len(context) + 1
            whole = context + "\n" + text[:b]
            given = speakers_of(whole, q.start + shift, q.end + shift, speakers)
        if len(given) != 1:
            continue
        who = next(iter(given))
        if not any(p.ko == who and p.leader for p in people):
            continue
        statements.append(
            StatementX(
                speaker_ko=who, quote_ko=text[q.start : q.end], quote_en="", topic="general", speech="direct"
            )
        )
    return ChunkExtraction(
        leaders=out_leaders, stops=_one_per_place(stops), statements=statements, figures=[]
    )


def _stop(
    leader: str, place_ko: str, place: Place, when: str | None, scope: str, met: list[PersonX], status: str
) -> StopX:
    return StopX.model_validate({
        "leader_ko": leader, "date_text": when, "date_applies_to": scope, "place_ko": place_ko,
        "city": place.city, "region": place.region, "country": place.country, "organisation": None,
        "people_met": met, "purpose": None, "status": status,
    })  # fmt: skip


def _subject(text: str, refs: list[_Ref]) -> list[Person]:
    """Who the sentence is about: a mention followed (within a title) by 은/는/이/가/도, or several
    joined by 과/와/및/commas before the marker ("오유성 전무와 김형식 부장이 … 찍고 있다"), the
    LG leaders among them first. ``text`` has its parentheses masked (one word per title)."""
    for r in refs:
        tail = text[r.end : r.end + 120]
        m = re.match(r"\s*(?:\S+\s+){0,7}?\S*?(?:은|는|이|가|도)(?=\s|$)", tail)
        if m and not re.search(r"[\"“”.]", m[0]) and not re.match(r"(?:LG|엘지|㈜)", m[0].split()[-1]):
            words = m[0].split()  # (not "LG디스플레이", a company's name that ends like a subject)
            joint = any(re.search(r"(?:과|와|및|,)$", w) for w in words[:-1])
            if joint:
                end = r.end + m.end()
                group = list(dict.fromkeys(x.person for x in refs if r.start <= x.start < end))
                return sorted(group, key=lambda p: not p.leader)
            later = any(r.end <= x.start < r.end + m.end() for x in refs)  # the marker is theirs
            if len(words) <= 4 and "," not in m[0] and not _PUBLIC_OFFICE.search(m[0]) and not later:
                return [r.person]
        if re.match(r"[A-Za-z]", text[r.start]) and not re.search(
            r"\b(?:with|met|and|to|by|from|for|of)\s+(?:\w+\s+){0,4}$", text[max(0, r.start - 40) : r.start]
        ):
            return [r.person]  # English: the first person named, not the object of "met" or "with"
    return []


_WENT = re.compile(
    r"찾(?:았|아|은|는|을|기|고)|방문|건너가|건너간|넘어가|넘어간|날아가|날아간|도착|이동|둘러|향했|향한|"
    r"머물|출국|들렀|들러|참석|시찰|점검했|살폈"
)
_OPENER = re.compile(
    r"\s*(?:이어|이후|그는|그리고|또|또한|이어서|다음|이튿날|다음 날|앞서|이에 앞서|(?:He|She|His|Her|Then|Later|After that)\b)"
)
# Words that end like a subject but are not one: time and place topics, adnominal forms.
_NOT_SUBJECT = re.compile(
    r"(?:[어아나]가|에는|에선|서는|날은|때는|로는|부터는|까지는|같은|다른|있는|없는|하는|되는|새로운|"
    r"많이|같이|높이|깊이|함께)$"
)


def _continues(sentence: str) -> bool:
    """The sentence goes on with the last subject: it opens with "이어", "그는", "He", or (Korean)
    names no subject of its own before its first visit word ("지난 6일에는 인도로 넘어가 …")."""
    if _OPENER.match(sentence):
        return True
    if not re.search(r"[가-힣]", sentence):
        return False  # English says its subject
    went = _WENT.search(sentence)  # a verb of going, not "열린" or a noun: "… 열린 CES에서 공개된 제품"
    return went is not None and not _subject_words(sentence[: went.start()].split()[:10])


def _subject_words(words: list[str]) -> bool:
    return any(re.search(r"(?:은|는|이|가)$", w) and not _NOT_SUBJECT.search(w) for w in words)


def _one_per_place(stops: list[StopX]) -> list[StopX]:
    """One stop per leader and place in a chunk: the first mention, with the best date found."""
    out: dict[tuple[str, str], StopX] = {}
    for s in stops:
        key = (s.leader_ko, s.city or s.region or s.country or s.place_ko)
        old = out.get(key)
        if old is None:
            out[key] = s
        elif old.date_text is None and s.date_text:
            out[key] = old.model_copy(update={"date_text": s.date_text, "date_applies_to": s.date_applies_to})
        elif old.date_applies_to == "trip" and s.date_text and s.date_applies_to == "stop":
            out[key] = old.model_copy(update={"date_text": s.date_text, "date_applies_to": "stop"})
    kept = list(out.values())
    # "미국과 캐나다를 방문해 … 보스턴, 토론토": the country is where the cities are, not a stop
    return [
        s
        for s in kept
        if s.city
        or not any(
            o is not s
            and o.leader_ko == s.leader_ko
            and o.country == s.country
            and (o.city or (o.region and not s.region))
            and (not s.region or o.region == s.region)  # Tennessee stays beside Silicon Valley
            for o in kept
        )
    ]
