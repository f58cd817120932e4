"""Chunk: sentence-aware, paragraph-preferring packing of an article into a token budget.

Token counts are an *estimate*, not a tokenizer: tiktoken fetches its data files on first use and
fails offline, and no tokenizer ships for every model we may call. The estimate counts one token
per Hangul syllable and one per three other non-space characters, which runs at or above what
cl100k/o200k and Qwen2.5's tokenizer produce for Korean news prose (see docs/benchmarks.md), so
a budget is rarely exceeded in practice.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .models import Article, Chunk

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3130-\u318f]")
_SPACE = re.compile(r"\s")
_OPEN = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "(": ")"}
_ENDERS = ".!?。"
# A period that ends a title or an initial, never a sentence ("Mr. Koo", "J. Smith").
_ABBREVIATION = re.compile(r"(?<![A-Za-z.])(?:Mr|Ms|Mrs|Dr|St|Gov|Sen|Rep|Gen|Lt|vs|[A-Z])\.$")
# An abbreviation that may also end a sentence: it does when a Korean word or an opener follows.
_ABBREVIATION_END = re.compile(r"(?<![A-Za-z])(?:U\.S|U\.K|U\.N|E\.U|Inc|Corp|Co|Ltd|Jr|a\.m|p\.m)\.$")
_OPENER = re.compile(
    r"\s+(?:[가-힣]|(?:The|He|She|It|They|We|I|In|On|At|But|And|This|That|These|Those|His|Her|Its|Their)\b)"
)


def estimate_tokens(text: str) -> int:
    hangul = len(_HANGUL.findall(text))
    spaces = len(_SPACE.findall(text))
    return hangul + math.ceil((len(text) - spaces - hangul) / 3)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    paragraph_end: bool


def _not_an_end(text: str, i: int) -> bool:
    """The period at ``i`` ends an abbreviation, not the sentence ("Mr. Koo", "the U.S. plant";
    but "… in the U.S. The company said" ends there)."""
    if _ABBREVIATION.search(text, max(0, i - 6), i + 1):
        return True
    return bool(_ABBREVIATION_END.search(text, max(0, i - 6), i + 1)) and not _OPENER.match(text, i + 1)


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentence spans of one paragraph. Quoted speech is never split, whatever it contains."""
    spans: list[Span] = []
    stack: list[str] = []
    straight_open = False
    start = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            straight_open = not straight_open
        elif c in _OPEN:
            stack.append(_OPEN[c])
        elif stack and c == stack[-1]:
            stack.pop()
        elif c in _ENDERS and not stack and not straight_open and not _not_an_end(text, i):
            j = i + 1
            while j < n and text[j] in _ENDERS + "\"'”’)":
                j += 1
            if j >= n or text[j].isspace():
                spans.append(Span(offset + start, offset + j, False))
                while j < n and text[j].isspace():
                    j += 1
                start = j
                i = j
                continue
        i += 1
    if start < n:
        end = n
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append(Span(offset + start, offset + end, False))
    if spans:
        last = spans[-1]
        spans[-1] = Span(last.start, last.end, True)
    return spans


def _hard_split(text: str, span: Span, budget: int) -> list[Span]:
    """Cut an over-long unit (a 100 KB line with no sentence end) into pieces within the budget,
    at whitespace where there is some."""
    pieces: list[Span] = []
    start = span.start
    while start < span.end:
        end, step = start, max(1, budget)
        while step >= 1:  # grow by halving steps: the largest end still within the budget
            if end + step <= span.end and estimate_tokens(text[start : end + step]) <= budget:
                end += step
            else:
                step //= 2
        end = max(end, start + 1)
        if end < span.end:
            cut = text.rfind(" ", start + 1, end)
            end = cut if cut > start + (end - start) // 2 else end
        pieces.append(Span(start, end, end >= span.end and span.paragraph_end))
        start = end
        while start < span.end and text[start].isspace():
            start += 1
    return pieces


