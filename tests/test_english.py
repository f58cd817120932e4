"""English columns are guaranteed by code: no Hangul, no loops, topics from the vocabulary.

The bad answers are the embedded model's own, as the issue about it reports them (hand-written
here from those reports).
"""

from __future__ import annotations

from briefing.english import english, no_repeats, topic
from briefing.glossary import default_glossary
from briefing.places import default_gazetteer

G, P = default_glossary(), default_gazetteer()


def test_known_korean_terms_become_english_and_the_rest_is_not_shown() -> None:
    shown = english("LG화학 Boston subsidiary", G, P)
    assert shown == "LG Chem Boston subsidiary"
    assert english("Visit to 토론토 AI Lab", G, P) == "Visit to Toronto AI Lab"
    assert english("올해 인수 완료한 미국 제약사 아베오", G, P) is None  # a Korean phrase: not shown
    assert english("Met 조주완 at the plant", G, P) == "Met William Cho at the plant"


def test_a_model_loop_is_kept_once() -> None:
    looped = ", ".join(["game-changer", "business impact", "industry"] * 10)
    assert no_repeats(looped) == "game-changer, business impact, industry"
    assert english(looped, G, P) == "game-changer, business impact, industry"


def test_topics_come_from_the_vocabulary() -> None:
    assert topic("game-changer, business impact, industry") == "AI"  # the seed's "AI is a game changer"
    assert topic("business impact") == "growth"
    assert topic("AI") == "AI"
    assert topic("battery business") == "batteries"
    assert topic("게임체인저") == "general"
