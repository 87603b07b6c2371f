"""A small, offline tone scorer for Spanish texts, in VADER's manner and on its scale.

Each word's valence comes from ``spanish_lexicon``; a negator up to three words before a
word turns it around (scaled as VADER does), a booster just before strengthens or weakens
it, "pero" shifts the weight to what follows it, and exclamation marks add emphasis. The
sum is normalised into a compound score from -1 to +1 like VADER's, so the thresholds in
``sentiment`` (negative at -0.05, the caseload flag at -0.3) mean the same in both languages.
"""

from __future__ import annotations

import math
import re
import unicodedata

from .spanish_lexicon import BOOSTERS, EMOJI, NEGATORS, PHRASES, VALENCE

NEGATED = -0.74  # a negated word keeps about three quarters of its strength, reversed
NEGATION_REACH = 3  # words back
BEFORE_PERO, AFTER_PERO = 0.5, 1.5
EXCLAMATION = 0.292  # per mark, at most three
NORMALISE = 15.0  # VADER's alpha: x / sqrt(x² + alpha)
WORD = re.compile(r"[a-z]+")
LONGEST_PHRASE = max(len(p) for p in PHRASES)


def fold(text: str) -> str:
    """Lower case without accents: "Está" → "esta", "ñ" → "n" (the lexicon is kept so)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def _valences(tokens: list[str]) -> list[float]:
    """One valence per token (0 for words without one); phrases count once, on their first."""
    found = [0.0] * len(tokens)
    i = 0
    while i < len(tokens):
        for length in range(min(LONGEST_PHRASE, len(tokens) - i), 1, -1):
            value = PHRASES.get(tuple(tokens[i : i + length]))
            if value is not None:
                found[i] = value
                i += length
                break
        else:
            found[i] = _word_valence(tokens, i)
            i += 1
    return found


def _word_valence(tokens: list[str], i: int) -> float:
    value = VALENCE.get(tokens[i], 0.0)
    if not value:
        return 0.0
    boost = BOOSTERS.get(tokens[i - 1], 0.0) if i > 0 else 0.0
    value += boost if value > 0 else -boost  # a positive boost moves away from zero
    if any(t in NEGATORS for t in tokens[max(0, i - NEGATION_REACH) : i]):
        value *= NEGATED
    return value


def _weighted_by_pero(tokens: list[str], valences: list[float]) -> list[float]:
    if "pero" not in tokens:
        return valences
    at = tokens.index("pero")
    return [v * (BEFORE_PERO if i < at else AFTER_PERO) for i, v in enumerate(valences)]


def compound(text: str) -> float:
    """-1 (very negative) to +1 (very positive); 0 when no word of the lexicon appears."""
    tokens = words(text)
    total = sum(_weighted_by_pero(tokens, _valences(tokens)))
    total += sum(value for emoji, value in EMOJI.items() for _ in range(text.count(emoji)))
    if total:
        total += math.copysign(min(text.count("!"), 3) * EXCLAMATION, total)
    return total / math.sqrt(total * total + NORMALISE) if total else 0.0


# Common words of each language that the other rarely uses: enough to tell which one a
# short text is in ("no", "me", "a" are left out: both languages use them).
SPANISH_WORDS = frozenset(
    "que de el la los las un una y en es estoy esta estan soy muy pero por para con mi "
    "te se lo ya yo usted tengo puedo voy hoy manana gracias hola si como cuando porque "
    "todo nada mas bien mal hay eso del al le su nos".split()
)
ENGLISH_WORDS = frozenset(
    "the i you and to is am are my it not can will be have this that with for at on in "
    "but so im dont cant just thanks today tomorrow good bad of was your what do".split()
)


def looks_spanish(text: str) -> bool | None:
    """True or False when the text's common words say so; None when they don't."""
    tokens = words(text)
    spanish = sum(t in SPANISH_WORDS for t in tokens)
    english = sum(t in ENGLISH_WORDS for t in tokens)
    if spanish == english:
        return None
    return spanish > english
