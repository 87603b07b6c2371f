"""What a client's reply to an appointment reminder means: a confirmation, a request to
reschedule, an attempt at an answer that is neither (flagged, never guessed at), or just a
text; and what a confirmation does to the reminders still to come.

This module only reads the words. The caller decides which appointment the reply belongs
to, and checks carrier keywords first: STOP always wins over an answer.

The whole trimmed text must be one answer from the vocabulary below (case and accents
ignored, "¡"/"¿" in front and ".", "!", "," or an emoji behind allowed). Anything longer,
such as "yes but I'll be late", is a message for the case manager, not an answer; and
stretched spellings ("YESSS") are not guessed at, so the rule stays easy to explain.

Not understood (``unclear``): a short reply (at most four words) made only of answer words
and words of doubt ("Y Y", "yes no", "maybe", "idk", "Y?", "no se", "tal vez"). It reads
like an answer to a reminder, but which one is a guess, so the case manager is told.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Answer(StrEnum):
    CONFIRM = "confirm"
    RESCHEDULE = "reschedule"
    UNCLEAR = "unclear"  # reads like an answer, is neither: flagged, never guessed at


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
# Words of doubt: a reply made of these (and answer words) reads like an unsure answer.
UNSURE_WORDS = frozenset(
    {
        "MAYBE",
        "IDK",
        "DUNNO",
        "NOT SURE",
        "UNSURE",
        "PERHAPS",
        "PROBABLY",
        "I DONT KNOW",
        "I DON'T KNOW",
        "DONT KNOW",
        "DON'T KNOW",
        "QUIZAS",
        "QUIZA",
        "TAL VEZ",
        "NO SE",
        "A LO MEJOR",
        "PUEDE SER",
    }
)
MAX_UNCLEAR_WORDS = 4
# Marks that may sit between the words of an unsure reply ("yes, no", "Y?").
INNER_MARKS = str.maketrans({mark: " " for mark in "?¿!¡.,;"})
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


def reading_of(body: str) -> Answer | None:
    """The answer, UNCLEAR for an attempt at one that is neither, None for any other text."""
    answer = answer_in(body)
    if answer is None and unclear(body):
        return Answer.UNCLEAR
    return answer


def unclear(body: str) -> bool:
    """Does the reply read like an attempt at an answer without being one (see the module
    docstring)? A real answer is never unclear; nor is a longer text, or one with any
    other word in it (a message for the case manager, as every text is)."""
    if answer_in(body) is not None:
        return False
    words = normalise(body).translate(INNER_MARKS).split()
    if not words or len(words) > MAX_UNCLEAR_WORDS:
        return False
    known = VOCABULARY.keys() | UNSURE_WORDS
    position = 0
    while position < len(words):
        for length in (4, 3, 2, 1):  # the longest known phrase starting here
            if " ".join(words[position : position + length]) in known:
                position += length
                break
        else:
            return False
    return True


class AfterConfirmation(StrEnum):
    """What a jurisdiction does with an appointment's reminders still to come once the
    client confirmed (the ``after_confirmation`` setting)."""

    DAY_BEFORE = "day_before"  # keep only the day-before one, as "see you"; cancel the rest
    SEE_YOU = "see_you"  # every one still to come goes, as "see you" (no question)
    SKIP = "skip"  # none of them goes


DAY_BEFORE_OFFSET = 1


def keeps_after_confirmation(setting: AfterConfirmation, offset: int | None) -> bool:
    """Does the reminder at ``offset`` days still go (in the "see you" wording) once the
    appointment is confirmed? Otherwise it is cancelled."""
    if setting is AfterConfirmation.SEE_YOU:
        return True
    if setting is AfterConfirmation.DAY_BEFORE:
        return offset == DAY_BEFORE_OFFSET
    return False