def sentence_spans(text: str, budget: int) -> list[Span]:
    spans: list[Span] = []
    pos = 0
    for para in text.split("\n\n"):
        for span in split_sentences(para, pos):
            # (a span of n characters is at most n tokens: only long ones need counting)
            if (
                span.end - span.start > 2 * budget
                and estimate_tokens(text[span.start : span.end]) > 2 * budget
            ):
                spans.extend(_hard_split(text, span, budget))
            else:
                spans.append(span)
        pos += len(para) + 2
    return spans


def _chunk(article: Article, index: int, start: int, end: int, context: str) -> Chunk:
    text = article.text[start:end]
    return Chunk(
        article_id=article.id, index=index, start=start, end=end, text=text, context=context,
        tokens=estimate_tokens(text),
    )  # fmt: skip


def chunk_article(article: Article, budget: int = 800, context_tokens: int = 60) -> list[Chunk]:
    """Pack sentences into chunks of at most ``budget`` estimated tokens.

    A chunk prefers to end at a paragraph boundary when one lies past half the budget. Each chunk
    carries up to ``context_tokens`` of the preceding text as read-only context.
    """
    if budget < 50:
        raise ValueError("chunk budget must be at least 50 tokens")
    text = article.text
    spans = sentence_spans(text, budget)
    # Token counts per sentence, summed: re-estimating the growing chunk would be quadratic.
    cost = [estimate_tokens(text[s.start : s.end]) for s in spans]
    groups: list[list[int]] = []
    current: list[int] = []
    total = 0
    for i in range(len(spans)):
        if current and total + cost[i] > budget:
            cut = len(current)
            for k in range(len(current) - 1, 0, -1):
                if spans[current[k - 1]].paragraph_end:
                    if sum(cost[j] for j in current[:k]) >= budget // 2:
                        cut = k
                    break
            groups.append(current[:cut])
            current = current[cut:]
            total = sum(cost[j] for j in current)
        current.append(i)
        total += cost[i]
    if current:
        groups.append(current)

    chunks: list[Chunk] = []
    for index, group in enumerate(groups):
        start, end = spans[group[0]].start, spans[group[-1]].end
        chunk = _chunk(article, index, start, end, _context_before(text, spans, start, context_tokens))
        if start > 0:  # who "조 사장" is: the opening names people in full
            chunk = chunk.model_copy(update={"lead": text[: min(start, _LEAD)]})
        chunks.append(chunk)
    return chunks


_LEAD = 600  # characters of the article's opening a later chunk carries


def _context_before(text: str, spans: list[Span], start: int, tokens: int) -> str:
    if tokens <= 0:
        return ""
    before = [s for s in spans if s.end <= start]
    picked: list[Span] = []
    for span in reversed(before):
        if estimate_tokens(text[span.start : start]) > tokens:
            break
        picked.insert(0, span)
    if picked:
        return text[picked[0].start : picked[-1].end]
    if not before:
        return ""
    # The previous sentence alone is longer than the window: give its tail, from a word start.
    last = before[-1]
    begin = last.end
    while begin > last.start and estimate_tokens(text[begin - 1 : last.end]) <= tokens:
        begin -= 1
    space = text.find(" ", begin, last.end)
    return text[space + 1 : last.end] if space >= 0 else text[begin : last.end]


def chunk_paragraphs(article: Article, budget: int = 800) -> list[Chunk]:
    """Whole paragraphs packed into ``budget``: a paragraph is never split (translation keeps one
    English paragraph per Korean one). ``context`` holds the paragraph before the chunk."""
    paragraphs: list[tuple[int, int]] = []
    pos = 0
    for para in article.text.split("\n\n"):
        paragraphs.append((pos, pos + len(para)))
        pos += len(para) + 2
    groups: list[list[tuple[int, int]]] = []
    for span in paragraphs:
        if groups and estimate_tokens(article.text[groups[-1][0][0] : span[1]]) <= budget:
            groups[-1].append(span)
        else:
            groups.append([span])
    chunks = []
    for index, group in enumerate(groups):
        start, end = group[0][0], group[-1][1]
        before = [p for p in paragraphs if p[1] <= start]
        context = article.text[before[-1][0] : before[-1][1]] if before else ""
        chunks.append(_chunk(article, index, start, end, context))
    return chunks
