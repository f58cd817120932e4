"""Typed data passed between stages. A leaf module: it imports no stage.

Three families:
- ingest/chunk: ``Article``, ``Chunk``;
- what the model returns for one chunk (``ChunkExtraction`` and its parts, suffix ``X``):
  raw language understanding, verbatim Korean spans, no resolved dates or official names;
- what code makes of it after verification and merging (``Leader``, ``Stop``, ``Statement``,
  ``Figure``, ``MergedData``), which the renderer and ``--format json`` consume.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- ingest and chunk -------------------------------------------------------------------------

PublishedFrom = Literal["page", "sidecar", "flag"]
SectionKind = Literal["headline", "subtitle", "caption", "body"]


class ArticleMeta(_Model):
    """Metadata found on the page or supplied by a sidecar / flag."""

    title: str | None = None
    subtitles: list[str] = Field(default_factory=list)
    outlet: str | None = None
    outlet_ko: str | None = None
    byline: str | None = None
    url: str | None = None
    published: dt.date | None = None
    published_time: dt.time | None = None
    published_from: PublishedFrom | None = None
    dateline: str | None = Field(None, description="Where the story was filed, as the dateline says")


class Section(_Model):
    """A block of the article text that is not body prose: ``text[start:end]`` is a headline,
    a sub-headline or a photo caption."""

    kind: SectionKind
    start: int
    end: int


class Article(_Model):
    """One cleaned article. ``text`` is what the pipeline reads: the headline, sub-headlines and
    body paragraphs (captions where the page had them), joined by blank lines; ``sections`` marks
    what is not body. ``content_hash`` is the body's, so one story under two headlines is one."""

    id: str
    path: str
    meta: ArticleMeta
    text: str
    content_hash: str
    sections: list[Section] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n\n") if self.text else []

    def body_only(self) -> Article:
        """The same article with only its body paragraphs as text (offsets are into that text)."""
        if not self.sections:
            return self
        body = [p for p, kind in zip(self.paragraphs, self._kinds(), strict=True) if kind == "body"]
        return self.model_copy(update={"text": "\n\n".join(body), "sections": []})

    def _kinds(self) -> list[SectionKind]:
        kinds: list[SectionKind] = []
        pos = 0
        for para in self.paragraphs:
            kinds.append(self.section_at(pos))
            pos += len(para) + 2
        return kinds

    def section_at(self, offset: int) -> SectionKind:
        """Which part of the page the character at ``offset`` belongs to."""
        for s in self.sections:
            if s.start <= offset < s.end:
                return s.kind
        return "body"


class Chunk(_Model):
    """A slice of an article's cleaned text: ``article.text[start:end] == text``."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    context: str = ""
    lead: str = Field(
        "", description="The article's opening (headline, first lines): who a later chunk's short forms mean"
    )
    tokens: int


# --- what the model returns for one chunk -----------------------------------------------------

StopStatus = Literal["done", "planned", "unknown"]


class PersonX(_Model):
    name_ko: str = Field(description="Korean name exactly as written in the text")
    role: str | None = Field(description="Role or title in English, as the text gives it")


class LeaderX(_Model):
    name_ko: str = Field(description="Full Korean name as written, e.g. 구광모")
    name_en: str | None = Field(description="English name if known, else a romanisation")
    title: str | None = Field(description="Title in English, e.g. Chairman, CEO")
    company: str | None = Field(description="Company in English, e.g. LG Electronics")


class StopX(_Model):
    leader_ko: str = Field(description="Full Korean name of the LG leader who travelled")
    date_text: str | None = Field(
        description="The date expression copied verbatim from the text, e.g. '지난 21일부터 "
        "나흘간' or '13일'; null if the text gives no date for this stop"
    )
    date_applies_to: Literal["stop", "trip"] = Field(
        description="'trip' if the date is the whole trip's period rather than this stop's"
    )
    place_ko: str = Field(description="The place name copied verbatim from the text")
    city: str | None = Field(description="City in English")
    region: str | None = Field(description="State, province or region in English")
    country: str | None = Field(description="Country in English")
    organisation: str | None = Field(description="Organisation, site or event in English")
    people_met: list[PersonX] = Field(description="People the leader met at this stop")
    purpose: str | None = Field(description="Purpose of the stop in one English sentence")
    status: StopStatus = Field(
        description="'done' if the article reports it as having happened, 'planned' if it is "
        "reported as still to come"
    )


class StatementX(_Model):
    speaker_ko: str = Field(description="Full Korean name of the speaker")
    quote_ko: str = Field(description="The Korean words copied verbatim from the text")
    quote_en: str = Field(description="A faithful English rendering")
    topic: str = Field(description="One or two English words, e.g. AI, biotech, talent")
    speech: Literal["direct", "indirect"] = Field(
        description="'direct' for words inside quotation marks, else 'indirect'"
    )


class FigureX(_Model):
    text_ko: str = Field(description="The figure copied verbatim from the text, e.g. 7000억 시간")
    value_en: str = Field(description="The figure in English, e.g. 700 billion hours")
    meaning: str = Field(description="What it measures, in English")


class ChunkExtraction(_Model):
    """Everything one chunk states about LG leaders' travel and words."""

    leaders: list[LeaderX]
    stops: list[StopX]
    statements: list[StatementX]
    figures: list[FigureX]


