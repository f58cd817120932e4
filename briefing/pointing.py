"""Point, don't copy: number a chunk's sentences and quotations, and turn pointers into facts.

``number_chunk`` shows the model the chunk as ``S1 ...`` lines with every quotation marked ``Q1``.
The model answers with those numbers (``briefing/answers.py``); ``resolve`` cuts the verbatim
Korean from the cited sentences: the quotation, the date words, the place (from the gazetteer),
the figure whose value the English names. A pointer that leads nowhere loses its item, never the
chunk: a misquote or an invented place cannot be written this way, only left out.
``point_at`` goes the other way (facts → pointers), for the perfect-model oracle and for turning
hand-written answers into ``extract@3`` fixtures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, cast, get_args

from .answers import ChunkPoints, FigureP, PersonP, StatementP, StopP, Topic
from .chunk import sentence_spans
from .datewords import date_words
from .english import topic
from .glossary import romanise_syllables, strip_title
from .models import ChunkExtraction, FigureX, PersonX, StatementX, StopX
from .numbers import english_numbers, korean_numbers
from .places import Gazetteer, Place

# A quotation: in curly or straight double quotes, long enough to be words said (a quoted term
# such as "AI" is not numbered).
_QUOTE = re.compile(r"“([^“”]{8,}?)”|\"([^\"\n]{8,}?)\"|「([^「」]{8,}?)」")
_REPORTING = re.compile(
    r"\s*(?:이?라고|고|며|면서|라며)\s*(?:[가-힣]{1,6}\s*)?(?:말했|강조했|밝혔|설명했|덧붙였|전했|당부했|주문했|"
    r"말했다|언급했|역설했|제시했|강조하|밝히|설명하|말하)[가-힣]*\.?\s*$"
)
_SUBJECT = re.compile(r"^[^.]{0,40}?(?:은|는|이|가)\s")


@dataclass(frozen=True)
class Quotation:
    start: int  # the words inside the marks, offsets into the chunk text
    end: int
    sentence: int  # 1-based


@dataclass(frozen=True)
class Numbered:
    """A chunk's text with its sentences and quotations numbered from 1."""

    text: str
    sentences: list[tuple[int, int]]
    quotes: list[Quotation] = field(default_factory=list)

    def sentence(self, n: int | None) -> tuple[int, int] | None:
        return self.sentences[n - 1] if n is not None and 1 <= n <= len(self.sentences) else None

    def quote(self, n: int) -> Quotation | None:
        return self.quotes[n - 1] if 1 <= n <= len(self.quotes) else None

    def render(self) -> str:
        """``S1 sentence`` per line, each quotation's opening mark preceded by ``Q<n>``."""
        marks = {q.start - 1: i for i, q in enumerate(self.quotes, 1)}
        lines = []
        for n, (a, b) in enumerate(self.sentences, 1):
            parts, pos = [], a
            for i in range(a, b):
                if i in marks:
                    parts.append(self.text[pos:i] + f"Q{marks[i]}")
                    pos = i
            parts.append(self.text[pos:b])
            lines.append(f"S{n} " + "".join(parts).replace("\n", " ").strip())
        return "\n".join(lines)


def number_chunk(text: str) -> Numbered:
    sentences = [
        (s.start, s.end) for s in sentence_spans(text, budget=1 << 20) if text[s.start : s.end].strip()
    ]
    quotes = []
    for m in _QUOTE.finditer(text):
        inner = next(g for g in range(1, 4) if m.group(g) is not None)
        start, end = m.start(inner), m.end(inner)
        where = next((n for n, (a, b) in enumerate(sentences, 1) if a <= start < b), None)
        if where is not None and " " in m.group(inner).strip():
            quotes.append(Quotation(start, end, where))
    return Numbered(text, sentences, quotes)


# --- pointers → facts -----------------------------------------------------------------------------


