"""What the page shows in English columns is guaranteed by code, whatever the model answered.

- no Hangul: Korean terms the directory, the glossary or the gazetteer know become their English
  forms; a field with Korean left in it is not shown (``None``), never shown half-translated;
- no model loop: a phrase repeated in a field is kept once ("AI, AI, business, AI" → "AI, business");
- topics come from a small fixed vocabulary, so a statement section is never a made-up heading.
"""

from __future__ import annotations

import re

from .glossary import Glossary
from .places import Gazetteer

_HANGUL = re.compile(r"[가-힣]")
TOPICS: dict[str, tuple[str, ...]] = {
    "AI": ("ai", "artificial intelligence", "game changer", "game-changer", "digital", "data", "software"),
    "batteries": ("battery", "batteries", "cell", "cathode", "ev ", "electric vehicle", "energy storage"),
    "biotech": ("bio", "drug", "pharma", "medicine", "oncology", "health"),
    "talent": ("talent", "hiring", "recruit", "people", "employees", "researchers"),
    "customers": ("customer", "consumer", "experience", "user"),
    "sustainability": ("carbon", "esg", "climate", "green", "sustainab", "net zero"),
    "partnerships": ("partner", "cooperation", "collaborat", "alliance", "joint venture"),
    "technology": ("technolog", "r&d", "research", "innovation", "display", "semiconductor", "telecom", "6g"),
    "markets": ("market", "china", "india", "global", "export", "trade", "tariff", "competition"),
    "growth": ("growth", "strategy", "future", "vision", "investment", "portfolio", "business"),
    "leadership": ("leadership", "management", "culture", "crisis", "challenge", "execution"),
}


def no_repeats(text: str) -> str:
    """Each comma- or semicolon-separated phrase once, in first order."""
    parts = [p.strip() for p in re.split(r"\s*[,;]\s*", text) if p.strip()]
    if len(parts) < 2:
        return text.strip()
    seen: dict[str, str] = {}
    for p in parts:
        seen.setdefault(p.lower(), p)
    return ", ".join(seen.values())


def topic(model_topic: str) -> str:
    """The vocabulary topic the model's words name first; "general" when none."""
    words = f" {model_topic.lower()} "
    hits = [(words.find(k), name) for name, keys in TOPICS.items() for k in keys if k in words]
    return min(hits)[1] if hits else "general"


def english(text: str | None, glossary: Glossary, gazetteer: Gazetteer) -> str | None:
    """``text`` with known Korean terms in English and no phrase twice; None if Korean is left."""
    if text is None or not text.strip():
        return None
    if _HANGUL.search(text):
        for entry in sorted(glossary.entries, key=lambda e: -len(e.ko)):
            if entry.ko in text:
                text = text.replace(entry.ko, entry.en)
        for word in sorted(set(re.findall(r"[가-힣]+", text)), key=len, reverse=True):
            if (place := gazetteer.exact(word)) is not None:
                text = text.replace(word, place.name)
    if _HANGUL.search(text):
        return None
    return no_repeats(text)
