"""VADER's lexicons read on demand give exactly what VADER's own parse gives: every word,
every emoji, every character a text may hold, and so every score."""

from __future__ import annotations

import string

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from chalicelib.domain import sentiment
from chalicelib.domain.vader_lexicons import analyser


@pytest.fixture(scope="module")
def stock() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


@pytest.fixture(scope="module")
def on_demand():
    return analyser()


def test_every_word_has_the_value_vaders_parse_gives_it(stock, on_demand):
    assert all(on_demand.lexicon[word] == value for word, value in stock.lexicon.items())
    assert on_demand.lexicon.parsed() == stock.lexicon  # nothing more, words listed twice too


def test_every_emoji_has_the_description_vaders_parse_gives_it(stock, on_demand):
    assert all(on_demand.emojis[emoji] == text for emoji, text in stock.emojis.items())
    assert on_demand.emojis.parsed() == stock.emojis


def test_no_character_or_word_around_the_entries_is_found_that_vader_lacks(stock, on_demand):
    asked = set(string.printable) | {"", " ", "\r", "\u00a0", "x\ty", "a\nb"}
    asked |= {ch for emoji in stock.emojis for ch in emoji}
    asked |= {ch for text in stock.emojis.values() for ch in text}
    asked |= {w[:-1] for w in stock.lexicon} | {w + "s" for w in stock.lexicon}
    asked |= {" " + w for w in list(stock.lexicon)[:200]}
    for key in asked:
        assert (key in on_demand.lexicon) == (key in stock.lexicon), repr(key)
        assert (key in on_demand.emojis) == (key in stock.emojis), repr(key)
    with pytest.raises(KeyError):
        on_demand.lexicon["no-such-word-here"]


@pytest.mark.parametrize(
    "text",
    [
        "Running late, the bus broke down",
        "I am SO happy!!! thanks :) 💘",
        "not good at all, the worst day 😡",
        "no problem, kind of sad though",
        "Y",
        "ok see you Monday 🙂👍",
        "I can't make it. Sorry!!",
        "",
    ],
)
def test_scores_are_vaders_own(stock, on_demand, text):
    assert on_demand.polarity_scores(text) == stock.polarity_scores(text)


def test_the_app_scores_english_with_the_lexicons_read_on_demand(stock):
    text = "Running late, the bus broke down"
    assert sentiment.score(text, "en") == round(stock.polarity_scores(text)["compound"], 4)
    assert sentiment.score(text, "en") != 0  # a word the lexicon holds was found
