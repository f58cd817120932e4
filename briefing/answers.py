"""What the model answers for one chunk under ``extract@4``: pointers, not copies.

The chunk is shown with numbered sentences (``S1``...) and numbered quotations (``Q1``...). The
model answers which sentence states a visit, which quotation or sentence holds a leader's words,
and the few English words only it can write; code cuts the verbatim Korean from the cited
sentences (``briefing/pointing.py``). Keys are short because every output token costs time on the
local model and money on a paid one. The length bounds are sent only to grammar-constrained
servers (``response_schema(bounded=...)``); validation here is lenient on purpose: a long purpose or
a Korean word in an English field is repaired by code, not a reason to fail the chunk.

A leaf module, like ``models.py``: it imports no stage.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# No string patterns: with any "pattern" in the schema this llama.cpp build drops the whole
# grammar without a word (measured: duplicate keys, then a loop until max_tokens), so Korean in an
# English field is caught by code instead: one re-ask, then a repair in merge. Lengths and enums hold.
Topic = Literal[
    "AI", "batteries", "biotech", "talent", "customers", "sustainability", "partnerships",
    "technology", "markets", "growth", "leadership", "general",
]  # fmt: skip


def _english(limit: int) -> Any:
    return {"maxLength": limit}


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PersonP(_Answer):
    k: str = Field(description="The person's name as written", json_schema_extra={"maxLength": 24})
    r: str | None = Field(description="Their role in English", json_schema_extra=_english(60))


class StopP(_Answer):
    l: str = Field(description="Korean name of the LG leader who went", json_schema_extra={"maxLength": 24})  # noqa: E741
    p: str = Field(
        description="The place in English: city, or region or country", json_schema_extra=_english(40)
    )
    at: int = Field(
        description="Number of the sentence that states the visit",
        json_schema_extra={"minimum": 1, "maximum": 199},
    )
    d: int | None = Field(
        description="Number of the sentence with its date words, or null",
        json_schema_extra={"minimum": 1, "maximum": 199},
    )
    a: Literal["stop", "trip"] = Field(description="'trip' if those date words cover the whole trip")
    st: Literal["done", "planned", "unknown"] = Field(description="done, or planned if still to come")
    o: str | None = Field(
        description="Organisation, site or event there, in English", json_schema_extra=_english(80)
    )
    m: list[PersonP] = Field(description="People met there", json_schema_extra={"maxItems": 4})
    w: str | None = Field(description="Purpose, a short English phrase", json_schema_extra=_english(80))


class StatementP(_Answer):
    l: str = Field(  # noqa: E741
        description="Korean name of the LG leader who said it", json_schema_extra={"maxLength": 24}
    )
    at: str = Field(
        description="Q number of the quotation, or S number for reported speech",
        json_schema_extra={"maxLength": 4},
    )
    en: str = Field(
        description="A faithful English rendering of those words", json_schema_extra=_english(240)
    )
    tp: Topic = Field(description="Topic")


class FigureP(_Answer):
    at: int = Field(
        description="Number of the sentence with the figure", json_schema_extra={"minimum": 1, "maximum": 199}
    )
    v: str = Field(
        description="The figure in English, digits, e.g. 700 billion hours", json_schema_extra=_english(40)
    )
    m: str = Field(description="What it measures, in English", json_schema_extra=_english(80))


class ChunkPoints(_Answer):
    """The model's answer for one chunk: stops, statements and figures, by pointer. Leaders are
    not asked for (``extract@4``): code finds them with the directory and their titles."""

    # bounds for grammar-constrained (local) servers only: code finds stops and quotes itself, so
    # a small model's long lists cost generation time for little (measured: 2,986 completion
    # tokens on the seeds with 5/6/3, most of them renderings code then rejected)
    S: list[StopP] = Field(json_schema_extra={"maxItems": 4})
    Q: list[StatementP] = Field(json_schema_extra={"maxItems": 4})
    F: list[FigureP] = Field(json_schema_extra={"maxItems": 2})
