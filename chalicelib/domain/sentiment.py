"""How a client seems to be doing, from the tone of their texts (offline scorers).

English texts are scored by VADER; Spanish ones by our own lexicon scorer
(``spanish_tone``), which gives the same -1…+1 compound scale. Which one is decided by the
text's own common words, and by the client's language when those don't tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

NEGATIVE = -0.05  # VADER's own thresholds for a negative / positive text
POSITIVE = 0.05
RECENT = 3  # a client is flagged when the average of their last three texts...
FLAG_AT = -0.3  # ...is at or below this compound score
KEEP = 10  # scores kept on the client for the caseload flag and the trend


@lru_cache(maxsize=1)
def _analyser() -> Any:
    from .vader_lexicons import analyser  # VADER's, its lexicons read on demand

    return analyser()


def score(text: str, language: str = "en") -> float:
    """The compound score, -1 (very negative) to +1 (very positive), in the text's language."""
    from . import spanish_tone  # small; loaded with the first text, like VADER

    spanish = spanish_tone.looks_spanish(text)
    if spanish or (spanish is None and language == "es"):
        return round(spanish_tone.compound(text), 4)
    return round(float(_analyser().polarity_scores(text)["compound"]), 4)


def tone(compound: float | None) -> str:
    if compound is None:
        return ""
    if compound <= NEGATIVE:
        return "negative"
    if compound >= POSITIVE:
        return "positive"
    return "neutral"


def remember(recent: Sequence[float], new: float) -> list[float]:
    """The client's newest scores, oldest first, at most KEEP of them."""
    return [*recent, new][-KEEP:]


def turning_negative(recent: Sequence[float]) -> bool:
    """The caseload flag: the last RECENT texts average FLAG_AT or below."""
    if len(recent) < RECENT:
        return False
    last = recent[-RECENT:]
    return sum(last) / len(last) <= FLAG_AT
