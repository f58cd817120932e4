"""Translate: full Korean articles into English, paragraph for paragraph, checked in code.

Same ingest, LLM client, cache and prompt machinery as ``briefing run``. Chunks are whole
paragraphs, numbered in the prompt; the answer must give one English paragraph per number. After
translation, code enforces the glossary, checks that every Korean number reappears with the same
value, and that quotations stay quotations. What cannot be fixed is marked, never left silent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .backcheck import check_back, prefill, put_right
from .chunk import chunk_paragraphs
from .concurrency import map_ordered
from .errors import CallFailed
from .glossary import Entry, Glossary, romanise_name
from .llm import LLM, schema_hint
from .models import Article, Chunk, TranslatedArticle, TranslatedParagraph, TranslationX
from .numbers import format_value, missing_numbers
from .prompts import Prompt, RenderedPrompt, get_prompt

_KO_QUOTE = re.compile(r"[\"“”「」『』]")
_EN_QUOTE = re.compile(r"[\"“”]")


@dataclass
class _ChunkOut:
    chunk: Chunk
    title_en: str | None
    english: list[str | None]
    failure: str | None = None


def glossary_line(glossary: Glossary) -> str:
    return "; ".join(f"{e.ko} = {e.en}" for e in glossary.entries)


def _render(
    prompt: Prompt,
    article: Article,
    chunk: Chunk,
    paragraphs: list[str],
    glossary: Glossary,
    llm: LLM,
    with_title: bool,
) -> RenderedPrompt:
    # code does the model's hard part first: directory people already in their English forms
    cast = glossary.people_in(article.text)  # "조 사장" in a later paragraph is the article's 조주완
    numbered = "\n\n".join(f"[{i}] {prefill(p, glossary, cast)}" for i, p in enumerate(paragraphs, 1))
    after_start = chunk.end + 2
    after = article.text[after_start:].split("\n\n", 1)[0] if after_start < len(article.text) else ""
    return prompt.render(
        data=numbered,
        title=(article.meta.title or "") if with_title else "",
        before=chunk.context,
        after=after,
        paragraphs=numbered,
        glossary=glossary_line(glossary),
        schema_json=schema_hint(llm, TranslationX),
    )


def _aligned(answer: TranslationX, count: int) -> list[str] | None:
    numbers = [p.number for p in answer.paragraphs]
    if numbers != list(range(1, count + 1)) or any(not p.english.strip() for p in answer.paragraphs):
        return None
    return [p.english.strip() for p in answer.paragraphs]


def _translate_chunk(
    llm: LLM, prompt: Prompt, article: Article, chunk: Chunk, glossary: Glossary
) -> _ChunkOut:
    paragraphs = chunk.text.split("\n\n")
    with_title = chunk.index == 0
    try:
        answer = llm.complete(
            _render(prompt, article, chunk, paragraphs, glossary, llm, with_title), TranslationX
        )
    except CallFailed as e:
        return _ChunkOut(chunk, None, [None] * len(paragraphs), f"{e.kind}: {e.detail}")
    english = _aligned(answer.value, len(paragraphs))
    if english is not None:
        return _ChunkOut(chunk, answer.value.title_en, list(english))
    # Misaligned (paragraphs merged, split or skipped): translate one paragraph per request.
    singles: list[str | None] = []
    for para in paragraphs:
        one = chunk.model_copy(update={"text": para})
        try:
            single = llm.complete(_render(prompt, article, one, [para], glossary, llm, False), TranslationX)
        except CallFailed:
            singles.append(None)
            continue
        got = _aligned(single.value, 1)
        singles.append(got[0] if got else None)
    return _ChunkOut(chunk, answer.value.title_en, singles)


def check_paragraph(
    ko: str, en: str, glossary: Glossary, published: dt.date | None = None, cast: Sequence[Entry] = ()
) -> tuple[str, list[str]]:
    """Enforce the glossary, put wrong directory names right, and check both directions: what the
    Korean states must be in the English (names, numbers, quotations), and what the English states
    must come from the Korean (numbers, days, months, people). Returns the fixed text and the issues."""
    en, _ = glossary.enforce_terms(en)
    en, _changed = put_right(ko, en, glossary, cast)
    issues: list[str] = check_back(ko, en, glossary, published, cast)
    for entry in glossary.entries:
        if entry.ko in ko and entry.en.lower() not in en.lower():
            issues.append(f"glossary: {entry.ko} should read “{entry.en}”")
    for n in missing_numbers(ko, en):
        issues.append(f"number: {n.text} ({format_value(n.value)}) not found in the English")
    if _KO_QUOTE.search(ko) and not _EN_QUOTE.search(en):
        issues.append("quotation: the Korean has a quotation, the English has none")
    return en, issues


def translate_article(
    article: Article,
    llm: LLM,
    glossary: Glossary,
    budget: int,
    concurrency: int,
    on_chunk: Callable[[str], None] | None = None,
) -> TranslatedArticle:
    prompt = get_prompt("translate")
    article = article.body_only()  # the headline is translated on its own; captions are not body
    chunks = chunk_paragraphs(article, budget)

    def one(chunk: Chunk) -> _ChunkOut:
        out = _translate_chunk(llm, prompt, article, chunk, glossary)
        if on_chunk:
            on_chunk(f"{article.id} chunk {chunk.index}: {'failed' if out.failure else 'ok'}")
        return out

    outs = map_ordered(one, chunks, concurrency)
    cast = glossary.people_in(article.text)
    paragraphs: list[TranslatedParagraph] = []
    title_en = None
    for out in outs:
        title_en = title_en or out.title_en
        pos = out.chunk.start
        for ko, en in zip(out.chunk.text.split("\n\n"), out.english, strict=True):
            index = len(paragraphs)
            if en is None:
                reason = out.failure or "the model did not return this paragraph"
                paragraphs.append(
                    TranslatedParagraph(
                        index=index,
                        start=pos,
                        end=pos + len(ko),
                        ko=ko,
                        en=None,
                        issues=[f"not translated: {reason}"],
                    )
                )
            else:
                fixed, issues = check_paragraph(ko, en, glossary, article.meta.published, cast)
                paragraphs.append(
                    TranslatedParagraph(
                        index=index, start=pos, end=pos + len(ko), ko=ko, en=fixed, issues=issues
                    )
                )
            pos += len(ko) + 2
    if title_en:
        title_en, _ = glossary.enforce_terms(title_en)
    byline = article.meta.byline
    return TranslatedArticle(
        id=article.id,
        path=article.path,
        meta=article.meta,
        title_en=title_en,
        byline_en=f"{romanise_name(byline)} ({byline})" if byline else None,
        model=llm.model,
        prompt=f"{prompt.ref} (sha256 {prompt.sha256[:12]})",
        paragraphs=paragraphs,
    )


def render_translation(doc: TranslatedArticle, bilingual: bool = False) -> str:
    from .render import environment

    text: str = environment().get_template("translation.md.j2").render(doc=doc, bilingual=bilingual)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"
