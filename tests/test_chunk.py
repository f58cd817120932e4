"""Chunking: sentence-aware, quotes whole, offsets that slice back to the text."""

from __future__ import annotations

import pytest
from conftest import SEEDS

from briefing.chunk import chunk_article, estimate_tokens, split_sentences
from briefing.readers import load_articles


@pytest.fixture(scope="module")
def seeds() -> list:  # type: ignore[type-arg]
    articles, _ = load_articles([SEEDS])
    return articles


@pytest.mark.parametrize("budget", [60, 120, 300, 800, 5000])
def test_offsets_slice_back_to_chunk_text(seeds: list, budget: int) -> None:  # type: ignore[type-arg]
    for article in seeds:
        chunks = chunk_article(article, budget)
        for c in chunks:
            assert article.text[c.start : c.end] == c.text
        # every sentence is in exactly one chunk, in order, nothing lost
        joined = "".join(c.text for c in chunks).replace("\n", "").replace(" ", "")
        assert joined == article.text.replace("\n", "").replace(" ", "")


def test_chunks_respect_the_budget_unless_one_sentence_is_bigger(seeds: list) -> None:  # type: ignore[type-arg]
    for article in seeds:
        for c in chunk_article(article, 300):
            single = len(split_sentences(c.text)) == 1
            assert c.tokens <= 300 or single


def test_korean_sentence_ends_and_quotes_kept_whole() -> None:
    text = '구 회장은 "AI는 중요하다. 빠르게 가자"라고 말했다. 이어 토론토로 이동했다.'
    spans = split_sentences(text)
    sentences = [text[s.start : s.end] for s in spans]
    assert sentences == ['구 회장은 "AI는 중요하다. 빠르게 가자"라고 말했다.', "이어 토론토로 이동했다."]


def test_curly_quotes_and_numbers_do_not_split() -> None:
    text = "그는 “가전 No.1을 넘어선다. 도약한다”고 말했다. 2.5% 성장했다."
    sentences = [text[s.start : s.end] for s in split_sentences(text)]
    assert sentences == ["그는 “가전 No.1을 넘어선다. 도약한다”고 말했다.", "2.5% 성장했다."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a title or an initial never ends a sentence, "U.S." does not before a lower-case word
            "In May, he visited the company's U.S. plants. Mr. Kwon met J. Smith there. He left.",
            ["In May, he visited the company's U.S. plants.", "Mr. Kwon met J. Smith there.", "He left."],
        ),
        (  # "U.S." ends one before an opener or a Korean word
            "The plant is in the U.S. The company said so. He went to the U.S. 구 회장은 말했다.",
            ["The plant is in the U.S.", "The company said so.", "He went to the U.S.", "구 회장은 말했다."],
        ),
    ],
)
def test_abbreviations_and_initials_at_a_sentence_end(text: str, expected: list[str]) -> None:
    assert [text[s.start : s.end] for s in split_sentences(text)] == expected


def test_chunks_prefer_paragraph_boundaries(seeds: list) -> None:  # type: ignore[type-arg]
    article = seeds[0]
    for c in chunk_article(article, 800)[:-1]:
        assert article.text[c.end : c.end + 2] == "\n\n"


def test_context_is_the_text_just_before(seeds: list) -> None:  # type: ignore[type-arg]
    article = seeds[0]
    chunks = chunk_article(article, 300, context_tokens=80)
    assert chunks[0].context == ""
    for c in chunks[1:]:
        assert c.context and article.text[: c.start].rstrip().endswith(c.context)
        assert estimate_tokens(c.context) <= 80


def test_one_huge_line_is_split(seeds: list) -> None:  # type: ignore[type-arg]
    article = seeds[0].model_copy(update={"text": "가나다 " * 20000})
    chunks = chunk_article(article, 500)
    assert len(chunks) > 10
    assert all(article.text[c.start : c.end] == c.text for c in chunks)
    assert all(c.tokens <= 1000 for c in chunks)


def test_token_estimate_counts_hangul_per_syllable() -> None:
    assert estimate_tokens("가나다") == 3
    assert estimate_tokens("abcdef") == 2
    assert estimate_tokens("") == 0
