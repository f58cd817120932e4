"""Rendering: optional fields missing, escaping of source text, gantt for dated stops only."""

from __future__ import annotations

import datetime as dt
import re

from briefing.models import (
    BriefingData,
    DateSpan,
    MergedData,
    RunStats,
    SourceInfo,
    SourceRef,
    Statement,
    Stop,
)
from briefing.render import md, render_markdown


def data(stops: list[Stop], statements: list[Statement] | None = None) -> BriefingData:
    from briefing.models import Leader

    merged = MergedData(
        leaders=[Leader(name_ko="구광모", name_en="Koo Kwang-mo")],
        stops=stops,
        statements=statements or [],
        figures=[],
        sources=[
            SourceInfo(
                id="a",
                path="a.txt",
                title=None,
                outlet=None,
                byline=None,
                published=None,
                published_time=None,
                url=None,
            )
        ],
    )
    return BriefingData(
        generated=dt.date(2024, 1, 1),
        model="m",
        prompts=["extract@1"],
        merged=merged,
        synthesis=None,
        stats=RunStats(chunks=1),
    )


def test_renders_with_optional_fields_missing() -> None:
    stop = Stop(
        leader_ko="구광모",
        leader_en="Koo Kwang-mo",
        dates=DateSpan(text="21일"),
        place_ko="보스턴",
        sources=[SourceRef(article_id="a")],
    )
    text = render_markdown(data([stop]))
    assert "not stated (21일)" in text
    assert "Not placed on the chart (no date stated): Koo Kwang-mo: 보스턴" in text
    assert "```mermaid" not in text  # nothing dated: no chart rather than a guessed one
    assert "Unknown outlet, date unknown" in text
    assert "The summary could not be written" in text


def test_source_text_cannot_inject_markup() -> None:
    hostile = "x <script>alert(1)</script> | [click](http://evil) <img src=x onerror=alert(1)>"
    stop = Stop(
        leader_ko="구광모",
        leader_en="Koo Kwang-mo",
        dates=DateSpan(start=dt.date(2024, 1, 2)),
        place_ko="보스턴",
        city=hostile,
        purposes=[hostile],
        sources=[SourceRef(article_id="a")],
    )
    said = Statement(
        speaker_ko="구광모",
        speaker_en="Koo Kwang-mo",
        quote_ko=hostile,
        quote_en=hostile,
        topic="AI",
        speech="direct",
        verified=True,
        sources=[SourceRef(article_id="a")],
    )
    text = render_markdown(data([stop], [said]))
    assert not re.search(r"(?<!\\)<(script|img)", text)  # only escaped \<script\> remains
    assert not re.search(r"(?<!\\)\]\(http", text)
    for line in text.splitlines():
        if line.startswith("| ") and "Koo Kwang-mo" in line:
            assert line.count(" | ") == line.replace("\\|", "").count(" | ")  # every pipe escaped in cells


def test_md_escapes() -> None:
    assert md("a|b") == "a\\|b"
    assert md("<b>") == "\\<b\\>"
    assert md("[x](y)") == "\\[x\\](y)"
    assert md("file_name.txt") == "file_name.txt"
    assert md("_emph_") == "\\_emph\\_"


def test_block_markers_at_line_start_are_escaped() -> None:
    assert md("# Heading") == "\\# Heading"
    assert md("1. first") == "1\\. first"
    assert md("--- rule") == "\\--- rule"
    assert md("AI is #1") == "AI is #1"
