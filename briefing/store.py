"""The local store: one SQLite file keeping every article and every extraction made of it.

Articles are keyed by the hash of their cleaned text and, when known, by URL: adding the same
article twice is a no-op. Extractions are keyed by article, prompt id@version and file hash, and
model: an article already extracted at the current prompt costs no LLM call. The schema is
versioned with ``PRAGMA user_version``; ``MIGRATIONS[n]`` takes a file from version n to n+1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError
from .models import Article, ArticleMeta, ChunkExtraction, ChunkFailure, Section, Synthesis
from .store_schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "StoredChunk", "StoredExtraction", "default_store_path"]


def default_store_path() -> Path:
    if env := os.environ.get("BRIEFING_STORE"):
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "briefing" / "briefing.sqlite3"


@dataclass
class StoredChunk:
    start: int
    end: int
    extraction: ChunkExtraction


@dataclass
class StoredExtraction:
    prompt: str
    model: str
    chunks: list[StoredChunk]
    failures: list[ChunkFailure]


_ARTICLE_COLUMNS = "pk, id, path, content_hash, meta_json, text, sections_json"


def _article(row: tuple[object, ...]) -> Article:
    """An article from a row of ``_ARTICLE_COLUMNS``."""
    _, aid, path, content_hash, meta, text, sections = row
    return Article(
        id=str(aid), path=str(path), meta=ArticleMeta.model_validate_json(str(meta)), text=str(text),
        content_hash=str(content_hash), sections=[Section.model_validate(x) for x in json.loads(str(sections))],
    )  # fmt: skip


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.migrate()
        except sqlite3.DatabaseError as e:
            raise ConfigError(f"{path} is not a briefing store ({e}); move it away or use --store") from e

    def close(self) -> None:
        self.db.close()

    @property
    def version(self) -> int:
        row = self.db.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def migrate(self) -> None:
        """Bring the file up to ``SCHEMA_VERSION``, one migration per transaction."""
        current = self.version
        if current > SCHEMA_VERSION:
            raise ConfigError(
                f"{self.path} has schema version {current}, newer than this briefing ({SCHEMA_VERSION}); upgrade"
            )
        for version in range(current, SCHEMA_VERSION):
            script = f"BEGIN IMMEDIATE;\n{MIGRATIONS[version]}\nPRAGMA user_version = {version + 1};\nCOMMIT;"
            try:
                self.db.executescript(script)
            except sqlite3.Error:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- articles ---------------------------------------------------------------------------------

    def add_article(self, article: Article) -> tuple[int, bool]:
        """Store ``article`` unless the same text or URL is stored. Returns (pk, added)."""
        row = self.db.execute(
            "SELECT pk FROM articles WHERE content_hash = ? OR (url IS NOT NULL AND url = ?)",
            (article.content_hash, article.meta.url),
        ).fetchone()
        if row is not None:
            return int(row[0]), False
        cur = self.db.execute(
            "INSERT INTO articles (id, path, content_hash, url, published, meta_json, text, added_at, "
            "sections_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.path,
                article.content_hash,
                article.meta.url,
                article.meta.published.isoformat() if article.meta.published else None,
                article.meta.model_dump_json(),
                article.text,
                _now(),
                json.dumps([x.model_dump() for x in article.sections]),
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid, True

    def has_url(self, url: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone() is not None

    def has_text(self, content_hash: str) -> bool:
        row = self.db.execute("SELECT 1 FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row is not None

    def last_article_pk(self) -> int:
        row = self.db.execute("SELECT MAX(pk) FROM articles").fetchone()
        return int(row[0] or 0)

    def articles(self, after_pk: int | None = None) -> list[tuple[int, Article]]:
        """Stored articles by publication date; only those that arrived after article ``after_pk`` if given
        (pks grow with ``added_at``, and unlike a timestamp they tell two arrivals in one second apart)."""
        where, args = ("WHERE pk > ? ", (after_pk,)) if after_pk is not None else ("", ())
        rows = self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles " + where + "ORDER BY published, pk", args
        ).fetchall()
        return [(row[0], _article(row)) for row in rows]

    def article(self, pk: int) -> Article:
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE pk = ?", (pk,)).fetchone()
        if row is None:
            raise KeyError(f"no article {pk} in {self.path}")
        return _article(row)

    def unextracted(self, prompt: str, prompt_sha256: str, model: str) -> list[int]:
        """Pks of the articles with no extraction at this prompt and model, or one with failures, by
        publication date: a list of numbers, where ``articles()`` would hold every text at once."""
        rows = self.db.execute(
            "SELECT pk FROM articles a WHERE NOT EXISTS (SELECT 1 FROM extractions e WHERE "
            "e.article_pk = a.pk AND e.prompt = ? AND e.prompt_sha256 = ? AND e.model = ? AND "
            "e.failures_json = '[]') ORDER BY published, pk",
            (prompt, prompt_sha256, model),
        ).fetchall()
        return [int(r[0]) for r in rows]

    # --- fetches and briefings ---------------------------------------------------------------------

    def get_fetch(self, url: str) -> tuple[str | None, str | None, str] | None:
        """(etag, last_modified, status) of the last fetch of ``url``, if any."""
        row = self.db.execute(
            "SELECT etag, last_modified, status FROM fetches WHERE url = ?", (url,)
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def put_fetch(self, url: str, etag: str | None, last_modified: str | None, status: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO fetches VALUES (?, ?, ?, ?, ?)",
            (url, etag, last_modified, status, _now()),
        )

    def last_briefing(self, kind: str = "weekly") -> tuple[str, int] | None:
        """(rendered_at, last article pk it covered) of the last briefing of ``kind``, if any."""
        row = self.db.execute(
            "SELECT rendered_at, upto_pk FROM briefings WHERE kind = ? ORDER BY pk DESC LIMIT 1", (kind,)
        ).fetchone()
        return (str(row[0]), int(row[1])) if row else None

    def put_briefing(self, since: str, until: str, upto_pk: int, kind: str = "weekly") -> None:
        """Remember that a briefing covering articles up to ``upto_pk`` was rendered now."""
        self.db.execute(
            "INSERT INTO briefings (kind, since, until, upto_pk, rendered_at) VALUES (?, ?, ?, ?, ?)",
            (kind, since, until, upto_pk, _now()),
        )

    # --- extractions --------------------------------------------------------------------------------

    def put_extraction(
        self, article_pk: int, prompt: str, prompt_sha256: str, model: str, ext: StoredExtraction
    ) -> None:
        chunks = [
            {"start": c.start, "end": c.end, "extraction": c.extraction.model_dump()} for c in ext.chunks
        ]
        failures = [f.model_dump() for f in ext.failures]
        self.db.execute(
            "INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?, ?, ?, ?)",
            (article_pk, prompt, prompt_sha256, model, json.dumps(chunks, ensure_ascii=False),
             json.dumps(failures, ensure_ascii=False), _now()),
        )  # fmt: skip

    def get_extraction(
        self, article_pk: int, prompt: str, prompt_sha256: str, model: str | None = None
    ) -> StoredExtraction | None:
        """The newest extraction of the article at this prompt (by ``model`` if given)."""
        query = "SELECT model, chunks_json, failures_json FROM extractions WHERE article_pk = ? AND prompt = ? AND prompt_sha256 = ?"
        args: list[object] = [article_pk, prompt, prompt_sha256]
        if model is not None:
            query += " AND model = ?"
            args.append(model)
        row = self.db.execute(query + " ORDER BY created_at DESC LIMIT 1", args).fetchone()
        if row is None:
            return None
        chunks = [
            StoredChunk(c["start"], c["end"], ChunkExtraction.model_validate(c["extraction"]))
            for c in json.loads(row[1])
        ]
        failures = [ChunkFailure.model_validate(f) for f in json.loads(row[2])]
        return StoredExtraction(prompt=prompt, model=row[0], chunks=chunks, failures=failures)

    # --- syntheses ------------------------------------------------------------------------------------

    def get_synthesis(self, facts_sha256: str, prompt: str) -> tuple[Synthesis, str] | None:
        row = self.db.execute(
            "SELECT value_json, model FROM syntheses WHERE facts_sha256 = ? AND prompt = ?",
            (facts_sha256, prompt),
        ).fetchone()
        return (Synthesis.model_validate_json(row[0]), row[1]) if row else None

    def put_synthesis(self, facts_sha256: str, prompt: str, model: str, value: Synthesis) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO syntheses VALUES (?, ?, ?, ?, ?)",
            (facts_sha256, prompt, model, value.model_dump_json(), _now()),
        )

    # --- batches (written only here; read by briefing.batch) ------------------------------------------

    def add_batch(self, batch_id: str, path: str, endpoint: str, state: str = "writing") -> None:
        self.db.execute(
            "INSERT INTO batches (id, state, endpoint, created_at, updated_at, path) VALUES (?, ?, ?, ?, ?, ?)",
            (batch_id, state, endpoint, _now(), _now(), path),
        )

    def update_batch(self, batch_id: str, **fields: object) -> None:
        """Set columns of a batch (``state``, ``input_file_id``, ``counts_json``, ...)."""
        cols = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(
            f"UPDATE batches SET {cols}, updated_at = ? WHERE id = ?", (*fields.values(), _now(), batch_id)
        )

    def rename_batch(self, local_id: str, provider_id: str, state: str) -> None:
        """The provider accepted the batch: its id replaces the local one, for the batch and its requests."""
        with self.transaction():
            self.db.execute(
                "UPDATE batches SET id = ?, state = ?, updated_at = ? WHERE id = ?",
                (provider_id, state, _now(), local_id),
            )
            self.db.execute("UPDATE batch_requests SET batch_id = ?, state = 'submitted' WHERE batch_id = ?",
                            (provider_id, local_id))  # fmt: skip

    def batches(self, where: str = "1", args: tuple[object, ...] = ()) -> list[dict[str, object]]:
        cur = self.db.execute(f"SELECT * FROM batches WHERE {where} ORDER BY created_at, id", args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def add_batch_request(
        self, custom_id: str, batch_id: str, article_pk: int, index: int, start: int, end: int, spec: str = ""
    ) -> None:
        """Queue a request in a batch; one already queued (failed before) is moved, with state pending.
        ``spec`` fingerprints what the ``custom_id`` was built from besides the chunk."""
        self.db.execute(
            "INSERT INTO batch_requests VALUES (?, ?, ?, ?, ?, ?, 'pending', NULL, ?) ON CONFLICT(custom_id) "
            "DO UPDATE SET batch_id = excluded.batch_id, state = 'pending', reason = NULL, spec = excluded.spec",
            (custom_id, batch_id, article_pk, index, start, end, spec),
        )

    def batch_request_state(self, custom_id: str) -> str | None:
        row = self.db.execute("SELECT state FROM batch_requests WHERE custom_id = ?", (custom_id,)).fetchone()
        return str(row[0]) if row else None

    def set_request_state(self, custom_id: str, state: str, reason: str | None = None) -> None:
        self.db.execute(
            "UPDATE batch_requests SET state = ?, reason = ? WHERE custom_id = ?", (state, reason, custom_id)
        )

    def set_request_states(self, marks: Iterable[tuple[str, str, str | None]]) -> None:
        """Many ``(custom_id, state, reason)`` at once."""
        self.db.executemany(
            "UPDATE batch_requests SET state = ?, reason = ? WHERE custom_id = ?",
            ((state, reason, cid) for cid, state, reason in marks),
        )

    def requests_by_id(self, custom_ids: Sequence[str]) -> dict[str, dict[str, object]]:
        """The request rows of these ids, by id (ids not stored are absent)."""
        out: dict[str, dict[str, object]] = {}
        for i in range(0, len(custom_ids), 500):  # SQLite's limit on parameters
            part = custom_ids[i : i + 500]
            where = f"custom_id IN ({','.join('?' * len(part))})"
            out.update((str(r["custom_id"]), r) for r in self.batch_requests(where, tuple(part)))
        return out

    def batch_requests(self, where: str = "1", args: tuple[object, ...] = ()) -> list[dict[str, object]]:
        cur = self.db.execute(
            f"SELECT * FROM batch_requests WHERE {where} ORDER BY article_pk, chunk_index", args
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
