"""Ingest: strip boilerplate from scraped pages, find metadata, assemble the text the pipeline reads.

- ``furniture``: line patterns for site chrome, credits, captions, footers and datelines;
- ``clean``: ``clean_page`` (page text → metadata and blocks) and ``build_article``.
"""

from .clean import CleanResult, assemble, build_article, clean_page, find_outlet, normalise_line, outlets

__all__ = [
    "CleanResult",
    "assemble",
    "build_article",
    "clean_page",
    "find_outlet",
    "normalise_line",
    "outlets",
]
