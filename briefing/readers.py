"""Reading inputs: files and directories, encodings, and the formats an article arrives in.

- plain text (``.txt``): a scraped page, cleaned by ``ingest.clean_page``;
- HTML (``.html``, ``.htm``): main text and metadata by trafilatura, then the same cleaning;
- JSON (``.json``: one record or a list) and JSON Lines (``.jsonl``): records with ``title``,
  ``text`` or ``html``, ``url``, ``outlet``, ``published`` (and optional ``id``, ``byline``).

Bytes are decoded as UTF-8 (with or without BOM), UTF-16/32 with a BOM, else by charset-normalizer
(Korean sites still serve CP949/EUC-KR). Every failure is an ``InputError`` naming the file and
saying what to do; the other inputs carry on.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import InputError
from .ingest import build_article
from .models import Article, ArticleMeta

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".json", ".jsonl"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
SIDECAR_SUFFIX = ".meta.json"
MAX_BYTES = 20 * 1024 * 1024
RECORD_KEYS = {"id", "title", "text", "html", "url", "outlet", "published", "byline"}


@dataclass
class RawDoc:
    """One article as read: page text or HTML, plus metadata supplied with it."""

    id: str
    path: str
    text: str | None = None
    html: str | None = None
    meta: ArticleMeta | None = None


# --- files ----------------------------------------------------------------------------------------


def discover(paths: Iterable[Path]) -> Iterator[Path | InputError]:
    """Article files under ``paths`` (directories walked recursively, in a stable order).

    Only regular files are read (a named pipe would block for ever); a subdirectory that cannot
    be listed is reported, not skipped in silence; symlink loops are walked once.
    """
    for path in paths:
        if path.is_dir():
            found: list[Path] = []
            problems: list[InputError] = []
            seen: set[tuple[int, int]] = set()

            def unreadable(err: OSError, problems: list[InputError] = problems) -> None:
                reason = f"cannot list ({err.strerror}); check permissions"
                problems.append(InputError(str(err.filename), reason))

            for root, dirs, files in os.walk(path, followlinks=True, onerror=unreadable):
                st = os.stat(root)
                if (st.st_dev, st.st_ino) in seen:  # a symlink loop: do not walk it twice
                    dirs[:] = []
                    continue
                seen.add((st.st_dev, st.st_ino))
                dirs.sort()
                for name in files:
                    p = Path(root) / name
                    if p.suffix.lower() in SUFFIXES and not name.endswith(SIDECAR_SUFFIX):
                        found.append(p)
            yield from problems
            if not found and not problems:
                yield InputError(str(path), f"no articles here ({', '.join(sorted(SUFFIXES))})")
            yield from sorted(found)
        elif path.exists() and not path.is_file():
            yield InputError(str(path), "not a regular file (a pipe or device?); give a file or a directory")
        elif path.is_file() or path.is_symlink():
            yield path
        else:
            yield InputError(str(path), "no such file or directory")


def decode(data: bytes, path: str) -> str:
    """Text from bytes: UTF-8, BOM-marked UTF-16/32, else the encoding charset-normalizer finds."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as e:
                raise InputError(path, f"broken {codec} text (byte {e.start}); re-save it as UTF-8") from e
    try:
        return data.decode("utf-8").replace("\x00", "")  # stray NULs in text carry nothing
    except UnicodeDecodeError:
        pass
    head = data[:8192]
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without a BOM: every other byte is NUL
        codec = "utf-16-le" if head[1::2].count(0) > head[::2].count(0) else "utf-16-be"
        try:
            decoded = data.decode(codec)
            if _looks_like_text(decoded):
                return decoded
        except UnicodeDecodeError:
            pass
    if b"\x00" in head:
        raise InputError(path, "binary file (NUL bytes), not a text article; remove it from the input")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(path, "cannot tell its text encoding; re-save it as UTF-8")
    return str(best)


