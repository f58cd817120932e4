"""Render: ``BriefingData`` → Markdown through Jinja2 templates in ``templates/``.

The view is computed here in Python (pure, testable): source markers, the at-a-glance rows, the
Mermaid gantt lines, statements grouped by topic, people shared between leaders. The template only
lays it out. Every string that comes from an article goes through ``md`` (or ``cell`` in tables),
so a source cannot inject HTML, links or table breaks into the briefing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from .models import BriefingData, Leader, SourceRef, Statement, Stop
from .prompts import templates_dir

# Enough to stop HTML, links, code spans, emphasis runs and table breaks; "_" only where it could
# open or close emphasis (at a word edge), so snake_case file names stay readable.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~])|(?<!\w)_|_(?!\w)")


def md(value: object) -> str:
    """Escape text for Markdown: no raw HTML, links, emphasis or headings from a source."""
    text = "" if value is None else str(value)
    text = re.sub(r"\s+", " ", text).strip()
    text = _MD_SPECIAL.sub(lambda m: "\\" + m[0], text)
    # At the start of a line, "#", "-", "+", "=" or "1." would make a heading, list or rule.
    text = re.sub(r"^([#+=-])", r"\\\1", text)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)


def cell(value: object) -> str:
    """``md`` for a table cell (pipes are already escaped; newlines flattened)."""
    return md(value) or "—"


def url(value: object) -> str:
    """A link only for a plain http(s) URL; anything else is shown as escaped text."""
    text = str(value or "")
    if re.fullmatch(r"https?://[^\s<>()\[\]|`\\\"']+", text):
        return f"<{text}>"
    return md(text)


def mermaid_label(value: object) -> str:
    """Mermaid task names cannot hold ``:``, ``#`` or ``;``; keep letters, digits, spaces."""
    text = re.sub(r"[^\w\s,.\-–()/&']", " ", str(value))
    return re.sub(r"\s+", " ", text).strip()[:60] or "stop"


_SECTION_LABEL = {"headline": "headline", "subtitle": "sub-headline", "caption": "photo caption"}


def _markers(refs: list[SourceRef], numbers: dict[str, int]) -> str:
    """Source numbers; a source that states the fact only outside its body says where:
    "[2] (from the photo caption)"."""
    out = []
    for n in sorted({numbers[r.article_id] for r in refs if r.article_id in numbers}):
        sections = [r.section for r in refs if numbers.get(r.article_id) == n]
        label = "" if "body" in sections else f" (from the {_SECTION_LABEL[sections[0]]})"
        out.append(f"[{n}]{label}")
    return " ".join(out) if any("(" in x for x in out) else "".join(out)


def _travellers(data: BriefingData) -> list[Leader]:
    """Leaders with an itinerary first, then those who only spoke, in order of first mention."""
    travelled = {s.leader_ko for s in data.merged.stops}
    spoke = {s.speaker_ko for s in data.merged.statements}
    leaders = data.merged.leaders
    return [x for x in leaders if x.name_ko in travelled] + [
        x for x in leaders if x.name_ko in spoke - travelled
    ]


def _dates_cell(stop: Stop) -> str:
    text = stop.dates.display()
    if stop.dates.known and stop.date_applies_to == "trip":
        text += " (trip dates; day of this stop not stated)"
    if stop.dates.month_from_publication:
        text += " †"
    return text


