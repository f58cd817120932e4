"""The store's schema: ``MIGRATIONS[n]`` takes a file from version n to n+1 (``PRAGMA user_version``)."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 0 -> 1: articles, extractions, syntheses
    """
    CREATE TABLE articles (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        path TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        url TEXT,
        published TEXT,
        meta_json TEXT NOT NULL,
        text TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
    CREATE TABLE extractions (
        article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
        prompt TEXT NOT NULL,
        prompt_sha256 TEXT NOT NULL,
        model TEXT NOT NULL,
        chunks_json TEXT NOT NULL,
        failures_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (article_pk, prompt, prompt_sha256, model)
    );
    CREATE TABLE syntheses (
        facts_sha256 TEXT NOT NULL,
        prompt TEXT NOT NULL,
        model TEXT NOT NULL,
        value_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (facts_sha256, prompt)
    );
    """,
]
MIGRATIONS.append(
    # 1 -> 2: which parts of an article's text are headline, sub-headline or caption
    "ALTER TABLE articles ADD COLUMN sections_json TEXT NOT NULL DEFAULT '[]';"
)
MIGRATIONS.append(
    # 2 -> 3: what `briefing collect` fetched (conditional requests, pages seen) and when a weekly
    # briefing was last rendered (`weekly --since-last`). Collected articles keep their canonical URL
    # in the existing `url` column (unique), so no new article column is needed.
    """
    CREATE TABLE fetches (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        status TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    CREATE TABLE briefings (
        pk INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        since TEXT NOT NULL,
        until TEXT NOT NULL,
        upto_pk INTEGER NOT NULL,
        rendered_at TEXT NOT NULL
    );
    CREATE INDEX articles_added_at ON articles(added_at);
    """
)
# 3 -> 4: batch jobs and their requests (`briefing batch`)
BATCH_MIGRATION = """
CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    input_file_id TEXT,
    state TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    counts_json TEXT NOT NULL DEFAULT '{}',
    output_file_id TEXT,
    error_file_id TEXT,
    collected INTEGER NOT NULL DEFAULT 0,
    path TEXT NOT NULL DEFAULT ''
);
CREATE TABLE batch_requests (
    custom_id TEXT PRIMARY KEY,
    batch_id TEXT NOT NULL,
    article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
    chunk_index INTEGER NOT NULL,
    chunk_start INTEGER NOT NULL,
    chunk_end INTEGER NOT NULL,
    state TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX batch_requests_batch ON batch_requests(batch_id);
CREATE INDEX batch_requests_article ON batch_requests(article_pk);
"""
MIGRATIONS.append(BATCH_MIGRATION)
MIGRATIONS.append(
    # 4 -> 5: the fingerprint of everything besides the chunk that a request's cache key depends on
    # (`briefing.batch.requests.request_spec`), so that finishing an article reads its chunks' keys
    # back instead of rendering every prompt again. Rows from before have '' and are re-rendered.
    "ALTER TABLE batch_requests ADD COLUMN spec TEXT NOT NULL DEFAULT '';"
)
SCHEMA_VERSION = len(MIGRATIONS)
