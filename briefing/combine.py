"""The model's answer laid over code's facts: the model words, code decides.

``propose`` (code) finds the leaders, stops and quotations a chunk states; ``combine`` gives each of
them the English only the model can write (purpose, organisation, a quote's rendering, its topic)
from the model's matching item, and keeps what the model found beyond them only where the text
bears it out: a visit word in the sentence that names the place, outside quotations, or a place
code saw visited in the chunk. A quotation the model gave to someone else stays code's.
"""

from __future__ import annotations

import re

from .attribution import names_person
from .backcheck import check_back
from .glossary import TITLE_WORDS, default_glossary, strip_title
from .models import ChunkExtraction, StatementX, StopX
from .places import Place, default_gazetteer
from .pointing import Numbered, place_mentions
from .propose import VISIT, as_place, inside_quote


def _squash(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’「」.,]", "", text)


def _place_key(stop: StopX) -> str:
    return (stop.city or stop.region or stop.country or stop.place_ko).lower()


def _same_person(a: str, b: str) -> bool:
    a, b = strip_title(a), strip_title(b)
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _english_forms(name_ko: str) -> list[str]:
    entry = default_glossary().lookup(name_ko)
    return [entry.en, *entry.variants] if entry else []


def _visit_at(numbered: Numbered, place_ko: str, traveller: str) -> bool:
    """A sentence names the place outside quotations, says someone went, met or took part there,
    and is the traveller's: it names him, or it names nobody else. A market a leader talks about, a show where a vision was once unveiled, or a
    university whose professors were invited is no stop of his."""
    text = numbered.text
    at = text.find(place_ko)
    while at >= 0:
        span = next(((a, b) for a, b in numbered.sentences if a <= at < b), None)
        if (
            span
            and not inside_quote(numbered, at)
            and as_place(text, at, at + len(place_ko), span)
            and VISIT.search(sentence := text[span[0] : span[1]])
            and (names_person(sentence, traveller, _english_forms(traveller)) or not _PERSON.search(sentence))
        ):
            return True
        at = text.find(place_ko, at + 1)
    return False


# Somebody named with a title in a sentence: "김병훈 CTO가", "한은정 상무가", "교수를".
_PERSON = re.compile(rf"[가-힣]{{2,4}}\s*(?:{TITLE_WORDS})(?![가-힣])|교수|연구원들|professors?\b")
_SAID = re.compile(
    r"말했|강조했|밝혔|설명했|덧붙였|전했|당부했|주문했|언급했|역설했|제시했|강조하며|말하며|"
    r"\b(?:said|says|told|added|noted|stressed|explained)\b"
)


_NARRATED = re.compile(
    r"(?:[A-Z][\w.&'-]*\s+){1,4}(?:explains|explained|says|said|stresses|stressed|emphasi[sz]es|notes|"
    r"highlights|announces|states)\b"
)


def faithful(quote_ko: str, quote_en: str, direct: bool = True) -> bool:
    """An English rendering that can stand for the Korean words: not much shorter than them, and
    stating no number, date or person they do not (``backcheck``), nor a place they do not name."""
    if not quote_en.strip() or len(quote_en) < 0.8 * len(re.sub(r"\s", "", quote_ko)):
        return False
    if direct and _NARRATED.match(quote_en):
        return False  # "LG CEO explains that …": a summary of the quoted words, not their rendering
    if check_back(quote_ko, quote_en, default_glossary()):
        return False
    places = default_gazetteer()
    named = {m.place for m in places.mentions(quote_ko)}
    return all(m.place in named for m in places.mentions(quote_en))


def _worded(said: StatementX, others: list[StatementX]) -> StatementX:
    """The model's statement with its English only where it is faithful and its own: one
    rendering given to several different quotations is a loop, not a translation."""
    loop = sum(
        1 for o in others if o.quote_en == said.quote_en and _squash(o.quote_ko) != _squash(said.quote_ko)
    )
    if loop or not faithful(said.quote_ko, said.quote_en, said.speech == "direct"):
        return said.model_copy(update={"quote_en": "", "topic": "general"})
    return said


def _together(numbered: Numbered, stop: StopX) -> bool:
    """One sentence holds the stop's date words and names its place: that visit's own date."""
    text, key = numbered.text, _place_key(stop)
    return any(
        stop.date_text in text[a:b]
        and any(_place_key_of(p) == key for *_, p in place_mentions(default_gazetteer(), text, a, b))
        for a, b in numbered.sentences
        if stop.date_text
    )


def _elsewhere(numbered: Numbered, stop: StopX) -> bool:
    """The stop's date words stand only in sentences about other places: another visit's date.
    (A sentence naming the stop's country or region is about it: "a trip to the United States".)"""
    text = numbered.text
    own = {x.lower() for x in (stop.city, stop.region, stop.country) if x}
    dated = [(a, b) for a, b in numbered.sentences if stop.date_text and stop.date_text in text[a:b]]
    places = [
        {_place_key_of(p) for *_, p in place_mentions(default_gazetteer(), text, a, b)} for a, b in dated
    ]
    return bool(places) and all(named and not named & own for named in places)


def _place_key_of(place: Place) -> str:
    return (place.city or place.region or place.country).lower()


