"""Ingest: strip boilerplate from scraped pages, drop repeated bodies, find metadata.

Pure: ``clean_page`` takes page text and returns paragraphs and metadata; ``build_article`` merges
metadata supplied from outside (sidecar, record, HTML meta tags, ``--published``). Reading files,
decoding and the input formats live in ``readers``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from ..errors import InputError
from ..models import Article, ArticleMeta, Section, SectionKind
from . import furniture

_DATE_DOTS = re.compile(
    r"(\d{4})\s*[.\-/년]\s*(\d{1,2})\s*[.\-/월]\s*(\d{1,2})\s*[.일]?\s*(?:(\d{1,2}):(\d{2}))?"
)


@dataclass
class CleanResult:
    """A cleaned page: metadata and its blocks in page order (``body``, ``subtitle``, ``caption``)."""

    meta: ArticleMeta
    blocks: list[tuple[SectionKind, str]]
    notes: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        """The body paragraphs only (no headline, sub-headlines or captions)."""
        return [text for kind, text in self.blocks if kind == "body"]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@cache
def outlets() -> tuple[dict[str, str], dict[str, str]]:
    """Korean outlet name → English, and web domain → Korean outlet name."""
    data = json.loads(resources.files("briefing").joinpath("data/outlets.json").read_text("utf-8"))
    return dict(data["names"]), dict(data["domains"])


def normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\ufeff", "").replace("\u00a0", " ").replace("\x00", "")
    line = line.replace("\u200b", "")
    return re.sub(r"\s+", " ", line).strip()


def find_outlet(text: str) -> tuple[str, str] | None:
    """The first known outlet (Korean, English) named in ``text``, by name or by domain."""
    names, domains = outlets()
    for ko, en in names.items():
        if ko in text:
            return ko, en
    for domain, ko in domains.items():
        if domain in text:
            return ko, names.get(ko, ko)
    return None


def parse_page_date(line: str) -> tuple[dt.date, dt.time | None] | None:
    m = _DATE_DOTS.search(line)
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    try:
        date = dt.date(year, month, day)
        time = dt.time(int(m[4]), int(m[5])) if m[4] else None
    except ValueError:
        return None
    return date, time


def _drop_footers(lines: list[str], meta: ArticleMeta, stats: Counter[str]) -> list[str]:
    """Remove copyright lines and footer blocks wherever they stand, keeping the prose after them.

    A copyright or credit line is dropped alone. A footer block (a poll, "related articles", a
    headline list) runs until article prose resumes; headline lists never end in a finished sentence.
    """
    kept: list[str] = []
    in_footer = False
    for line in lines:
        if furniture.is_copyright(line):
            if meta.outlet is None and (found := find_outlet(line)):
                meta.outlet_ko, meta.outlet = found
            stats["copyright"] += 1
            continue
        if furniture.is_footer_start(line):
            in_footer = True
            stats["footer"] += 1
            continue
        if in_footer:
            if not furniture.is_prose(line) or furniture.BULLET.match(line):
                stats["footer"] += 1
                continue
            in_footer = False
        kept.append(line)
    return kept


def clean_page(raw: str) -> CleanResult:
    """Split a scraped page into metadata and blocks (body, sub-headlines, captions); drop furniture."""
    notes: list[str] = []
    meta = ArticleMeta()
    stats: Counter[str] = Counter()
    lines = [normalise_line(x) for x in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = _drop_footers([furniture.strip_tail(x) for x in lines if x], meta, stats)

    blocks: list[tuple[SectionKind, str]] = []
    in_body = False
    for line in lines:
        date = parse_page_date(line) if len(line) <= 60 and not in_body else None
        if date and meta.published is None:
            meta.published, meta.published_time = date
            meta.published_from = "page"
            name = _DATE_DOTS.sub("", line)
            name = re.sub(r"(입력|수정|등록|승인|기사입력|발행|업데이트)\s*:?", "", name).strip(" |·:")
            if 2 <= len(name) <= 12 and furniture.HANGUL.search(name) and meta.byline is None:
                meta.byline = re.sub(r"\s*기자$", "", name)
            continue
        if (reporter := furniture.byline_of(line)) is not None or furniture.EMAIL_ONLY.match(line):
            if reporter and meta.byline is None:
                meta.byline = reporter
            stats["byline"] += 1
            continue
        if furniture.WIDGET.match(line) or (not in_body and furniture.is_menu(line)):
            stats["menu"] += 1
            continue
        if furniture.BULLET.match(line) and not furniture.is_sentence(furniture.BULLET.sub("", line)):
            stats["list"] += 1
            continue
        if furniture.is_caption(line):
            caption = furniture.strip_credit(line)
            if len(caption) >= 8:
                blocks.append(("caption", caption))
            stats["caption"] += 1
            continue
        line = furniture.strip_credit(line)
        if in_body:
            blocks.append(("body", line))
        elif furniture.is_prose(line) or (len(line) >= 80 and furniture.HANGUL.search(line)):
            # the body starts with a finished sentence: a sub-headline may end in "중요"" but not "다.";
            # an English sub-headline is a long line without a full stop
            in_body = True
            blocks.append(("body", line))
        elif meta.title is None:
            if len(line) >= 12 and (furniture.HANGUL.search(line) or len(line.split()) >= 4):
                meta.title = line
            else:
                stats["menu"] += 1
        else:
            blocks.append(("subtitle", line))
    blocks = _strip_dateline(blocks, meta, stats)
    for kind, count in stats.items():
        notes.append(f"dropped {count} {kind} line(s)" if kind != "caption" else f"kept {count} caption(s)")

    if meta.outlet is None and (found := find_outlet("\n".join(lines[:3]) + raw[-400:])):
        meta.outlet_ko, meta.outlet = found

    seen: set[str] = set()
    unique: list[tuple[SectionKind, str]] = []
    repeats = 0
    for kind, para in blocks:
        key = re.sub(r"\s+", "", para)
        if key in seen:
            repeats += kind == "body"
            continue
        seen.add(key)
        unique.append((kind, para))
    if repeats:
        notes.append(f"dropped {repeats} repeated paragraph(s)")
    meta.subtitles = [text for kind, text in unique if kind == "subtitle"]
    return CleanResult(meta=meta, blocks=unique, notes=notes)


def _strip_dateline(
    blocks: list[tuple[SectionKind, str]], meta: ArticleMeta, stats: Counter[str]
) -> list[tuple[SectionKind, str]]:
    """Take the dateline off the first body paragraph ("(서울=뉴스1) 박기호 기자 = …")."""
    for i, (kind, text) in enumerate(blocks):
        if kind != "body":
            continue
        found = furniture.dateline(text)
        if found is not None:
            meta.dateline = found.place or None
            meta.byline = meta.byline or found.byline
            blocks = [*blocks[:i], (kind, text[found.prefix_length :].lstrip()), *blocks[i + 1 :]]
            stats["dateline"] += 1
        break
    return blocks


def assemble(title: str | None, blocks: list[tuple[SectionKind, str]]) -> tuple[str, list[Section]]:
    """The article text the pipeline reads: headline, sub-headlines, then the page's blocks in order.

    Captions stay where the page had them; every block that is not body is a ``Section``, so a fact
    found only in a headline or a caption can say so.
    """
    ordered: list[tuple[SectionKind, str]] = [("headline", title)] if title else []
    ordered += [b for b in blocks if b[0] == "subtitle"]
    ordered += [b for b in blocks if b[0] != "subtitle"]
    parts: list[str] = []
    sections: list[Section] = []
    pos = 0
    for kind, text in ordered:
        if kind != "body":
            sections.append(Section(kind=kind, start=pos, end=pos + len(text)))
        parts.append(text)
        pos += len(text) + 2
    return "\n\n".join(parts), sections


def build_article(
    article_id: str,
    path: str,
    raw: str,
    supplied: ArticleMeta | None = None,
    published: dt.date | None = None,
) -> Article:
    """Clean ``raw`` and merge metadata: page < ``supplied`` (sidecar, record) < ``published`` flag."""
    result = clean_page(raw)
    if not result.paragraphs:
        raise InputError(path, "no article body found after cleaning; is this a news article?")
    meta = result.meta
    blocks = result.blocks
    if supplied is not None:
        for key in ("title", "url", "byline"):
            if (value := getattr(supplied, key)) is not None:
                setattr(meta, key, value)
        if supplied.subtitles:
            meta.subtitles = supplied.subtitles
            blocks = [b for b in blocks if b[0] != "subtitle"] + [("subtitle", x) for x in supplied.subtitles]
        if supplied.outlet is not None:
            found = find_outlet(supplied.outlet)
            meta.outlet_ko, meta.outlet = found if found else (None, supplied.outlet)
        if supplied.published is not None:
            meta.published, meta.published_time = supplied.published, supplied.published_time
            meta.published_from = supplied.published_from or "sidecar"
    if published is not None:
        meta.published, meta.published_time, meta.published_from = published, None, "flag"
    notes = list(result.notes)
    if meta.published is None:
        notes.append("publication date unknown: relative dates stay unresolved")
    title = normalise_line(meta.title) if meta.title else None
    if title:  # the headline also stands as a block (the page's own title line): once, as the headline
        key = re.sub(r"\s+", "", title)
        blocks = [b for b in blocks if re.sub(r"\s+", "", b[1]) != key]
    text, sections = assemble(title, blocks)
    return Article(
        id=article_id,
        path=path,
        meta=meta,
        text=text,
        sections=sections,
        content_hash=hashlib.sha256(result.text.encode()).hexdigest(),
        notes=notes,
    )
