"""Spanish texts get a tone too: the "turning negative" flag must fire for them."""

from __future__ import annotations

import pytest

from chalicelib.domain import sentiment
from chalicelib.domain.spanish_tone import compound, looks_spanish

NEGATIVE = [
    "Estoy muy triste, ya no aguanto más",
    "Me siento deprimido, todo está mal",
    "Odio esta situación, es horrible",
    "No tengo trabajo y estoy desesperado",
    "Estoy harta de todo esto 😡",
    "Perdí mi trabajo y me siento fatal",
    "No estoy bien",
]
POSITIVE = [
    "Muchas gracias, estoy muy bien!",
    "Todo bien, nos vemos el jueves",
    "Estoy feliz, conseguí trabajo",
    "Gracias por su ayuda, estoy contenta",
    "No hay problema, allí estaré",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_clearly_negative_spanish_texts_score_negative(text):
    assert sentiment.score(text, "es") <= -0.3
    assert sentiment.tone(sentiment.score(text, "es")) == "negative"


@pytest.mark.parametrize("text", POSITIVE)
def test_positive_spanish_texts_score_positive(text):
    assert sentiment.tone(sentiment.score(text, "es")) == "positive"


def test_three_negative_spanish_texts_trip_the_flag_and_positive_ones_do_not():
    negative = [sentiment.score(t, "es") for t in NEGATIVE[:3]]
    positive = [sentiment.score(t, "es") for t in POSITIVE[:3]]
    assert sentiment.turning_negative(negative)
    assert not sentiment.turning_negative(positive)
    assert not sentiment.turning_negative([*negative[:2], *positive[:1]])


def test_spanish_is_recognised_even_for_a_client_marked_english():
    # The client's language setting is often left at English; the words decide first.
    assert sentiment.score("Estoy muy triste, ya no aguanto más", "en") <= -0.3


def test_english_texts_stay_with_vader_whatever_the_clients_language():
    assert sentiment.score("I hate this, everything is terrible", "es") <= -0.5
    assert sentiment.score("Thank you so much!", "es") > 0.3


def test_a_text_without_telling_words_follows_the_clients_language():
    assert looks_spanish("triste 😢") is None
    assert sentiment.score("triste 😢", "es") < 0


def test_negation_turns_a_word_around_and_pero_weighs_what_follows():
    assert compound("es bueno") > 0 > compound("no es bueno")
    assert compound("no es malo") > 0
    assert compound("estoy cansado pero contento") > 0
    assert compound("estoy contento pero cansado") < compound("estoy cansado pero contento")


def test_boosters_strengthen_and_dampeners_soften():
    assert compound("muy triste") < compound("triste") < compound("poco triste") < 0


def test_accents_and_case_do_not_matter():
    assert compound("ESTOY DEPRIMIDA") == compound("estoy deprimida")
    assert compound("Estás mal, está difícil") == compound("estas mal, esta dificil")


def test_logistics_are_neutral():
    assert compound("Voy a llegar a las 3 el martes") == 0.0