def _reported(numbered: Numbered, said: StatementX) -> bool:
    """Reported speech: the sentence holding the words has a saying verb and names the speaker."""
    text = numbered.text
    at = text.find(said.quote_ko)
    span = next(((a, b) for a, b in numbered.sentences if a <= at < b), None) if at >= 0 else None
    if span is None:
        return False
    sentence = text[span[0] : span[1]]
    speaker = strip_title(said.speaker_ko)
    named = names_person(sentence, speaker, _english_forms(speaker)) or bool(
        re.match(r"\s*(?:그는|그녀는|이어|He|She)\b", sentence)
    )
    return bool(_SAID.search(sentence)) and named


def combine(
    code: ChunkExtraction,
    model: ChunkExtraction,
    numbered: Numbered,
    not_leaders: frozenset[str] = frozenset(),
) -> ChunkExtraction:
    """Code's facts with the model's English laid over them, plus what the model found beyond them
    that passes code's checks. Code decides names, places, dates and quotes; the model words.
    ``not_leaders``: people code knows are not LG's (a rival's chairman, a minister)."""
    leaders = list(code.leaders)

    def canonical(name: str) -> str | None:
        """The leader the model means, as code names him: one code found ("조주완 LG전자" is
        조주완), or a name code cannot place; never one code knows is not LG's ("정의선
        현대자동차그룹"), nor words that are no name ("LG")."""
        bare = strip_title(name)
        first = bare.split()[0] if bare.split() else bare
        found = next((x.name_ko for x in code.leaders if _same_person(first, x.name_ko)), None)
        if found is not None:
            return found if len(first) > 1 else bare  # "구 회장" stays the short form merge resolves
        if not re.fullmatch(r"[가-힣]{2,4}", bare) or any(
            _same_person(bare, o.split()[0]) for o in not_leaders
        ):
            return None
        return bare

    def known(name: str) -> bool:
        return canonical(name) is not None

    # the model's leaders as code names them, or not at all (a rival's chairman, "LG")
    model = model.model_copy(update={
        "stops": [m.model_copy(update={"leader_ko": canonical(m.leader_ko)}) for m in model.stops
                  if known(m.leader_ko)],
        "statements": [q.model_copy(update={"speaker_ko": canonical(q.speaker_ko)}) for q in model.statements
                       if known(q.speaker_ko)],
    })  # fmt: skip

    for lx in (x for x in model.leaders if known(x.name_ko)):
        same = next((i for i, x in enumerate(leaders) if x.name_ko == strip_title(lx.name_ko)), None)
        if same is None:
            leaders.append(lx)
        else:
            leaders[same] = lx.model_copy(update={"name_ko": leaders[same].name_ko})
    stops = []
    used: set[int] = set()
    for s in code.stops:
        i = next(
            (
                i
                for i, m in enumerate(model.stops)
                if i not in used and _same_person(m.leader_ko, s.leader_ko) and _place_key(m) == _place_key(s)
            ),
            None,
        )
        if i is None:
            stops.append(s)
            continue
        used.add(i)
        m = model.stops[i]
        if m.date_text and _elsewhere(numbered, m):
            m = m.model_copy(update={"date_text": None})  # code's date, not another place's
        people = list(s.people_met) + [
            p for p in m.people_met if p.name_ko not in {x.name_ko for x in s.people_met}
        ]
        stops.append(s.model_copy(update={
            "place_ko": m.place_ko,  # the mention the model pointed at: one site for both
            "organisation": m.organisation, "purpose": m.purpose, "people_met": people[:6],
            "status": s.status if s.status != "unknown" else m.status,
            "date_text": m.date_text or s.date_text,  # the model points at the dating sentence
            "date_applies_to": m.date_applies_to if m.date_text else s.date_applies_to,
        }))  # fmt: skip
    extra = []
    for i, m in enumerate(model.stops):
        leader = strip_title(m.leader_ko)
        if i in used or not leader:
            continue
        there = any(_same_person(leader, s.leader_ko) and _place_key(s) == _place_key(m) for s in code.stops)
        if there and not _together(numbered, m):
            continue  # code has him there already, with the text's date; another visit has its own
        if m.date_text and _elsewhere(numbered, m):
            m = m.model_copy(update={"date_text": None})  # a date from a sentence about elsewhere
        extra.append(m)
    accepted = [m for m in extra if _visit_at(numbered, m.place_ko, strip_title(m.leader_ko))]
    # at a place someone was seen visiting, the others the chunk names went along (attendees)
    visited = {_place_key(s) for s in [*code.stops, *accepted]}
    for m in extra:
        leader = strip_title(m.leader_ko)
        if m not in accepted and _place_key(m) in visited and names_person(numbered.text, leader, []):
            accepted.append(m)
    stops += accepted
    statements = []
    taken: set[int] = set()
    for q in code.statements:
        key = _squash(q.quote_ko)
        i = next(
            (
                i
                for i, m in enumerate(model.statements)
                if i not in taken and (key in _squash(m.quote_ko) or _squash(m.quote_ko) in key)
            ),
            None,
        )
        if i is None:
            statements.append(q)
            continue
        taken.add(i)
        said = _worded(model.statements[i], model.statements)
        statements.append(q.model_copy(update={"quote_en": said.quote_en, "topic": said.topic}))
    for i, said in enumerate(model.statements):
        if i in taken:
            continue
        if said.speech == "indirect" and not _reported(numbered, said):
            continue  # a sentence of narration, not words anybody said
        worded = _worded(said, model.statements)
        if said.speech == "indirect" and not worded.quote_en:
            continue  # reported words with no faithful English say nothing on an English page
        statements.append(worded)
    return ChunkExtraction(leaders=leaders, stops=stops, statements=statements, figures=model.figures)
