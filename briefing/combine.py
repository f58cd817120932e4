"""The model's answer laid over code's facts: the model words, code decides.

``propose`` (code) finds the leaders, stops and quotations a chunk states; ``combine`` gives each of
them the English only the model can write (purpose, organisation, a quote's rendering, its topic)
from the model's matching item, and keeps what the model found beyond them only where the text
bears it out: a visit word in the sentence that names the place, outside quotations, or a place
code saw visited in the chunk. A quotation the model gave to someone else stays code's.
"""

from __future__ import annotations

import re

from .glossary import strip_title
from .models import ChunkExtraction, StopX
from .pointing import Numbered
from .propose import VISIT, as_place, inside_quote


def _squash(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’「」.,]", "", text)


def _place_key(stop: StopX) -> str:
    return (stop.city or stop.region or stop.country or stop.place_ko).lower()


def _same_person(a: str, b: str) -> bool:
    a, b = strip_title(a), strip_title(b)
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _visit_at(numbered: Numbered, place_ko: str) -> bool:
    """A sentence names the place outside quotations and says someone went, met or took part
    there: a market a leader talks about, or a show where a vision was once unveiled, is no stop."""
    text = numbered.text
    at = text.find(place_ko)
    while at >= 0:
        span = next(((a, b) for a, b in numbered.sentences if a <= at < b), None)
        if (
            span
            and not inside_quote(numbered, at)
            and as_place(text, at, at + len(place_ko), span)
            and VISIT.search(text[span[0] : span[1]])
        ):
            return True
        at = text.find(place_ko, at + 1)
    return False


def combine(code: ChunkExtraction, model: ChunkExtraction, numbered: Numbered) -> ChunkExtraction:
    """Code's facts with the model's English laid over them, plus what the model found beyond them
    that passes code's checks. Code decides names, places, dates and quotes; the model words."""
    leaders = list(code.leaders)
    for lx in model.leaders:
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
    visited = {_place_key(s) for s in code.stops}  # a place code saw visited: others may be there too
    for i, m in enumerate(model.stops):
        if i not in used and (_visit_at(numbered, m.place_ko) or _place_key(m) in visited):
            stops.append(m)
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
        said = model.statements[i]
        statements.append(q.model_copy(update={"quote_en": said.quote_en, "topic": said.topic}))
    statements += [m for i, m in enumerate(model.statements) if i not in taken]
    return ChunkExtraction(leaders=leaders, stops=stops, statements=statements, figures=model.figures)
