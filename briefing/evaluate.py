"""Faithfulness in numbers: compare what the pipeline extracted with hand-written gold annotations.

The gold format is documented in docs/eval.md. Metric functions are pure and tested on small cases;
``evaluate`` runs the real pipeline (through the configured endpoint and the cache) and scores it,
overall and per article, and says at which stage a missing gold item was lost.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .answers import ChunkPoints
from .config import OutputMode
from .errors import InputError
from .glossary import default_glossary
from .llm import Completion, response_schema
from .merge import ArticleExtraction, merge
from .models import Article, ChunkExtraction, MergedData, SectionKind, SourceRef, Statement, Stop, Synthesis
from .models import LeaderX as LeaderXType
from .pointing import number_chunk, point_at
from .prompts import RenderedPrompt
from .verify import find_quote

T = TypeVar("T", bound=BaseModel)
G = TypeVar("G")
S = TypeVar("S")

# --- gold ---------------------------------------------------------------------------------------------


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldLeader(_Gold):
    name_ko: str
    name_en: str
    title: str | None = None
    company: str | None = None


class GoldDate(_Gold):
    start: dt.date
    end: dt.date


class GoldStop(_Gold):
    leader: str = Field(description="Korean name of the traveller")
    place: str = Field(description="City or place in English")
    place_ko: str = Field(description="The place as written in the article")
    date: GoldDate | None = None
    date_text: str | None = Field(None, description="The date words as written, if any")
    date_scope: str = "stop"
    organisation: str | None = None
    people_met: list[str] = Field(default_factory=list)
    purpose: str | None = None
    found_in: SectionKind = Field("body", description="Where the evidence stands when not in the body")


class GoldStatement(_Gold):
    speaker: str
    quote_ko: str = Field(description="The quoted words as written (English for English articles)")
    gist_en: str
    found_in: SectionKind = "body"


class GoldArticle(_Gold):
    article: str
    leaders: list[GoldLeader]
    stops: list[GoldStop]
    statements: list[GoldStatement]


def load_gold(path: Path) -> list[GoldArticle]:
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(GoldArticle.model_validate_json(line))
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(
                f"{path}:{n}", f"not a gold record ({where}: {first['msg']}); see docs/eval.md"
            ) from e
    return out


# --- matching -------------------------------------------------------------------------------------------


def _alternatives(name: str) -> list[str]:
    """ "William Cho (Cho Joo-wan)" → ["William Cho", "Cho Joo-wan"]."""
    parts = [name.split("(")[0], *re.findall(r"\(([^)]*)\)", name)]
    return [p.strip() for p in parts if p.strip()]


def _name_key(name: str) -> str:
    tokens = re.split(r"[\s\-,.]+", name.lower())
    return " ".join(sorted(t for t in tokens if t))


def names_match(a: str, b: str) -> bool:
    """Tolerant of order, hyphens, a parenthesised alternative and small romanisation variants."""
    for x in _alternatives(a):
        for y in _alternatives(b):
            kx, ky = _name_key(x), _name_key(y)
            if (
                kx == ky
                or difflib.SequenceMatcher(None, kx.replace(" ", ""), ky.replace(" ", "")).ratio() >= 0.8
            ):
                return True
    return False


def official_name(system: str, gold: str) -> bool:
    """The official English form exactly (case and spacing aside). A display form with the
    romanisation in brackets counts as its official name on either side: "William Cho" and
    "William Cho (Cho Joo-wan)" are the same answer."""
    a, b = _alternatives(system), _alternatives(gold)
    return bool(a and b) and _name_key(a[0]) == _name_key(b[0])


_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "ı": "i"})


def _place_key(name: str) -> str:
    """Case, punctuation and diacritics aside: "Wrocław" = "Wroclaw", "São Paulo" = "Sao Paulo"."""
    plain = unicodedata.normalize("NFKD", name.lower().translate(_FOLD))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[\s.,'’-]+", " ", plain).strip()


def places_match(system: Stop, gold: str) -> bool:
    """The gold place is the stop's city (or, for a stop with no city, its region or country);
    one may spell it longer ("Washington" / "Washington, D.C."). The region or country of a
    city never matches: Redmond, Washington is not Washington."""
    where = system.city or system.region or system.country or system.place_ko
    s, g = _place_key(where), _place_key(gold)
    return bool(s and g) and (s == g or s.startswith(g + " ") or g.startswith(s + " "))


def pair_up(
    golds: Sequence[G],
    systems: Sequence[S],
    match: Callable[[G, S], bool],
    prefer: Callable[[G, S], bool] | None = None,
) -> dict[int, int]:
    """One-to-one matching, gold order first: a system item counts for one gold item at most.
    With ``prefer``, pairs that also satisfy it are made first (two visits to one city: each
    gold stop takes the system stop of its own dates)."""
    taken: set[int] = set()
    pairs: dict[int, int] = {}
    for strict in [True, False] if prefer else [False]:
        for gi, g in enumerate(golds):
            if gi in pairs:
                continue
            for si, x in enumerate(systems):
                if si not in taken and match(g, x) and (not strict or (prefer is not None and prefer(g, x))):
                    pairs[gi] = si
                    taken.add(si)
                    break
    return pairs


def quote_overlap(system_span: tuple[int, int] | None, gold_span: tuple[int, int] | None) -> float:
    """Share of the gold quote's characters the system quote covers."""
    if system_span is None or gold_span is None:
        return 0.0
    inter = min(system_span[1], gold_span[1]) - max(system_span[0], gold_span[0])
    return max(0, inter) / max(1, gold_span[1] - gold_span[0])


