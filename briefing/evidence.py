"""Where a fact stands in an article: the words' best place (body first), the mention of a stop
that names its traveller, and whether a name stands in prose as a person's (with a title nearby).

Pure functions of the article text, used by ``merge``.
"""

from __future__ import annotations

import re

from .attribution import names_person
from .glossary import ROLE
from .models import Article, SourceRef
from .verify import find_quote


def locate(article: Article, words: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """Where ``words`` stand in ``article.text[start:end]``: the first place in the body if there is
    one (a headline repeats the body's words), else the first place at all."""
    stop = len(article.text) if end is None else end
    first = None
    pos = start
    while pos < stop and (hit := find_quote(words, article.text[pos:stop])) is not None:
        span = (pos + hit[0], pos + hit[1])
        if article.section_at(span[0]) == "body":
            return span
        first = first or span
        pos = span[1]
    return first


def stop_evidence(
    article: Article, place_ko: str, traveller: str, english: list[str], found: tuple[int, int]
) -> tuple[int, int]:
    """The place's mention that says the traveller was there: a paragraph naming both, in the body
    if one does, else in a headline or caption ("오유성 … 퀸 크릭에서" only under a photo); failing
    that, the place in the body."""
    spans = []
    pos = 0
    while (hit := find_quote(place_ko, article.text[pos:])) is not None:
        spans.append((pos + hit[0], pos + hit[1]))
        pos += hit[1]
    text = article.text

    def paragraph(span: tuple[int, int]) -> str:
        end = text.find("\n\n", span[1])
        return text[text.rfind("\n\n", 0, span[0]) + 1 : end if end >= 0 else len(text)]

    named = [sp for sp in spans if names_person(paragraph(sp), traveller, english)]
    body = [sp for sp in spans if article.section_at(sp[0]) == "body"]
    for choice in ([sp for sp in named if sp in body], named, body):
        if choice:
            return choice[0]
    return found


def ref(article: Article, start: int, end: int) -> SourceRef:
    return SourceRef(article_id=article.id, start=start, end=end, section=article.section_at(start))


def titled(name_ko: str, text: str) -> bool:
    """Somewhere the name stands in prose with a title or role within a few words, not inside
    quoted JSON keys and values."""
    for m in re.finditer(re.escape(name_ko), text):
        after = re.split(r'["{}:]', text[m.end() : m.end() + 40], maxsplit=1)[0]
        after = re.sub(r"\[\d{6}\]|\([^)]{0,30}\)", "", after)[:24]  # stock codes, brackets
        before = re.split(r'["{}:]', text[max(0, m.start() - 15) : m.start()])[-1]
        if ROLE.search(after) or ROLE.search(before):
            return True
    return False
