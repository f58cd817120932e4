"""Verify in code what the model claims: quotes are found in the source (dates: ``dates``).

Pure functions of the source text, tested as code.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# --- quotes -------------------------------------------------------------------------------------

_QUOTE_MARKS = "\"'“”‘’「」『』«»`"
_REPORTING_VERB = re.compile(  # the last link + verb at the very end (greedy prefix)
    r"(?<=.)(?:이라고|라고|고|이라며|라며|며|면서)(?!.*(?:이라고|라고|고|이라며|라며|며|면서)(?:말|밝|강조|당부|설명))"
    r"(?:말|밝|강조|당부|설명|덧붙|전|언급|역설|주문|기대|했|하|답|말씀|발표|약속|다짐|주장)[가-힣]*$"
)
_TRAILING_LINK = re.compile(r"(?:이라며|라며|이라고|라고|며|면서)$")


def _fold(c: str) -> str:
    return {"…": "...", "·": "·", "－": "-", "～": "~"}.get(c, c)


@functools.lru_cache(maxsize=32)
def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """NFC text without whitespace and quote marks, with each kept char's original index."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    index: list[int] = []
    for i, c in enumerate(text):
        if c.isspace() or c in _QUOTE_MARKS:
            continue
        for piece in _fold(c):
            out.append(piece)
            index.append(i)
    return "".join(out), index


def _quote_variants(quote: str) -> list[str]:
    """The quote as given, and without a trailing reporting verb the model may have kept.

    The stripped form goes first only when a closing quotation mark stands before the verb
    ("…"라고 말했다); otherwise the full words are tried first, so that a quote which merely ends
    in 고/며 plus a verb-like syllable ("…제고하겠다") is never cut mid-word.
    """
    norm, _ = _normalise_with_map(quote)
    norm = norm.rstrip(".")
    stripped = _REPORTING_VERB.sub("", norm).rstrip(".")
    stripped = _TRAILING_LINK.sub("", stripped)
    if not stripped or stripped == norm:
        return [norm]
    marked = re.search(
        r"[\"”’'」』]\s*(?:이라고|라고|고|이라며|라며|며|면서)[가-힣\s]*\.?\s*$", quote.strip()
    )
    if marked:  # cut exactly at the closing quotation mark
        inner, _ = _normalise_with_map(quote.strip()[: marked.start()])
        return [inner, norm]
    return [norm, stripped]


def find_quote(quote: str, source: str) -> tuple[int, int] | None:
    """Span of ``quote`` in ``source``, ignoring whitespace and quote marks (NFC).

    A trailing reporting verb the model kept ("…라고 말했다") is tolerated. Returns None when the
    words are not in the source: such a "quote" must not be presented as one.
    """
    if len(quote.strip()) < 2:
        return None
    hay, index = _normalise_with_map(source)
    spans = []
    for needle in _quote_variants(quote):
        pos = hay.find(needle) if len(needle) >= 2 else -1
        if pos >= 0:
            spans.append((index[pos], index[pos + len(needle) - 1] + 1))
    if not spans:
        return None
    # Found both with and without a reporting verb: where the shorter one ends at a closing
    # quotation mark in the source, the verb is outside the quote.
    for start, end in sorted(spans, key=lambda sp: sp[1] - sp[0]):
        if source[end : end + 1] in _QUOTE_MARKS and source[end : end + 1] != "":
            return start, end
    return spans[0]