def date_verdict(system: Stop, gold: GoldStop) -> str:
    """correct / missing / wrong / invented (a date where gold and text have none)."""
    if gold.date is None:
        return "invented" if system.dates.start is not None else "correct"
    if system.dates.start is None:
        return "missing"
    end = system.dates.end or system.dates.start
    return "correct" if (system.dates.start, end) == (gold.date.start, gold.date.end) else "wrong"


# --- scores ---------------------------------------------------------------------------------------------


@dataclass
class Score:
    """Counts for one article (or all): recall = found / gold, precision = right / system."""

    leaders_gold: int = 0
    leaders_found: int = 0
    leaders_system: int = 0
    leaders_right: int = 0
    names_official: int = 0
    stops_gold: int = 0
    stops_found: int = 0
    stops_system: int = 0
    stops_right: int = 0
    dates: dict[str, int] = field(
        default_factory=lambda: {"correct": 0, "missing": 0, "wrong": 0, "invented": 0}
    )
    statements_gold: int = 0
    statements_found: int = 0
    statements_system: int = 0
    statements_right: int = 0
    invented_quotes: int = 0
    caught_quotes: int = 0
    sections_right: int = 0
    sections_checked: int = 0
    lost: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name, value in vars(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
        for k, v in other.dates.items():
            self.dates[k] += v
        self.lost += other.lost

    def table(self) -> dict[str, float | int]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 1.0

        return {
            "leader recall": ratio(self.leaders_found, self.leaders_gold),
            "leader precision": ratio(self.leaders_right, self.leaders_system),
            "official-name accuracy": ratio(self.names_official, self.leaders_found),
            "stop recall": ratio(self.stops_found, self.stops_gold),
            "stop precision": ratio(self.stops_right, self.stops_system),
            "stop dates correct": ratio(self.dates["correct"], self.stops_found),
            "stop dates missing": self.dates["missing"],
            "stop dates wrong": self.dates["wrong"],
            "invented dates": self.dates["invented"],
            "statement recall": ratio(self.statements_found, self.statements_gold),
            "statement precision": ratio(self.statements_right, self.statements_system),
            "fact sources right (body, headline, caption)": ratio(self.sections_right, self.sections_checked),
            "invented quotes": self.invented_quotes,
            "model quotes not in source (caught)": self.caught_quotes,
        }


def _squash(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’「」『』.,]", "", unicodedata.normalize("NFC", text))


def _statement_matches(st: Statement, g: GoldStatement, text: str) -> bool:
    if st.speaker_ko != g.speaker or not st.verified:
        return False
    span = (
        (st.sources[0].start, st.sources[0].end) if st.sources and st.sources[0].start is not None else None
    )
    if quote_overlap(span, find_quote(g.quote_ko, text)) >= 0.5:  # type: ignore[arg-type]
        return True
    # the same words found at another place of the page (a headline repeated in the body)
    mine, gold = _squash(st.quote_ko), _squash(g.quote_ko)
    return bool(gold) and gold in mine and len(gold) >= 0.5 * len(mine)


def score_article(
    gold: GoldArticle,
    article: Article,
    merged: MergedData,
    raw: Sequence[ChunkExtraction],
    briefing: str = "",
) -> Score:
    """Score one article's merged data against its gold; ``raw`` says where missing items were lost."""
    s = Score()
    text = article.text
    leaders = merged.leaders
    s.leaders_gold, s.leaders_system = len(gold.leaders), len(leaders)
    pairs = pair_up(
        gold.leaders, leaders, lambda g, x: x.name_ko == g.name_ko or names_match(x.name_en, g.name_en)
    )
    for gi, g in enumerate(gold.leaders):
        if gi not in pairs:
            s.lost.append(f"{gold.article}: leader {g.name_en}: {_where(g.name_ko, raw, text)}")
            continue
        s.leaders_found += 1
        s.names_official += official_name(leaders[pairs[gi]].name_en, g.name_en)
    s.leaders_right = len(pairs)

    s.stops_gold, s.stops_system = len(gold.stops), len(merged.stops)
    pairs = pair_up(
        gold.stops,
        merged.stops,
        lambda g, x: x.leader_ko == g.leader and places_match(x, g.place),
        prefer=lambda g, x: date_verdict(x, g) == "correct",
    )
    for gi, gs in enumerate(gold.stops):
        if gi not in pairs:
            s.lost.append(f"{gold.article}: stop {gs.place}: {_where(gs.place_ko, raw, text)}")
            continue
        stop = merged.stops[pairs[gi]]
        s.stops_found += 1
        s.sections_checked += 1
        s.sections_right += _section(stop.sources) == gs.found_in
        s.dates[date_verdict(stop, gs)] += 1
        if briefing and (stop.city or stop.place) not in briefing:
            s.lost.append(f"{gold.article}: stop {gs.place}: merged but not in the rendered briefing")
    s.stops_right = len(pairs)

    verified = [st for st in merged.statements if st.verified]
    s.statements_gold, s.statements_system = len(gold.statements), len(verified)
    pairs = pair_up(gold.statements, verified, lambda g, st: _statement_matches(st, g, text))
    for gi, gq in enumerate(gold.statements):
        if gi in pairs:
            s.statements_found += 1
            s.sections_checked += 1
            s.sections_right += _section(verified[pairs[gi]].sources) == gq.found_in
        else:
            s.lost.append(f"{gold.article}: quote “{gq.quote_ko[:24]}…”: {_where(gq.quote_ko, raw, text)}")
    s.statements_right = len(pairs)
    s.invented_quotes = sum(1 for st in verified if find_quote(st.quote_ko, text) is None)
    s.caught_quotes = sum(1 for x in raw for st in x.statements if find_quote(st.quote_ko, text) is None)
    return s


def _section(refs: Sequence[SourceRef]) -> str:
    """Where the system says a fact stands: the body if any source has it there."""
    sections = [r.section for r in refs]
    return "body" if "body" in sections or not sections else sections[0]


def _where(evidence: str, raw: Sequence[ChunkExtraction], text: str) -> str:
    """The stage where a gold item went missing."""
    if find_quote(evidence, text) is None:
        return "not in the cleaned text (lost in ingest/cleaning)"
    blob = json.dumps([x.model_dump() for x in raw], ensure_ascii=False)
    if evidence in blob or re.sub(r"\s", "", evidence)[:12] in re.sub(r"\s", "", blob):
        return "extracted, then dropped in verify/merge"
    return "not extracted (model or chunking)"


def evaluate_items(
    golds: Sequence[GoldArticle],
    paths: Sequence[Path],
    articles: Sequence[Article],
    items: Sequence[ArticleExtraction],
    briefing: str = "",
) -> tuple[Score, dict[str, Score]]:
    """Score each gold article (``paths[i]`` is the file of ``golds[i]``) on the pipeline's merge
    of its own extractions."""
    glossary = default_glossary()
    by_path = {a.path: a for a in articles}
    total = Score()
    per: dict[str, Score] = {}
    for g, path in zip(golds, paths, strict=True):
        article = by_path.get(str(path))
        if article is None:
            per[g.article] = Score(lost=[f"{g.article}: the article could not be read or was a duplicate"])
            total.add(per[g.article])
            continue
        mine = [i for i in items if i.article.id == article.id]
        merged = merge([article], mine, glossary)
        score = score_article(g, article, merged, [i.extraction for i in mine], briefing)
        per[g.article] = score
        total.add(score)
    return total, per


def format_table(total: Score, per: dict[str, Score]) -> str:
    names = list(total.table())
    cols = ["overall", *[Path(k).stem[:12] for k in per]]
    rows = [f"| metric | {' | '.join(cols)} |", "|---|" + "---|" * len(cols)]
    for name in names:
        values = [total.table()[name], *[s.table()[name] for s in per.values()]]
        rows.append(f"| {name} | " + " | ".join(f"{v:g}" for v in values) + " |")
    lost = [f"- lost: {x}" for x in total.lost] or ["- nothing lost"]
    return "\n".join([*rows, "", *lost]) + "\n"


# --- the perfect model ----------------------------------------------------------------------------------


def oracle_answer(gold: GoldArticle, chunk_text: str) -> ChunkExtraction:
    """What a perfect model answers for a chunk of ``gold``'s article: the gold facts whose
    evidence is in the chunk. Only that article's gold: never a fact from another article."""
    from .models import LeaderX, PersonX, StatementX, StopX

    compact = re.sub(r"\s", "", chunk_text)

    def inside(evidence: str) -> bool:
        return bool(evidence) and re.sub(r"\s", "", evidence) in compact

    def named(leader: GoldLeader) -> bool:  # English coverage writes the English name only
        return inside(leader.name_ko) or any(inside(x) for x in _alternatives(leader.name_en))

    names = {x.name_ko: x for x in gold.leaders}
    leaders: dict[str, LeaderX] = {}
    stops, statements = [], []
    for st in gold.stops:
        if not inside(st.place_ko):
            continue
        stops.append(StopX(
            leader_ko=st.leader, date_text=st.date_text if inside(st.date_text or "") else None,
            date_applies_to="trip" if st.date_scope == "trip" else "stop", place_ko=st.place_ko,
            city=st.place, region=None, country=None, organisation=st.organisation,
            people_met=[PersonX(name_ko=p, role=None) for p in st.people_met if inside(p)],
            purpose=st.purpose, status="unknown",
        ))  # fmt: skip
        leaders.setdefault(st.leader, _leader_x(names, st.leader))
    for q in gold.statements:
        if inside(q.quote_ko):
            statements.append(StatementX(speaker_ko=q.speaker, quote_ko=q.quote_ko, quote_en=q.gist_en,
                                         topic="gold", speech="direct"))  # fmt: skip
            leaders.setdefault(q.speaker, _leader_x(names, q.speaker))
    for x in gold.leaders:
        if named(x):
            leaders.setdefault(x.name_ko, _leader_x(names, x.name_ko))
    return ChunkExtraction(leaders=list(leaders.values()), stops=stops, statements=statements, figures=[])


def _leader_x(names: dict[str, GoldLeader], ko: str) -> LeaderXType:
    from .models import LeaderX

    g = names.get(ko)
    return LeaderX(name_ko=ko, name_en=g.name_en if g else None, title=g.title if g else None,
                   company=g.company if g else None)  # fmt: skip


class OracleLLM:
    """An in-process stand-in that answers every chunk with the gold facts of its own article.

    ``briefing eval --oracle`` scores our own code path (cleaning, chunking, verify, merge, render)
    with a perfect model: anything below 1.0 is a bug of ours, and ``lost`` says where.
    ``by_article`` maps an article id to its gold; a chunk of an article with no gold gets nothing.
    """

    model = "oracle (gold answers)"
    output_mode: OutputMode = "json_schema"

    def __init__(self, by_article: dict[str, GoldArticle]) -> None:
        self.by_article = by_article

    def request_schema(self, schema: type[BaseModel]) -> dict[str, Any]:
        return response_schema(schema)

    def complete(self, prompt: RenderedPrompt, schema: type[T]) -> Completion[T]:
        if schema is ChunkPoints:  # the perfect model points at the sentences that hold the gold
            gold = self.by_article.get(prompt.source or "")
            facts = (
                oracle_answer(gold, prompt.data)
                if gold
                else ChunkExtraction(leaders=[], stops=[], statements=[], figures=[])
            )
            value: BaseModel = point_at(facts, number_chunk(prompt.data))
        else:
            value = Synthesis(summary=["(oracle run: no summary)"], common_threads=[], differences=[])
        return Completion(value=schema.model_validate(value.model_dump()))


class NullLLM:
    """A model that finds nothing: every chunk answers empty lists and the summary is not written.

    ``briefing eval --code-only`` measures what code alone finds (``propose``): the floor that any
    model, however weak, only adds to.
    """

    model = "none (code alone)"
    output_mode: OutputMode = "json_schema"

    def request_schema(self, schema: type[BaseModel]) -> dict[str, Any]:
        return response_schema(schema)

    def complete(self, prompt: RenderedPrompt, schema: type[T]) -> Completion[T]:
        if schema is ChunkPoints:
            return Completion(value=schema.model_validate({"S": [], "Q": [], "F": []}))
        value = Synthesis(summary=["(code-only run: no summary)"], common_threads=[], differences=[])
        return Completion(value=schema.model_validate(value.model_dump()))


def gold_by_article(golds: Sequence[GoldArticle], paths: Sequence[Path]) -> dict[str, GoldArticle]:
    """Article id → its gold, reading the files the way a run reads them."""
    from .readers import load_articles

    articles, _ = load_articles(paths)
    by_path = {a.path: a.id for a in articles}
    return {by_path[str(p)]: g for g, p in zip(golds, paths, strict=True) if str(p) in by_path}


def resolve_articles(golds: Sequence[GoldArticle], gold_path: Path, articles_dir: Path | None) -> list[Path]:
    """Each gold article's file. With ``articles_dir``: the gold path inside it (folders kept),
    else its file name there. Without: as given, beside the gold file, or one folder up."""
    paths = []
    for g in golds:
        name = Path(g.article)
        candidates = (
            [articles_dir / name, articles_dir / name.name]
            if articles_dir
            else [name, gold_path.parent / name, gold_path.parent.parent / name]
        )
        found = next((p for p in candidates if p.is_file()), None)
        if found is None:
            raise InputError(
                g.article,
                f"article not found (looked in {', '.join(map(str, candidates))}); use --articles DIR",
            )
        paths.append(found)
    return paths
