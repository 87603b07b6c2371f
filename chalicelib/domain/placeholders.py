"""Placeholders in user-written texts ("Hi {first_name}, the office is closed Monday").

Templates are user text: never given to ``str.format`` (a ``{0.__class__}`` must stay
text, not run). Placeholders are found with a regular expression and substituted here;
anything else in braces is refused when the text is checked, with words that say what to
fix. Reminder wording, mass texts and saved replies all use this one parser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .errors import ValidationFailed

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
BRACED = re.compile(r"\{[^{}]*\}")

# The placeholders a text to one client may use (mass texts, saved replies).
CLIENT_PLACEHOLDERS = ("first_name", "last_name", "case_manager")


def listed(allowed: Sequence[str]) -> str:
    """ "{first_name}, {last_name}" — how an error message names the allowed ones."""
    return ", ".join("{" + name + "}" for name in allowed)


def _check_literal(chunk: str, allowed: Sequence[str], field: str) -> None:
    """Text between placeholders may not hold braces: they would be typos or tricks."""
    if "{" not in chunk and "}" not in chunk:
        return
    braced = BRACED.search(chunk)
    if braced:
        raise ValidationFailed(
            {field: f"{braced.group()} is not a placeholder. Use {listed(allowed)}."}
        )
    stray = "{" if "{" in chunk else "}"
    raise ValidationFailed(
        {
            field: f"The '{stray}' has no partner. Braces are only for placeholders "
            f"such as {{{allowed[0]}}}."
        }
    )


def pieces(text: str, allowed: Sequence[str], field: str) -> list[tuple[bool, str]]:
    """The template as (is_placeholder, literal text or placeholder name), or
    ValidationFailed on ``field`` naming the first brace that is not an allowed one."""
    parts: list[tuple[bool, str]] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        literal = text[position : match.start()]
        _check_literal(literal, allowed, field)
        name = match.group(1)
        if name not in allowed:
            message = f"{{{name}}} is not a placeholder. Use {listed(allowed)}."
            raise ValidationFailed({field: message})
        parts.extend([(False, literal), (True, name)])
        position = match.end()
    _check_literal(text[position:], allowed, field)
    parts.append((False, text[position:]))
    return parts


def used(text: str, allowed: Sequence[str], field: str) -> set[str]:
    """The placeholders ``text`` uses (ValidationFailed as ``pieces``)."""
    return {name for is_placeholder, name in pieces(text, allowed, field) if is_placeholder}


def fill(text: str, values: Mapping[str, str], field: str = "body") -> str:
    """``text`` with each placeholder replaced by its value (whitespace runs in a value
    made one space); only the names in ``values`` are allowed."""
    allowed = tuple(values)
    return "".join(
        " ".join(values[part].split()) if is_placeholder else part
        for is_placeholder, part in pieces(text, allowed, field)
    )