class ParagraphX(_Model):
    number: int = Field(description="The paragraph's number as given")
    english: str = Field(description="The English translation of that paragraph")


class TranslationX(_Model):
    """The model's translation of one chunk of numbered paragraphs."""

    title_en: str | None = Field(description="English headline if a title was given, else null")
    paragraphs: list[ParagraphX]


class Synthesis(_Model):
    """The executive layer, written from the merged English data."""

    summary: list[str] = Field(description="3 to 5 executive bullet points in English")
    common_threads: list[str] = Field(description="What the leaders' activities share")
    differences: list[str] = Field(description="How the leaders' activities differ")


# --- after verification and merge -------------------------------------------------------------


class SourceRef(_Model):
    """Where a fact came from: an article id and, when known, a span of its cleaned text."""

    article_id: str
    start: int | None = None
    end: int | None = None
    section: SectionKind = "body"


class Person(_Model):
    name_ko: str
    name_en: str
    role: str | None = None
    official: bool = Field(description="True when the English name comes from the glossary")


class Leader(_Model):
    name_ko: str
    name_en: str
    title: str | None = None
    company: str | None = None
    official: bool = False
    sources: list[str] = Field(default_factory=list)


class DateSpan(_Model):
    """A date or range resolved in code. ``text`` is what the article said."""

    text: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    month_from_publication: bool = False
    precision: Literal["day", "month", "year"] = Field(
        "day", description="'month' for \"지난해 5월\" (start..end is the whole month), 'year' for \"2023년\""
    )
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.start is not None

    def overlaps(self, other: DateSpan) -> bool:
        if self.start is None or other.start is None:
            return False
        a_end = self.end or self.start
        b_end = other.end or other.start
        return self.start <= b_end and other.start <= a_end

    def display(self) -> str:
        if self.start is None:
            return f"not stated ({self.text})" if self.text else "not stated"
        if self.precision == "month":
            return self.start.strftime("%B %Y")
        if self.precision == "year":
            return str(self.start.year)
        if self.end and self.end != self.start:
            return f"{self.start.isoformat()} – {self.end.isoformat()}"
        return self.start.isoformat()


class Stop(_Model):
    leader_ko: str
    leader_en: str
    dates: DateSpan
    date_applies_to: Literal["stop", "trip"] = "stop"
    place_ko: str
    city: str | None = None
    region: str | None = None
    country: str | None = None
    organisations: list[str] = Field(default_factory=list)
    people_met: list[Person] = Field(default_factory=list)
    purposes: list[str] = Field(default_factory=list)
    status: StopStatus = "unknown"
    sources: list[SourceRef] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list)

    @property
    def place(self) -> str:
        parts = [p for p in (self.city, self.region, self.country) if p]
        return ", ".join(parts) if parts else self.place_ko


class Statement(_Model):
    speaker_ko: str
    speaker_en: str
    quote_ko: str
    quote_en: str
    topic: str
    speech: Literal["direct", "indirect"]
    verified: bool = Field(description="True when the Korean words were found in the source")
    sources: list[SourceRef] = Field(default_factory=list)


class Figure(_Model):
    text_ko: str
    value_en: str
    meaning: str
    verified: bool
    sources: list[SourceRef] = Field(default_factory=list)


class SourceInfo(_Model):
    """An article as cited in the briefing."""

    id: str
    path: str
    title: str | None
    outlet: str | None
    byline: str | None
    published: dt.date | None
    published_time: dt.time | None
    url: str | None


class MergedData(_Model):
    leaders: list[Leader]
    stops: list[Stop]
    statements: list[Statement]
    figures: list[Figure]
    sources: list[SourceInfo]
    warnings: list[str] = Field(default_factory=list)


class ChunkFailure(_Model):
    article_id: str
    path: str
    chunk_index: int
    kind: str
    detail: str


class RunStats(_Model):
    chunks: int = 0
    calls: int = 0
    cache_hits: int = 0
    retried: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    failures: list[ChunkFailure] = Field(default_factory=list)
    input_errors: list[str] = Field(default_factory=list)


class BriefingData(_Model):
    """All a template needs: the merged data, the synthesis and how they were made."""

    generated: dt.date
    model: str
    prompts: list[str]
    merged: MergedData
    synthesis: Synthesis | None
    stats: RunStats


class TranslatedParagraph(_Model):
    index: int
    start: int
    end: int
    ko: str
    en: str | None
    issues: list[str] = Field(default_factory=list)


class TranslatedArticle(_Model):
    id: str
    path: str
    meta: ArticleMeta
    title_en: str | None
    byline_en: str | None
    model: str
    prompt: str
    paragraphs: list[TranslatedParagraph]

    @property
    def issues(self) -> int:
        return sum(len(p.issues) for p in self.paragraphs)


# --- batch runs (briefing.batch) ----------------------------------------------------------------


class BatchRequest(_Model):
    """One line of a batch file, and where its answer goes: ``custom_id`` is the cache key."""

    custom_id: str
    article_pk: int
    chunk_index: int
    start: int
    end: int
    body: dict[str, object]


class BatchAnswer(_Model):
    """One line of a batch output or error file, validated: ``value`` or ``failure`` is set."""

    custom_id: str
    value: dict[str, object] | None = None
    failure: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