def build_view(data: BriefingData) -> dict[str, Any]:
    merged = data.merged
    numbers = {s.id: i + 1 for i, s in enumerate(merged.sources)}
    leaders = _travellers(data)
    leader_en = {x.name_ko: x.name_en for x in merged.leaders}

    itineraries = []
    glance = []
    for leader in leaders:
        stops = [s for s in merged.stops if s.leader_ko == leader.name_ko]
        said = [s for s in merged.statements if s.speaker_ko == leader.name_ko]
        rows = [
            {
                "dates": _dates_cell(s),
                "place": s.place,
                "organisation": "; ".join(s.organisations),
                "people": "; ".join(f"{p.name_en} ({p.role})" if p.role else p.name_en for p in s.people_met),
                "purpose": " ".join(s.purposes),
                "status": {"done": "done", "planned": "planned (as reported)", "unknown": "—"}[s.status],
                "sources": _markers(s.sources, numbers),
                "reports": len({r.article_id for r in s.sources}),
                "conflicts": s.conflicts,
            }
            for s in stops
        ]
        itineraries.append({"leader": leader, "rows": rows})
        starts = [s.dates.start for s in stops if s.dates.start]
        ends = [s.dates.end or s.dates.start for s in stops if s.dates.start]
        focus = list(dict.fromkeys(s.topic for s in said))
        glance.append(
            {
                "leader": leader,
                "role": ", ".join(x for x in (leader.title, leader.company) if x),
                "places": ", ".join(dict.fromkeys(s.city or s.place for s in stops)),
                "dates": _period(starts + [e for e in ends if e], sep=" – ") if starts else "not stated",
                "focus": ", ".join(focus) or "—",
            }
        )

    by_topic: dict[str, list[Statement]] = defaultdict(list)
    for st in merged.statements:
        by_topic[st.topic].append(st)
    topics: list[dict[str, Any]] = [
        {
            "topic": topic,
            "columns": [
                {"leader": leader_en.get(ko, ko), "statements": [s for s in items if s.speaker_ko == ko]}
                for ko in dict.fromkeys(s.speaker_ko for s in items)
            ],
        }
        for topic, items in by_topic.items()
    ]

    gantt = []
    undated = []
    for leader in leaders:
        tasks = []
        places: list[str] = []  # one entry per leader: "Koo Kwang-mo: Noida, Dubai"
        for s in merged.stops:
            if s.leader_ko != leader.name_ko:
                continue
            if s.dates.start is None:
                when = s.dates.display()
                label = (s.city or s.place) + (f" ({when})" if when != "not stated" else "")
                if label not in places:
                    places.append(label)
                continue
            days = ((s.dates.end or s.dates.start) - s.dates.start).days + 1
            label = (s.city or s.place) + (" (trip period)" if s.date_applies_to == "trip" else "")
            tasks.append(f"{mermaid_label(label)} :{s.dates.start.isoformat()}, {days}d")
        if tasks:
            gantt.append({"section": mermaid_label(leader.name_en), "tasks": tasks})
        if places:
            undated.append(f"{leader.name_en}: {', '.join(places)}")

    met: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for s in merged.stops:
        for p in s.people_met:
            met[p.name_ko].add(s.leader_ko)
            names[p.name_ko] = p.name_en + (f" ({p.role})" if p.role else "")
    shared_people = [
        f"{names[ko]} met {' and '.join(leader_en[x] for x in sorted(who, key=list(leader_en).index))}"
        for ko, who in met.items()
        if len(who) > 1
    ]
    topic_leaders: dict[str, set[str]] = defaultdict(set)
    topic_label: dict[str, str] = {}
    for st in merged.statements:
        topic_leaders[st.topic.lower()].add(st.speaker_ko)
        topic_label.setdefault(st.topic.lower(), st.topic)
    shared_topics = [topic_label[t] for t, who in topic_leaders.items() if len(who) > 1]

    all_dates = [d for s in merged.stops for d in (s.dates.start, s.dates.end) if d]
    published = [s.published for s in merged.sources if s.published]
    period = _period(all_dates) if all_dates else (_period(published) if published else "dates not stated")

    return {
        "data": data,
        "merged": merged,
        "synthesis": data.synthesis,
        "numbers": numbers,
        "period": period,
        "leaders": leaders,
        "glance": glance,
        "itineraries": itineraries,
        "topics": topics,
        "gantt": gantt,
        "undated": undated,
        "shared_people": shared_people,
        "shared_topics": shared_topics,
        "failures": data.stats.failures,
        "markers": lambda refs: _markers(refs, numbers),
    }


def _period(dates: list[dt.date], sep: str = " to ") -> str:
    lo, hi = min(dates), max(dates)
    return lo.isoformat() if lo == hi else f"{lo.isoformat()}{sep}{hi.isoformat()}"


def environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md
    env.filters["cell"] = cell
    env.filters["url"] = url
    return env


def render_markdown(data: BriefingData, template: str = "briefing.md.j2", **extra: Any) -> str:
    text: str = environment().get_template(template).render(**build_view(data), **extra)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"


def render_json(data: BriefingData) -> str:
    return data.model_dump_json(indent=2) + "\n"
