"""Page furniture: the patterns that tell site chrome, credits, captions and datelines from prose.

Pure functions of one normalised line. Real pages put furniture anywhere: a photo credit or a
copyright mark can stand mid-article or be glued to the end of a caption, so furniture is removed
line by line (or as a tail of a line), never by cutting the rest of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A copyright or credit mark: the whole line is furniture.
_COPYRIGHT = re.compile(
    r"(?:copyright\s*(?:[©ⓒ(]|\d{4})|all rights reserved|[©ⓒ]|무단\s*전재|재배포\s*금지|저작권자|"
    r"AI\s*학습\s*(?:및\s*)?활용\s*금지|^\[\s*출처\s*[:：])",
    re.IGNORECASE,
)
# A credit glued to the end of a line of prose or caption: "…있다. ⓒ뉴스1", "…있다.(사진=LG전자 제공)",
# "…있다./LG전자", "…있다. [LG ELECTRONICS]", "… (Yonhap)".
_TRAILING_CREDIT = re.compile(
    r"(?:\s*[\(\[【<]\s*(?:사진|자료|그래픽|영상)?\s*=?\s*[^()\[\]]{0,30}?(?:제공|사진|DB|뉴스1|뉴시스|"
    r"연합뉴스)\s*[\)\]】>]"
    r"|\s*[\(\[]\s*(?:사진|자료|그래픽)\s*[=:]\s*[^()\[\]]{1,30}[\)\]]"
    r"|\s*/\s*(?:사진\s*=?\s*)?[\w가-힣&·]{1,15}(?:\s*제공)?"
    r"|\s*(?:사진\s*=\s*|사진\s*제공\s*=?\s*)[\w가-힣&·]{1,15}(?:\s*제공)?"
    r"|(?<=[.。])\s*[\w가-힣&·]{1,15}\s*제공"
    r"|\s*[©ⓒ]\s*[\w가-힣 .&]{0,20}"
    r"|\s*\[(?:[A-Z][A-Z&.\s]{2,40}|Courtesy of [^\]]{1,40}|Yonhap|YONHAP|NEWS1|NEWSIS)\]"
    r"|\s*\((?:Yonhap|Courtesy of [^)]{1,40}|[A-Z][A-Z&.\s]{2,30})\)"
    r"|(?<=[.])\s*\([A-Z][\w&.]*(?:\s[A-Z][\w&.]*){0,3}\))\s*$"
)
# Where a page's own footer begins: polls, "read it at the outlet", headline lists.
_FOOTER = re.compile(
    r"(이 기사에 대해 어떻게 생각|해당 언론사로 이동|에서 직접 확인하세요|^관련\s*기사\s*$|^많이 본 뉴스|"
    r"^인기\s*기사|^주요\s*뉴스\s*$|^오늘의\s*(?:핫|주요)|^실시간\s*(?:뉴스|인기)|^Most\s+(?:Popular|Read)|"
    r"^Related\s+(?:articles|stories|news)\s*$|^More from)",
    re.IGNORECASE,
)
# Whole lines that are widgets or site furniture wherever they appear.
WIDGET = re.compile(
    r"^(로그인|회원가입|로그아웃|전체\s*메뉴|검색|구독|공유|스크랩|인쇄|글자\s*크기.*|가+\s*가+.*|"
    r"기사\s*듣기|좋아요|댓글.*|(?:트위터|페이스북|카카오스토리|카카오톡|네이버|밴드|링크\s*복사|"
    r"URL\s*복사)(?:\s+\S+)*|\S+\s*>\s*\S+|Share|Print|Facebook|Twitter|X|Email|Subscribe|Sign in|"
    r"Log in|Search|Menu|Font size.*|A\s*A|A-|A\+)$",
    re.IGNORECASE,
)
SECTION_WORDS = frozenset(
    "머니 산업 정치 경제 사회 국제 문화 라이프 스포츠 연예 오피니언 증권 부동산 IT·과학 IT 과학 "
    "정치&정책 생활경제 에듀&JOB 기획연재 AI영상 플러스 메트로人 전국 지역 포토 영상 사설 칼럼 연재 "
    "전체 뉴스 홈 산업일반 재계 자동차 전기전자 금융 유통 건설 글로벌 기업 산업·재계 전자 통신 "
    "Business Industry Tech Politics National World Opinion Sports Culture Life Economy Finance "
    "Home News Companies Industries Markets".split()
)
BULLET = re.compile(r"^[-•·▶▷☞◇○●■□※]\s*")
_CAPTION_CREDIT = re.compile(
    r"(?:/\s*[\w가-힣&·]{1,15}(?:\s*제공)?|\[사진=?[^\]]*\]|\(사진=?[^)]*\)|[\(\[]\s*[\w가-힣 &]{1,20}\s*제공\s*[\)\]]|"
    r"사진\s*=\s*[\w가-힣&·]{1,15}(?:\s*제공)?|\[(?:[A-Z][A-Z&.\s]{2,40}|Courtesy of [^\]]{1,40})\]|"
    r"\((?:Yonhap|Courtesy of [^)]{1,40})\)|[©ⓒ]\s*[\w가-힣 .&]{0,20}|(?<=[.。])\s*[\w가-힣&·]{1,15}\s*제공|"
    r"(?<=[.])\s*\([A-Z][\w&.]*(?:\s[A-Z][\w&.]*){0,3}\))\s*$"
)
_KO_BYLINE = re.compile(r"^([가-힣]{2,4})\s*(?:기자|특파원|선임기자|객원기자)(?:\s*[\w.+-]+@[\w.-]+)?\s*$")
_EN_BYLINE = re.compile(r"^By\s+([A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+){0,3})(?:\s*[,|(].*)?$")
EMAIL_ONLY = re.compile(r"^[\w.+-]+@[\w.-]+\s*$")
_SENTENCE_END = re.compile(r"(다|요|음|함|됨|임|까|죠)\s*[.!?]?\s*[\"'”’」)]?\s*$|[.!?]\s*[\"'”’]?$")
_PROSE_END = re.compile(r"(?:다|요|죠|까)\s*\.\s*[\"'”’」)]?\s*$|[a-z0-9\"”’)]\s*[.!?]\s*[\"'”’]?$")
HANGUL = re.compile(r"[가-힣]")

# Datelines at the start of a body paragraph: "(서울=뉴스1) 박기호 기자 =", "[바르셀로나=이데일리 김현아
# 기자]", "【서울=뉴시스】홍길동 기자 =", "LAS VEGAS (Yonhap) --", "SEOUL, Jan. 3 (Yonhap) --".
_DATELINE_KO = re.compile(
    r"^\s*[\(\[【<]\s*(?P<place>[가-힣A-Za-z·\s]{1,20}?)\s*=\s*(?P<who>[^)\]】>]{0,30})[\)\]】>]"
    r"\s*(?:(?P<name>[가-힣]{2,4})\s*(?:기자|특파원|선임기자)\s*)?(?:=\s*)?"
)
_REPORTER_LEAD = re.compile(r"^\s*(?P<name>[가-힣]{2,4})\s*(?:기자|특파원|선임기자)\s*=\s*")
_DATELINE_EN = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z .'-]{2,30}?)(?:,\s*[A-Z][a-z]{2,4}\.?\s*\d{1,2})?\s*(?:\((?P<who>[A-Za-z ]{2,20})\))?"
    r"\s*(?:--|—|–)\s*"
)


@dataclass(frozen=True)
class Dateline:
    place: str
    byline: str | None
    prefix_length: int


_TAIL_NOISE = re.compile(r"(?:\s*\|+|\s+[\w.+-]+@[\w-]+(?:\.[\w-]+)+)+\s*$")
_DATE_STAMP = re.compile(r"\s+\d{4}\.\s?\d{1,2}\.\s?\d{1,2}\.?\s*$")


def strip_tail(line: str) -> str:
    """A line without what page layouts append: a table border, an e-mail address."""
    return _TAIL_NOISE.sub("", line)


def is_copyright(line: str) -> bool:
    """A line that is a copyright or credit mark, not prose or a caption with a mark glued on."""
    if not _COPYRIGHT.search(line):
        return False
    rest = strip_credit(line)
    return not (len(rest) >= 8 and rest != line and _SENTENCE_END.search(rest)) and not is_prose(rest)


def is_footer_start(line: str) -> bool:
    return bool(_FOOTER.search(line))


def strip_credit(line: str) -> str:
    """The line without a photo credit or copyright mark glued to its end."""
    out = line
    for _ in range(3):  # "…있다. (사진=LG) ⓒ뉴스1": several marks in a row
        stripped = _TRAILING_CREDIT.sub("", out).rstrip()
        if stripped == out:
            break
        out = stripped
    return out


def is_sentence(line: str) -> bool:
    return len(line) >= 80 or (len(line) >= 25 and bool(_SENTENCE_END.search(line)))


def is_prose(line: str) -> bool:
    """A line of article prose: a finished sentence (a headline never ends in "다.")."""
    return len(line) >= 30 and bool(_PROSE_END.search(line))


def is_caption(line: str) -> bool:
    """Photo captions end with a credit ("… 있다./LG전자", "[사진=LG전자]", "(LG전자 제공)")."""
    line = _DATE_STAMP.sub("", line)  # photo desks stamp the date after the credit
    m = _CAPTION_CREDIT.search(line)
    if not m:
        return False
    credit = m.group(0)
    return (
        "/" in credit
        or "사진" in credit
        or "제공" in credit
        or (credit.lstrip().startswith(("[", "(", "ⓒ", "©")) and m.start() > 0)
    )


def is_menu(line: str) -> bool:
    if is_sentence(line) or len(line) > 120:
        return False  # a menu is a short run of section names, never a sentence
    tokens = line.split()
    hits = sum(1 for t in tokens if t in SECTION_WORDS)
    return hits >= 3 or (len(tokens) <= 2 and hits >= 1)


def byline_of(line: str) -> str | None:
    """The reporter's name when the whole line is a byline ("김두용 기자 kdy@…", "By Kim So-hyun")."""
    if m := _KO_BYLINE.match(line):
        return m[1]
    if m := _EN_BYLINE.match(line):
        return m[1]
    return None


def dateline(paragraph: str) -> Dateline | None:
    """A dateline opening ``paragraph``: where it was filed and by whom, and how long it is."""
    if m := _DATELINE_KO.match(paragraph):
        who = (m["who"] or "").strip()
        name = m["name"] or (re.search(r"([가-힣]{2,4})\s*(?:기자|특파원)", who) or [None, None])[1]
        return Dateline(m["place"].strip(), name, m.end())
    if m := _REPORTER_LEAD.match(paragraph):
        return Dateline("", m["name"], m.end())
    if (m := _DATELINE_EN.match(paragraph)) and m.end() < len(paragraph):
        return Dateline(m["place"].strip().title(), None, m.end())
    return None
