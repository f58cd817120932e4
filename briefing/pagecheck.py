"""What a rendered briefing must never show, checked on the page itself: Hangul outside the places
where Korean belongs, and a phrase said twice in one cell (a model loop). Used by the local-model
benchmark and by the tests of a strong model's recorded answers.
"""

from __future__ import annotations

import re

_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def hangul_outside_allowed(page: str) -> list[str]:
    """Lines of the briefing with Hangul that is not a Korean original (a quote's 원문 line, the key
    figures' Original column), a source line, a name's Korean form in parentheses, or the method
    and warnings at the end."""
    body = page.split("## Sources")[0]
    out = []
    original: int | None = None  # the "Original" column of a table (the key figures as written)
    for line in body.splitlines():
        if "원문:" in line:
            continue
        cells = line.split("|")
        names = [c.strip() for c in cells]
        if not line.startswith("|"):
            original = None
        elif "Original" in names:
            original = names.index("Original")
        elif original is not None and len(cells) > original:
            line = "|".join(c for i, c in enumerate(cells) if i != original)
        line = re.sub(r"\([^()]*[\uac00-\ud7a3][^()]*\)", "", line)
        if _HANGUL.search(line):
            out.append(line.strip())
    return out


def repeated_phrases(page: str) -> list[str]:
    """A phrase of four or more words said twice in one table cell or line."""
    found = []
    for line in page.splitlines():
        for cell in line.split("|"):
            words = cell.split()
            grams = [" ".join(words[i : i + 4]) for i in range(len(words) - 3)]
            if len(grams) != len(set(grams)):
                found.append(cell.strip())
    return found
