"""Caseload search: what is stored on a client to be found by, and what a query asks for.

A client carries one folded string, ``search_text``, written in the same write as its
details: the words of its name, the digits of its current number and its id number (as
typed and without separators), accent- and case-free, between spaces. A query becomes a
few words; a client matches when every word is part of that string. The store asks
DynamoDB to do the same test (``contains`` per word), so the rule lives here once.
"""

from __future__ import annotations

import re
import unicodedata

from .phones import digits

MAX_QUERY = 100
MAX_WORDS = 6
_SEPARATORS = re.compile(r"[\s,;]+")


def fold(text: str) -> str:
    """Lower-case and strip accents so "Peña" sorts and matches like "pena"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def search_text_for(first_name: str, last_name: str, phone: str, id_number: str) -> str:
    """The string a client is found by: " michael tran 13855550101 100200 "."""
    words = [*_SEPARATORS.split(fold(f"{first_name} {last_name}"))]
    if digits(phone):
        words.append(digits(phone))
    folded_id = fold(id_number)
    if folded_id:
        words.append(folded_id.replace(" ", ""))
        bare = "".join(ch for ch in folded_id if ch.isalnum())
        if bare and bare != folded_id:
            words.append(bare)
    return " " + " ".join(w for w in words if w) + " "


def search_words(query: str) -> tuple[str, ...]:
    """What a query asks for: "Tran, Michael" and "michael tran" both give (tran, michael)
    in some order; "555-0101" gives the digits alone. At most MAX_WORDS words."""
    query = query.strip()[:MAX_QUERY]
    if not query:
        return ()
    wanted_digits = digits(query)
    if len(wanted_digits) >= 3 and len(wanted_digits) * 2 >= len(query.replace(" ", "")):
        return (wanted_digits,)
    words = [w for w in _SEPARATORS.split(fold(query)) if w]
    return tuple(dict.fromkeys(words))[:MAX_WORDS]


def text_matches(search_text: str, words: tuple[str, ...]) -> bool:
    """The test DynamoDB's filter makes: every word is part of the client's search text."""
    return all(word in search_text for word in words)
