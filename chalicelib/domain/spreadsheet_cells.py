"""Cells that a spreadsheet would run as a formula, whichever way their first character
is written.

Spreadsheets run a cell that starts with = + - @ (OWASP's "CSV injection"); a tab or a
carriage return before one hides it. They also read compatibility forms as the plain
character: a fullwidth equals sign (U+FF1D) or a small one (U+FE66) starts a formula as
= does. So the first character
that shows is compared after Unicode compatibility normalisation (NFKC), and characters
that draw nothing before it do not hide it.
"""

from __future__ import annotations

import unicodedata

from .message_body import is_blank

FORMULA_START = "=+-@"


def _shows_nothing(ch: str) -> bool:
    return ch.isspace() or is_blank(ch)


def _starts_formula(ch: str) -> bool:
    return unicodedata.normalize("NFKC", ch)[:1] in FORMULA_START


def runs_as_formula(value: str) -> bool:
    """Would a spreadsheet opening this cell run it?"""
    if value[:1] in ("\t", "\r"):
        return True
    for ch in value:
        if not _shows_nothing(ch):
            return _starts_formula(ch)
    return False


def neutralised(value: str) -> str:
    """An exported cell as text: a leading apostrophe when it would run (the cell keeps
    every character it had)."""
    return "'" + value if runs_as_formula(value) else value


def without_formula_start(value: str) -> str:
    """An imported cell as text: what draws nothing and what would start a formula,
    dropped from its start (a court's room "=W43" becomes "W43")."""
    start = 0
    while start < len(value) and (_shows_nothing(value[start]) or _starts_formula(value[start])):
        start += 1
    return value[start:]
