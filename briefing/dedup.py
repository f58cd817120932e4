"""Stops of one visit merged, other visits kept apart: the rules for de-duplicating stops.

Two reports of the same visit with different dates are a conflict shown on both; two sites of one
city, one of them undated, stay two stops; the better date (known, stop-specific, narrower) wins.
"""

from __future__ import annotations

import re
import unicodedata

from .models import DateSpan, SourceRef, Stop

_STATUS_RANK = {"unknown": 0, "planned": 1, "done": 2}


def compact(text: str) -> str:
    """Text as compared for sameness: NFC, no whitespace, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).lower()


def ids(stop: Stop) -> str:
    return ", ".join(dict.fromkeys(s.article_id for s in stop.sources))


def extend(target: list[SourceRef], more: list[SourceRef]) -> None:
    for ref in more:
        if ref not in target:
            target.append(ref)


def same_visit(a: Stop, b: Stop) -> bool:
    """Different articles, the same place as written or organisation, dates within a week."""
    if {s.article_id for s in a.sources} & {s.article_id for s in b.sources}:
        return False
    same_site = compact(a.place_ko) == compact(b.place_ko) or bool(
        {compact(o) for o in a.organisations} & {compact(o) for o in b.organisations}
    )
    assert a.dates.start and b.dates.start
    return same_site and abs((a.dates.start - b.dates.start).days) <= 7


def other_site(a: Stop, b: Stop) -> bool:
    """Places written differently, neither inside the other, in one article: two sites."""
    x, y = compact(a.place_ko), compact(b.place_ko)
    same_article = {s.article_id for s in a.sources} & {s.article_id for s in b.sources}
    return bool(same_article) and x not in y and y not in x


def place_key(stop: Stop) -> str:
    return compact(stop.city) if stop.city else compact(stop.place_ko)


def better_dates(a: DateSpan, a_scope: str, b: DateSpan, b_scope: str) -> bool:
    """True when ``b`` is a better date for a stop than ``a``: known, stop-specific, narrower."""
    if not b.known:
        return False
    if not a.known:
        return True
    if a_scope != b_scope:
        return b_scope == "stop"
    return bool(b.start and b.end and a.start and a.end and (b.end - b.start) < (a.end - a.start))


def merge_stop(old: Stop, new: Stop) -> None:
    if better_dates(old.dates, old.date_applies_to, new.dates, new.date_applies_to):
        old.dates, old.date_applies_to = new.dates, new.date_applies_to
    for attr in ("city", "region", "country"):
        if getattr(old, attr) is None:
            setattr(old, attr, getattr(new, attr))
    old.organisations += [o for o in new.organisations if o not in old.organisations]
    seen = {p.name_ko for p in old.people_met}
    old.people_met += [p for p in new.people_met if p.name_ko not in seen]
    old.purposes += [p for p in new.purposes if p not in old.purposes]
    if _STATUS_RANK[new.status] > _STATUS_RANK[old.status]:
        old.status = new.status
    extend(old.sources, new.sources)
