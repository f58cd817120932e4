"""Who the text gives a quotation to: checked in code, so a minister's words never become an LG
leader's whatever the model answers.

News prose names the speaker as the subject of the sentence that carries the quote
(``안덕근 산업통상자원부 장관은 "…"라고 밝혔다``, ``"…"라고 신 부회장은 말했다``, ``Koo said``), or
in an earlier sentence that a pronoun or a bare ``이어 "…"`` continues. ``speakers_of`` finds that
subject among the people the article names; it returns nothing when the text does not say, and the
model's attribution then stands.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .glossary import TITLE_WORDS

_QUOTE_MARKS = "\"“”'‘’「」『』"
# A subject: a name (and its title words), then 은/는/이/가, with no "와/과/을/를/의/에게" word before.
_NOT_SUBJECT_WORD = re.compile(r"(?:과|와|을|를|의|에게|께|도|및|로|에서|에)$")
_SUBJECT_WORD = re.compile(r"(?:은|는|이|가)$")
_ENGLISH_VERB = r"(?:said|says|told|added|noted|stressed|explained|emphasized|emphasised|remarked)"
_SENTENCE_END = re.compile(r"(?:다|요)\s*[.!?]|[.!?](?=\s+[A-Z\"“])|\n\n")


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    people: frozenset[str]


_TITLED = re.compile(  # a lookahead, so that one candidate never hides the next ("같은 자리에서 안덕근 …")
    r"(?<![가-힣A-Za-z0-9&])(?=(?P<name>[가-힣]{2,6} [가-힣]{2,6}|[가-힣]{2,4})\s+(?:[^\s\"“”.]+\s+){0,3}?"
    r"(?:[가-힣]{0,6}(?:장관|차관|대통령|총리|주지사|시장|대사|의원|위원장|의장|총재|회장|부회장|사장|대표|"
    r"최고경영자)|CEO)(?:은|는|이|가)\s)"
)


_NOT_NAME_END = re.compile(r"(?:고|며|도|을|를|의|에|은|는|과|와|서|면|다|로|들|가|이|께)$")


def titled_people(text: str) -> list[str]:
    """People the prose names with a title as the subject of a clause ("안덕근 … 장관은"); a word
    right after a quotation ("…"라고 권 사장은) or ending like a verb or particle is not a name."""
    names = []
    for m in _TITLED.finditer(text):
        name = m["name"]
        if text[max(0, m.start() - 1) : m.start()] in tuple(_QUOTE_MARKS) or any(
            _NOT_NAME_END.search(w) for w in name.split()
        ):
            continue
        names.append(name)
    # "그린" inside "마크 그린": the full name only
    return [n for n in dict.fromkeys(names) if not any(o != n and o.endswith(" " + n) for o in names)]


def forms(name: str, english: Iterable[str]) -> list[str]:
    """How prose refers to a person: the full name, surname plus title ("구 회장", "옐런 장관"),
    and English forms ("Koo Kwang-mo", "Koo")."""
    forms = [re.escape(name)]
    parts = name.split()
    short = parts[-1] if len(parts) > 1 else (name[0] if re.fullmatch(r"[가-힣]{2,4}", name) else "")
    if short:
        # "구 회장", "옐런 장관": the surname and a title word, then a particle or the word's end
        forms.append(re.escape(short) + rf"\s?(?=(?:{TITLE_WORDS})(?:[은는이가의을를과와도께]|[^가-힣]|$))")
    for en in english:
        forms.append(re.escape(en))
        if en.split() and re.fullmatch(r"[A-Z][a-z]+", en.split()[0]):
            forms.append(r"(?:Mr\.|Ms\.|Chairman|CEO|Vice Chairman|President)?\s*" + re.escape(en.split()[0]))
    return forms


def _subject_end(text: str, end: int) -> bool:
    """The words after a mention, up to 40 characters, make it the subject of its clause."""
    tail = text[end : end + 40]
    for word in re.split(r"\s+", tail.strip())[:5]:
        word = word.rstrip(",")
        if not word:
            continue
        if any(q in word for q in _QUOTE_MARKS):
            return False
        if _SUBJECT_WORD.search(word) and not re.fullmatch(r"[가-힣]?이", word):
            return True
        if _NOT_SUBJECT_WORD.search(word):
            return False
    return False


@functools.lru_cache(maxsize=4096)
def _form_re(form: str) -> re.Pattern[str]:
    return re.compile(r"(?<![가-힣A-Za-z])" + form)


def _mentions(text: str, people: dict[str, list[str]]) -> list[_Mention]:
    spots: dict[tuple[int, int], set[str]] = {}
    for name, english in people.items():
        for form in forms(name, english):
            for m in _form_re(form).finditer(text):
                start = m.start() + len(m[0]) - len(m[0].lstrip())
                spots.setdefault((start, m.end()), set()).add(name)
    out = []
    for (start, end), who in sorted(spots.items()):
        latin = bool(re.match(r"[A-Za-z]", text[start]))
        near = text[max(0, start - 25) : start] + text[end : end + 25]
        if (latin and re.search(_ENGLISH_VERB, near)) or (not latin and _subject_end(text, end)):
            out.append(_Mention(start, end, frozenset(who)))
    return out


def names_person(text: str, name: str, english: Iterable[str]) -> bool:
    """``text`` refers to the person: full name, surname and title, or an English form."""
    return any(_form_re(f).search(text) for f in forms(name, english))


def speakers_of(text: str, start: int, end: int, people: dict[str, list[str]]) -> frozenset[str]:
    """The people ``text`` gives the quotation at ``start:end`` to (several when one short form
    fits several); empty when the text does not say. ``people``: Korean name → English forms."""
    mentions = _mentions(text, people)
    if not mentions:
        return frozenset()
    para_start = text.rfind("\n\n", 0, start) + 1
    ends = [m.end() for m in _SENTENCE_END.finditer(text, para_start, start)]
    sentence_start = max([para_start, *[e for e in ends if not _inside_quote(text, e, start)]])
    nxt = _SENTENCE_END.search(text, end)
    sentence_end = nxt.end() if nxt else len(text)
    before = [m for m in mentions if m.end <= start and m.start >= sentence_start]
    if before:
        return before[-1].people
    after = [m for m in mentions if m.start >= end and m.end <= sentence_end]
    if after:
        return after[0].people
    earlier = [
        m for m in mentions if m.end <= start and m.start >= max(0, text.rfind("\n\n", 0, para_start - 2))
    ]
    return earlier[-1].people if earlier else frozenset()


def _inside_quote(text: str, pos: int, limit: int) -> bool:
    """A sentence end inside an earlier quotation of the same paragraph does not end the sentence."""
    between = text[pos:limit].rstrip(_QUOTE_MARKS + " ")
    return sum(between.count(c) for c in '"') % 2 == 1 or between.count("“") != between.count("”")
