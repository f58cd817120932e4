"""Ingest: strip boilerplate from scraped pages, drop repeated bodies, find metadata.

Pure: ``clean_page`` takes page text and returns paragraphs and metadata; ``build_article`` merges
metadata supplied from outside (sidecar, record, HTML meta tags, ``--published``). Reading files,
decoding and the input formats live in ``readers``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .errors import InputError
from .models import Article, ArticleMeta

# Lines at or after which everything is footer: copyright, polls, "read it at the outlet".
_FOOTER = re.compile(
    r"(copyright\s*[©ⓒ(]|ⓒ\s*\S+|무단\s*전재|재배포\s*금지|이 기사에 대해 어떻게 생각|"
    r"해당 언론사로 이동|에서 직접 확인하세요|관련\s*기사\s*$|^많이 본 뉴스|^인기\s*기사)",
    re.IGNORECASE,
)
# Whole lines that are widgets or site furniture wherever they appear.
_WIDGET = re.compile(
    r"^(로그인|회원가입|로그아웃|전체\s*메뉴|검색|구독|공유|스크랩|인쇄|글자\s*크기.*|가+\s*가+.*|"
    r"기사\s*듣기|좋아요|댓글.*|(?:트위터|페이스북|카카오스토리|카카오톡|네이버|밴드|링크\s*복사|"
    r"URL\s*복사)(?:\s+\S+)*|\S+\s*>\s*\S+)$",
    re.IGNORECASE,
)
_SECTION_WORDS = {
    "머니",
    "산업",
    "정치",
    "경제",
    "사회",
    "국제",
    "문화",
    "라이프",
    "스포츠",
    "연예",
    "오피니언",
    "증권",
    "부동산",
    "IT·과학",
    "IT",
    "과학",
    "정치&정책",
    "생활경제",
    "에듀&JOB",
    "기획연재",
    "AI영상",
    "플러스",
    "메트로人",
    "전국",
    "지역",
    "포토",
    "영상",
    "사설",
    "칼럼",
    "연재",
    "전체",
    "뉴스",
    "홈",
    "산업일반",
    "재계",
    "자동차",
    "전기전자",
    "금융",
    "유통",
    "건설",
    "글로벌",
}
_BULLET = re.compile(r"^[-•·▶▷☞◇○●■□※]\s*")
_CAPTION = re.compile(r"(?:/\s*[\w가-힣]{1,12}(?:\s*제공)?|\[사진=?[^\]]*\]|\(사진=?[^)]*\))\s*$")
_BYLINE = re.compile(r"^([가-힣]{2,4})\s*(?:기자|특파원|선임기자)(?:\s*[\w.+-]+@[\w.-]+)?\s*$")
_EMAIL_ONLY = re.compile(r"^[\w.+-]+@[\w.-]+\s*$")
_DATE_DOTS = re.compile(
    r"(\d{4})\s*[.\-/년]\s*(\d{1,2})\s*[.\-/월]\s*(\d{1,2})\s*[.일]?\s*(?:(\d{1,2}):(\d{2}))?"
)
_SENTENCE_END = re.compile(r"(다|요|음|함|됨|임|까|죠)\s*[.!?]?\s*[\"'”’」)]?\s*$|[.!?]\s*[\"'”’]?$")
_HANGUL = re.compile(r"[가-힣]")


@dataclass
class CleanResult:
    meta: ArticleMeta
    paragraphs: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@cache
def outlets() -> tuple[dict[str, str], dict[str, str]]:
    """Korean outlet name → English, and web domain → Korean outlet name."""
    data = json.loads(resources.files("briefing").joinpath("data/outlets.json").read_text("utf-8"))
    return dict(data["names"]), dict(data["domains"])


def normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\ufeff", "").replace("\u00a0", " ").replace("\x00", "")
    line = line.replace("\u200b", "")
    return re.sub(r"\s+", " ", line).strip()


def find_outlet(text: str) -> tuple[str, str] | None:
    """The first known outlet (Korean, English) named in ``text``, by name or by domain."""
    names, domains = outlets()
    for ko, en in names.items():
        if ko in text:
            return ko, en
    for domain, ko in domains.items():
        if domain in text:
            return ko, names.get(ko, ko)
    return None


def parse_page_date(line: str) -> tuple[dt.date, dt.time | None] | None:
    m = _DATE_DOTS.search(line)
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    try:
        date = dt.date(year, month, day)
        time = dt.time(int(m[4]), int(m[5])) if m[4] else None
    except ValueError:
        return None
    return date, time


def _is_menu(line: str) -> bool:
    if _is_sentence(line) or len(line) > 120:
        return False  # a menu is a short run of section names, never a sentence
    tokens = line.split()
    hits = sum(1 for t in tokens if t in _SECTION_WORDS)
    return hits >= 3 or (len(tokens) <= 2 and hits >= 1)


def _is_sentence(line: str) -> bool:
    return len(line) >= 80 or (len(line) >= 25 and bool(_SENTENCE_END.search(line)))


def _is_caption(line: str) -> bool:
    # Photo captions end with a credit ("... 있다./LG전자", "[사진=LG전자]").
    return bool(_CAPTION.search(line)) and ("/" in line[-16:] or "사진" in line)


def clean_page(raw: str) -> CleanResult:
    """Split a scraped page into metadata and body paragraphs, dropping site furniture."""
    notes: list[str] = []
    meta = ArticleMeta()
    lines = [normalise_line(x) for x in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [x for x in lines if x]

    # Footer: everything from the first copyright / poll / "go to the outlet" line on.
    for i, line in enumerate(lines):
        if _FOOTER.search(line):
            found = find_outlet(line)
            if found:
                meta.outlet_ko, meta.outlet = found
            dropped = len(lines) - i
            lines = lines[:i]
            notes.append(f"dropped {dropped} footer line(s) (copyright, polls, headline lists)")
            break

    body: list[str] = []
    deck: list[str] = []
    in_body = False
    stats = {"menu": 0, "caption": 0, "list": 0}
    for line in lines:
        date = parse_page_date(line) if len(line) <= 60 and not in_body else None
        if date and meta.published is None:
            meta.published, meta.published_time = date
            meta.published_from = "page"
            name = _DATE_DOTS.sub("", line)
            name = re.sub(r"(입력|수정|등록|승인|기사입력|발행)\s*:?", "", name).strip(" |·:")
            if 2 <= len(name) <= 12 and _HANGUL.search(name) and meta.byline is None:
                meta.byline = re.sub(r"\s*기자$", "", name)
            continue
        if (m := _BYLINE.match(line)) or _EMAIL_ONLY.match(line):
            if m and meta.byline is None:
                meta.byline = m[1]
            continue
        if _WIDGET.match(line) or (not in_body and _is_menu(line)):
            stats["menu"] += 1
            continue
        if _BULLET.match(line) and not _is_sentence(_BULLET.sub("", line)):
            stats["list"] += 1
            continue
        if _is_caption(line):
            stats["caption"] += 1
            continue
        if in_body:
            body.append(line)
        elif _is_sentence(line):
            in_body = True
            body.append(line)
        elif meta.title is None:
            if len(line) >= 12 and _HANGUL.search(line):
                meta.title = line
            else:
                stats["menu"] += 1
        else:
            deck.append(line)
    meta.subtitles = deck
    for kind, count in stats.items():
        if count:
            notes.append(f"dropped {count} {kind} line(s)")

    if meta.outlet is None and (found := find_outlet("\n".join(lines[:3]) + raw[-400:])):
        meta.outlet_ko, meta.outlet = found

    seen: set[str] = set()
    paragraphs: list[str] = []
    repeats = 0
    for para in body:
        key = re.sub(r"\s+", "", para)
        if key in seen:
            repeats += 1
            continue
        seen.add(key)
        paragraphs.append(para)
    if repeats:
        notes.append(f"dropped {repeats} repeated paragraph(s)")
    return CleanResult(meta=meta, paragraphs=paragraphs, notes=notes)


def build_article(
    article_id: str,
    path: str,
    raw: str,
    supplied: ArticleMeta | None = None,
    published: dt.date | None = None,
) -> Article:
    """Clean ``raw`` and merge metadata: page < ``supplied`` (sidecar, record) < ``published`` flag."""
    result = clean_page(raw)
    if not result.paragraphs:
        raise InputError(path, "no article body found after cleaning; is this a news article?")
    meta = result.meta
    if supplied is not None:
        for key in ("title", "url", "byline"):
            if (value := getattr(supplied, key)) is not None:
                setattr(meta, key, value)
        if supplied.subtitles:
            meta.subtitles = supplied.subtitles
        if supplied.outlet is not None:
            found = find_outlet(supplied.outlet)
            meta.outlet_ko, meta.outlet = found if found else (None, supplied.outlet)
        if supplied.published is not None:
            meta.published, meta.published_time = supplied.published, supplied.published_time
            meta.published_from = supplied.published_from or "sidecar"
    if published is not None:
        meta.published, meta.published_time, meta.published_from = published, None, "flag"
    notes = list(result.notes)
    if meta.published is None:
        notes.append("publication date unknown: relative dates stay unresolved")
    return Article(
        id=article_id,
        path=path,
        meta=meta,
        text=result.text,
        content_hash=hashlib.sha256(result.text.encode()).hexdigest(),
        notes=notes,
    )
