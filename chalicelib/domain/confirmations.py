"""What a client's reply to an appointment reminder means: a confirmation, a request to
reschedule, or neither.

This module only reads the words. The caller decides which appointment the reply belongs
to, and checks carrier keywords first: STOP always wins over an answer.

The whole trimmed text must be one answer from the vocabulary below (case and accents
ignored, "¡"/"¿" in front and ".", "!", "," or an emoji behind allowed). Anything longer,
such as "yes but I'll be late", is a message for the case manager, not an answer; and
stretched spellings ("YESSS") are not guessed at, so the rule stays easy to explain.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Answer(StrEnum):
    CONFIRM = "confirm"
    RESCHEDULE = "reschedule"


CONFIRM_WORDS = frozenset(
    {
        "Y",
        "YES",
        "YEP",
        "YEAH",
        "C",
        "CONFIRM",
        "CONFIRMED",
        "OK",
        "OKAY",
        "SI",
        "CONFIRMO",
        "CONFIRMADO",
    }
)
RESCHEDULE_WORDS = frozenset(
    {
        "N",
        "NO",
        "CANT",
        "CAN'T",
        "CANNOT",
        "CAN NOT",
        "RESCHEDULE",
        "NO PUEDO",
        "REPROGRAMAR",
        "CAMBIAR",
    }
)
VOCABULARY: dict[str, Answer] = {
    **{word: Answer.CONFIRM for word in CONFIRM_WORDS},
    **{word: Answer.RESCHEDULE for word in RESCHEDULE_WORDS},
}

# Phones type a curly apostrophe as often as a straight one.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
LEADING_MARKS = frozenset("¡¿")
TRAILING_MARKS = frozenset(".!,")
# Parts of an emoji that are not themselves symbols: variation selector, joiner, skin tones.
EMOJI_PARTS = frozenset({"\ufe0f", "\u200d"} | {chr(c) for c in range(0x1F3FB, 0x1F400)})


def _trailing_noise(ch: str) -> bool:
    """Whitespace, closing punctuation or emoji that may follow an answer."""
    return (
        ch.isspace()
        or ch in TRAILING_MARKS
        or ch in EMOJI_PARTS
        or unicodedata.category(ch) == "So"
    )


def normalise(body: str) -> str:
    """The reply reduced to what is compared with the vocabulary.

    Upper case, accents dropped (NFKD, combining marks removed), curly apostrophes made
    straight, inner whitespace collapsed, and the allowed marks around it removed.
    """
    decomposed = unicodedata.normalize("NFKD", body.upper())
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = text.upper().translate(APOSTROPHES)
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] in LEADING_MARKS):
        start += 1
    while end > start and _trailing_noise(text[end - 1]):
        end -= 1
    return " ".join(text[start:end].split())


def answer_in(body: str) -> Answer | None:
    """The answer when the whole reply is one of the known words, else None."""
    return VOCABULARY.get(normalise(body))