def _looks_like_text(text: str) -> bool:
    sample = text[:4000]
    printable = sum(1 for c in sample if c.isprintable() or c.isspace())
    return bool(sample) and printable / len(sample) > 0.95 and any("가" <= c <= "힣" for c in sample)


def read_bytes(path: Path) -> bytes:
    try:
        if path.exists() and not path.is_file():
            raise InputError(str(path), "not a regular file (a pipe or device?); remove it from the input")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                str(path), f"too large ({size // 1_048_576} MB > {MAX_BYTES // 1_048_576} MB); split it"
            )
        return path.read_bytes()
    except OSError as e:
        raise InputError(str(path), f"cannot read ({e.strerror}); check the path and permissions") from e


def load_sidecar(path: Path) -> ArticleMeta | None:
    """Metadata from ``NAME.meta.json`` next to ``NAME.txt`` or ``NAME.html``, if there is one."""
    side = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not side.exists():
        return None
    try:
        data = json.loads(side.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(str(side), f"sidecar is not valid JSON ({e}); fix or remove it") from e
    if not isinstance(data, dict):
        raise InputError(str(side), "sidecar must be a JSON object")
    allowed = {"title", "outlet", "url", "published", "byline"}
    if unknown := set(data) - allowed:
        raise InputError(str(side), f"unknown sidecar keys {sorted(unknown)}; use {sorted(allowed)}")
    return _meta(data, str(side), "sidecar")


def _meta(data: dict[str, Any], where: str, source: str) -> ArticleMeta:
    fields = {k: data[k] for k in ("title", "outlet", "url", "byline") if data.get(k) is not None}
    published = data.get("published")
    try:
        meta = ArticleMeta.model_validate(fields)
        if published is not None:
            when = dt.datetime.fromisoformat(str(published))
            meta.published = when.date()
            meta.published_time = when.time().replace(tzinfo=None) if "T" in str(published) else None
            meta.published_from = "sidecar"
    except (ValidationError, ValueError) as e:
        raise InputError(
            where, f"bad metadata value ({e.__class__.__name__}); 'published' is YYYY-MM-DD"
        ) from e
    del source
    return meta


# --- formats ---------------------------------------------------------------------------------------


def read_docs(path: Path) -> tuple[list[RawDoc], list[InputError]]:
    """The articles one file holds (a JSONL file may hold many)."""
    suffix = path.suffix.lower()
    text = decode(read_bytes(path), str(path))
    if suffix in RECORD_SUFFIXES:
        return _records(path, text)
    meta = load_sidecar(path)
    start = text[:2000].lstrip().lower()
    if suffix in HTML_SUFFIXES or start.startswith(("<!doctype html", "<html")) or "<html" in start[:300]:
        return [RawDoc(id=path.stem, path=str(path), html=text, meta=meta)], []
    return [RawDoc(id=path.stem, path=str(path), text=text, meta=meta)], []


def _records(path: Path, text: str) -> tuple[list[RawDoc], list[InputError]]:
    docs: list[RawDoc] = []
    errors: list[InputError] = []
    if path.suffix.lower() == ".jsonl":
        items = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(str(path), f"not valid JSON ({e.msg}, line {e.lineno}); fix the file") from e
        except RecursionError:
            raise InputError(
                str(path), "JSON nested too deeply to be an article record; fix the file"
            ) from None
        records = data if isinstance(data, list) else [data]
        items = [(n, json.dumps(r, ensure_ascii=False)) for n, r in enumerate(records, 1)]
    for n, line in items:
        where = f"{path}:{n}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise InputError(where, "a record must be a JSON object")
            if unknown := set(record) - RECORD_KEYS:
                raise InputError(where, f"unknown keys {sorted(unknown)}; use {sorted(RECORD_KEYS)}")
            if not (record.get("text") or record.get("html")):
                raise InputError(
                    where, "the record has neither 'text' nor 'html'; add the article body as 'text'"
                )
            for key in ("text", "html", "title", "url", "outlet", "byline", "id"):
                if record.get(key) is not None and not isinstance(record[key], str | int):
                    raise InputError(where, f"'{key}' must be a string; fix this record")
            for key in ("text", "html"):
                if record.get(key) is not None and not isinstance(record[key], str):
                    raise InputError(where, f"'{key}' must be a string; fix this record")
            meta = _meta(record, where, "record")
            rid = str(record.get("id") or f"{path.stem}-{n}")
            docs.append(
                RawDoc(id=rid, path=where, text=record.get("text"), html=record.get("html"), meta=meta)
            )
        except json.JSONDecodeError as e:
            errors.append(InputError(where, f"not valid JSON ({e.msg}); fix or remove this line"))
        except RecursionError:
            errors.append(InputError(where, "JSON nested too deeply to be an article record; fix this line"))
        except InputError as e:
            errors.append(e)
    if not items:
        errors.append(InputError(str(path), "no records in this file; add one JSON object per line"))
    return docs, errors


def html_to_page(html: str, where: str) -> tuple[str, ArticleMeta]:
    """Main text and metadata of an HTML page (trafilatura), as a page ``clean_page`` can read."""
    import trafilatura

    body = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not body:
        raise InputError(where, "no article text found in this HTML; is it a news article page?")
    found = trafilatura.extract_metadata(html)
    meta = ArticleMeta()
    if found is not None:
        meta.title = found.title or None
        meta.url = found.url or None
        meta.outlet = found.sitename or None
        if found.author:
            meta.byline = found.author.replace("기자", "").strip() or None
        if found.date:
            try:
                meta.published = dt.date.fromisoformat(found.date[:10])
                meta.published_from = "page"
            except ValueError:
                pass
    # The title line first, so that the cleaner sees a page shaped like a scraped text page.
    return (meta.title or "") + "\n" + body, meta


def to_article(doc: RawDoc, published: dt.date | None) -> Article:
    supplied = doc.meta or ArticleMeta()
    if doc.html is not None and not doc.text:
        page, found = html_to_page(doc.html, doc.path)
        for key in ("title", "url", "outlet", "byline", "published"):
            if getattr(supplied, key) is None and getattr(found, key) is not None:
                setattr(supplied, key, getattr(found, key))
        if found.published and supplied.published == found.published:
            supplied.published_from = supplied.published_from or "page"
        return build_article(doc.id, doc.path, page, supplied, published)
    return build_article(doc.id, doc.path, doc.text or "", supplied, published)


def unique_id(name: str, used: dict[str, int]) -> str:
    """A file-name-safe id, unique in this run: a/news.txt and b/news.txt become news and news-2."""
    base = re.sub(r"[^\w.\-]", "_", name).lstrip(".") or "article"
    used[base] = used.get(base, 0) + 1
    return base if used[base] == 1 else f"{base}-{used[base]}"


def iter_articles(paths: Iterable[Path], published: dt.date | None = None) -> Iterator[Article | InputError]:
    """Articles under ``paths`` one by one, with an ``InputError`` for each one that cannot be used.
    Identical bodies are yielded once."""
    seen: dict[str, str] = {}
    used: dict[str, int] = {}
    for item in discover(paths):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            docs, bad = read_docs(item)
        except InputError as e:
            yield e
            continue
        yield from bad
        for doc in docs:
            try:
                article = to_article(doc, published)
            except InputError as e:
                yield e
                continue
            if article.content_hash in seen:
                yield InputError(doc.path, f"same body as {seen[article.content_hash]}; skipped")
                continue
            seen[article.content_hash] = article.path
            yield article.model_copy(update={"id": unique_id(article.id, used)})


def load_articles(
    paths: Iterable[Path], published: dt.date | None = None
) -> tuple[list[Article], list[InputError]]:
    """Every readable article under ``paths``; the rest as errors."""
    articles: list[Article] = []
    errors: list[InputError] = []
    for item in iter_articles(paths, published):
        (errors if isinstance(item, InputError) else articles).append(item)  # type: ignore[arg-type]
    return articles, errors
