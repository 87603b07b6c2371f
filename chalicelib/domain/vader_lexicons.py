"""VADER's lexicons, each entry found when first asked for.

Building VADER's analyser parses its 7,500 words and 3,500 emoji into dicts: ~13 ms of a
cold Lambda's first inbound text, which reads a dozen of them. Here each file is read whole
and an entry is found by a search of the text (C speed) on its first lookup, then kept.
VADER only asks ``key in lexicon`` and ``lexicon[key]``. The values are the ones VADER's
own parse gives, the last line winning for a word listed twice, as in a dict built line by
line (tests/unit/test_vader_lexicons.py compares every entry and every character).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

V = TypeVar("V")
MISSING = object()
MAX_KEPT = 50_000  # entries and misses kept; a warm container starts over past this


class OnDemand(Mapping[str, V], Generic[V]):
    """A ``word<TAB>value<TAB>...`` file (CRLF or LF lines) as a read-only mapping."""

    def __init__(self, text: str, value: Callable[[str], V]) -> None:
        self.text = "\n" + text
        self.value = value
        self.found: dict[str, Any] = {}

    def lookup(self, key: str) -> Any:
        found = self.found.get(key, MISSING)
        if found is MISSING:
            found = self.search(key)
            if len(self.found) >= MAX_KEPT:
                self.found.clear()
            self.found[key] = found
        return found

    def search(self, key: str) -> Any:
        # a key VADER's parse could make: no line break or tab in it, nothing to strip
        if not key or "\n" in key or "\t" in key or key != key.strip():
            return None
        at = self.text.rfind("\n" + key + "\t")
        if at < 0:
            return None
        start = at + len(key) + 2
        tab, eol = self.text.find("\t", start), self.text.find("\n", start)
        eol = len(self.text) if eol < 0 else eol
        if 0 <= tab < eol:
            return self.value(self.text[start:tab])
        return self.value(self.text[start:eol].rstrip())  # the line's last field

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.lookup(key) is not None

    def __getitem__(self, key: str) -> V:
        found = self.lookup(key) if isinstance(key, str) else None
        if found is None:
            raise KeyError(key)
        result: V = found
        return result

    def parsed(self) -> dict[str, V]:
        """Every entry at once, as VADER parses them (for comparing; slow on purpose)."""
        entries: dict[str, V] = {}
        for line in self.text.split("\n"):
            if line.strip():
                key = line.strip().split("\t")[0]
                entries[key] = self[key]
        return entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.parsed())

    def __len__(self) -> int:
        return len(self.parsed())


def analyser() -> Any:
    """VADER's analyser over lexicons read on demand (its own ``__init__`` parses them)."""
    from vaderSentiment import vaderSentiment

    folder = Path(vaderSentiment.__file__).parent
    # bytes decoded as VADER's codecs.open reads them: line ends kept as they are
    words = (folder / "vader_lexicon.txt").read_bytes().decode("utf-8")
    emoji = (folder / "emoji_utf8_lexicon.txt").read_bytes().decode("utf-8")
    built = vaderSentiment.SentimentIntensityAnalyzer.__new__(
        vaderSentiment.SentimentIntensityAnalyzer
    )
    built.lexicon = OnDemand(words, float)
    built.emojis = OnDemand(emoji, str)
    return built