_LATIN = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "ß": "ss", "æ": "ae", "ı": "i"})


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_LATIN))
    return re.sub(r"[^a-z]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def _named(place: Place, english: str) -> bool:
    said = _plain(english.split(",")[0])
    return bool(said) and said in {
        _plain(x) for x in (place.name, place.city, place.region, place.country) if x
    }


def place_mentions(gazetteer: Gazetteer, text: str, start: int, end: int) -> list[tuple[int, int, Place]]:
    """Places the gazetteer finds in ``text[start:end]``, as spans of ``text``."""
    piece = unicodedata.normalize("NFC", text[start:end])
    keep = [i for i, c in enumerate(piece) if not c.isspace()]
    spans = []
    for m in gazetteer.mentions(piece):
        spans.append((start + keep[m.start], start + keep[m.end - 1] + 1, m.place))
    return spans


_PARTICLE = re.compile(r"(?:에서|에게|으로|로|에|을|를|의|과|와|은|는|이|가|도|까지|부터)$")
_SKELETON = str.maketrans("gcqdbfzxl", "kkktppssr")


def _skeleton(latin: str) -> str:
    """Consonants of a spelling, voicing folded: "Troy" and "teuroi" are both "tr"."""
    word = re.sub(r"[^a-z]", "", latin.lower()).replace("ch", "s").replace("j", "s").replace("ng", "n")
    return re.sub(r"[aeiouwyh]", "", word).translate(_SKELETON)


def _sounded(text: str, span: tuple[int, int], english: str) -> tuple[int, int] | None:
    """A Hangul word in ``text[span]`` that sounds like ``english`` ("트로이" for "Troy")."""
    import difflib

    target = _skeleton(_plain(english.split(",")[0]))
    if len(target) < 2:
        return None
    best: tuple[float, int, int] | None = None
    for m in re.finditer(r"[가-힣]{2,}", text[span[0] : span[1]]):
        for word in dict.fromkeys((m[0], _PARTICLE.sub("", m[0]) if len(m[0]) > 2 else m[0])):
            said = _skeleton(romanise_syllables(word))
            if len(said) < 2 or said[0] != target[0]:  # "배터리" is not "Troy"
                continue
            ratio = difflib.SequenceMatcher(None, said, target).ratio()
            if ratio >= 0.8 and (best is None or ratio > best[0]):  # the whole word first
                best = (ratio, span[0] + m.start(), span[0] + m.start() + len(word))
    return (best[1], best[2]) if best else None


@dataclass
class Resolved:
    extraction: ChunkExtraction
    notes: list[str] = field(default_factory=list)


def unexampled(points: ChunkPoints, example: ChunkPoints | None) -> ChunkPoints:
    """``points`` without what the model copied from the prompt's example: an English value the
    example holds is not a fact of this chunk (names and places are checked against the text)."""
    if example is None:
        return points
    copied = {v for item in (*example.S, *example.Q, *example.F) for v in item.model_dump().values()
              if isinstance(v, str) and len(v) > 3}  # fmt: skip
    stops = [sp.model_copy(update={"o": None if sp.o in copied else sp.o, "w": None if sp.w in copied else sp.w})
             for sp in points.S]  # fmt: skip
    said = [q for q in points.Q if q.en not in copied]
    return points.model_copy(update={"S": stops, "Q": said})


def resolve(points: ChunkPoints, numbered: Numbered, gazetteer: Gazetteer) -> Resolved:
    """The facts the pointers lead to, cut from the chunk's text; what leads nowhere is noted."""
    text, notes = numbered.text, []

    def cut(span: tuple[int, int] | None) -> str:
        return text[span[0] : span[1]] if span else ""

    stops = []
    for sp in points.S:
        stop = _stop(sp, numbered, gazetteer)
        if stop is None:
            notes.append(f"stop {sp.p!r} (S{sp.at}): no such place in the cited sentence")
        else:
            stops.append(stop)
    statements = []
    for qp in points.Q:
        said = _words(qp.at, numbered)
        if said is None:
            notes.append(f"statement {qp.at}: no such quotation or sentence")
            continue
        words, speech = said
        statements.append(
            StatementX(
                speaker_ko=strip_title(qp.l), quote_ko=words, quote_en=qp.en, topic=qp.tp, speech=speech
            )
        )
    figures = []
    for fp in points.F:
        values = {n.value.normalize() for n in english_numbers(fp.v)}
        sentence = cut(numbered.sentence(fp.at))
        match = next((n for n in korean_numbers(sentence) if n.value.normalize() in values), None)
        if match is None:
            notes.append(f"figure {fp.v!r}: not in S{fp.at}")
        else:
            figures.append(FigureX(text_ko=_figure_words(sentence, match.start), value_en=fp.v, meaning=fp.m))
    return Resolved(ChunkExtraction(leaders=[], stops=stops, statements=statements, figures=figures), notes)


_FIGURE = re.compile(
    r"[\d.,]+\s*[조억만천백]*(?:\s*[\d.,]+\s*[조억만천백]+)*[가-힣%]*?(?=(?:을|를|이|가|은|는|의|에|로|으로|와|과|까지|부터|에서|만에)?(?:\s|$|[,.]))"
    r"(?:\s*(?:시간|명|개|달러|원|건|곳|대|톤|개국|가구|배))?(?:\s*(?:이상|이하|가량|규모|넘게))?"
)


def _figure_words(sentence: str, start: int) -> str:
    """The figure as written, with its counter and hedge: "1억대 이상", "7000억 시간 이상", "2019년"."""
    m = _FIGURE.match(sentence, start)
    return m[0].strip() if m else sentence[start:].split()[0]


def _stop(sp: StopP, numbered: Numbered, gazetteer: Gazetteer) -> StopX | None:
    text = numbered.text
    at = numbered.sentence(sp.at)
    if at is None:
        return None
    here = place_mentions(gazetteer, text, *at)
    # the place the model names, in the sentence, else elsewhere in the chunk; else a word of the
    # sentence that sounds like it (a place the gazetteer does not know); else the one place the
    # sentence names, whatever the model called it
    chosen = next((x for x in here if _named(x[2], sp.p)), None)
    chosen = chosen or next(
        (x for x in place_mentions(gazetteer, text, 0, len(text)) if _named(x[2], sp.p)), None
    )
    if chosen is None and (written := _sounded(text, at, sp.p)):
        countries = {x[2].country for x in here}
        country = countries.pop() if len(countries) == 1 else ""
        chosen = (*written, Place(sp.p, "city", sp.p.split(",")[0].strip(), None, country))
    if chosen is None and len({x[2] for x in here}) == 1:
        chosen = here[0]
    if chosen is None:
        return None
    start, end, place = chosen
    dated = numbered.sentence(sp.d)
    if dated is None:
        when = None
    elif dated == at:  # the date words nearest before the place, else the sentence's first
        sentence = text[at[0] : at[1]]
        when = date_words(sentence, before=start - at[0]) or date_words(sentence)
    else:
        when = date_words(text[dated[0] : dated[1]])
    return StopX(
        leader_ko=strip_title(sp.l), date_text=when,
        date_applies_to=sp.a, place_ko=text[start:end], city=place.city, region=place.region,
        country=place.country, organisation=sp.o,
        people_met=[PersonX(name_ko=strip_title(p.k), role=p.r) for p in sp.m if p.k.strip()],
        purpose=sp.w, status=sp.st,
    )  # fmt: skip


def _words(at: str, numbered: Numbered) -> tuple[str, str] | None:
    """The words a Q or S pointer holds, and whether they are quoted ("direct") or reported."""
    kind, number = at[:1], int(at[1:]) if at[1:].isdigit() else 0
    text = numbered.text
    if kind == "Q":
        q = numbered.quote(number)
        return (text[q.start : q.end], "direct") if q else None
    span = numbered.sentence(number)
    if span is None:
        return None
    inside = [q for q in numbered.quotes if q.sentence == number]
    if inside:  # reported as a sentence, but the words are quoted in it: the quotation
        q = max(inside, key=lambda x: x.end - x.start)
        return text[q.start : q.end], "direct"
    sentence = text[span[0] : span[1]].strip()
    words = _REPORTING.sub("", sentence)
    stripped = _SUBJECT.sub("", words, count=1)  # "그는 …", "조 사장은 이날 …": the words, not who
    words = stripped if len(stripped.strip()) >= 8 else words
    return (words.strip(), "indirect") if len(words.strip()) >= 4 else None


# --- facts → pointers (the oracle, fixtures) ------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’「」]", "", text)


def _sentence_of(numbered: Numbered, words: str | None, prefer: str = "") -> int | None:
    if not words:
        return None
    hits = [
        n for n, (a, b) in enumerate(numbered.sentences, 1) if _squash(words) in _squash(numbered.text[a:b])
    ]
    preferred = [n for n in hits if prefer and prefer in numbered.text[slice(*numbered.sentences[n - 1])]]
    found = preferred or hits
    return found[0] if found else None


def point_at(extraction: ChunkExtraction, numbered: Numbered) -> ChunkPoints:
    """The pointers a perfect model gives for ``extraction`` in this chunk; facts the chunk does
    not hold are left out (as the model would)."""
    text = numbered.text
    stops = []
    for s in extraction.stops:
        at = _sentence_of(numbered, s.place_ko, prefer=s.leader_ko[:1])
        if at is None:
            continue
        d = _sentence_of(numbered, s.date_text)
        stops.append(StopP(
            l=s.leader_ko, p=s.city or s.region or s.country or s.place_ko, at=at, d=d, a=s.date_applies_to,
            st=s.status, o=s.organisation, m=[PersonP(k=p.name_ko, r=p.role) for p in s.people_met],
            w=s.purpose,
        ))  # fmt: skip
    statements = []
    for q in extraction.statements:
        target = _squash(q.quote_ko)
        quote = next(
            (i for i, x in enumerate(numbered.quotes, 1) if target == _squash(text[x.start : x.end])), None
        )
        if quote is None:
            quote = next(
                (i for i, x in enumerate(numbered.quotes, 1) if target in _squash(text[x.start : x.end])),
                None,
            )
        said: str | None = f"Q{quote}" if quote else None
        if said is None and (n := _sentence_of(numbered, q.quote_ko)):
            said = f"S{n}"
        if said:
            tp = q.topic if q.topic in _TOPICS else topic(q.topic)
            statements.append(StatementP(l=q.speaker_ko, at=said, en=q.quote_en, tp=cast(Topic, tp)))
    figures = [
        FigureP(at=n, v=f.value_en, m=f.meaning)
        for f in extraction.figures
        if (n := _sentence_of(numbered, f.text_ko))
    ]
    return ChunkPoints(S=stops, Q=statements, F=figures)


_TOPICS = set(get_args(Topic))


_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def korean_in_english(points: ChunkPoints) -> list[str]:
    """The English fields of an answer that hold Korean, as ``S1.p``-style paths."""
    bad = []
    for kind, items in (("S", points.S), ("Q", points.Q), ("F", points.F)):
        for i, item in enumerate(items, 1):
            values = item.model_dump()
            for key in ("p", "o", "w", "en", "v", "m", "r"):
                value = values.get(key)
                if isinstance(value, str) and _HANGUL.search(value):
                    bad.append(f"{kind}{i}.{key}")
            met: list[dict[str, Any]] = values["m"] if kind == "S" else []
            for j, person in enumerate(met, 1):
                if _HANGUL.search(person.get("r") or ""):
                    bad.append(f"{kind}{i}.m{j}.r")
    return bad
