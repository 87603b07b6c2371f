"""Saved replies: wording a case manager types twenty times a day, kept to insert in one go.

A reply is someone's own ("mine") or the department's (its supervisors keep those). Each
has an English wording and, optionally, a Spanish one; a client gets the wording in their
language, else the English. Placeholders ({first_name}, {last_name}, {case_manager}) are
filled per client by the one parser, ``placeholders.py``; nothing here is HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .errors import ValidationFailed
from .message_body import clean_body, has_visible_text
from .placeholders import CLIENT_PLACEHOLDERS, fill, used

MAX_TITLE = 60
# Filled with the longest names a client and a case manager may have, the text still fits
# the compose box (1,600 characters); a reply longer than this is a letter, not a reply.
MAX_WORDING = 1000
ENGLISH = "en"
SPANISH = "es"
LANGUAGES = {ENGLISH: "English", SPANISH: "Spanish"}
FIELDS = {ENGLISH: "english", SPANISH: "spanish"}  # the form field of each wording
REPLY_ID = re.compile(r"^[0-9a-f]{16,32}$")
# Said for {case_manager} when the client's case manager can't be named (left the office).
NO_CASE_MANAGER = {ENGLISH: "your case manager", SPANISH: "su encargado de caso"}


class Scope(StrEnum):
    MINE = "mine"  # the signed-in person's own; nobody else ever sees them
    DEPARTMENT = "department"  # every case manager of the department; supervisors keep them

    @property
    def label(self) -> str:
        return "My replies" if self is Scope.MINE else "Department replies"


@dataclass(frozen=True)
class SavedReply:
    """``owner_id`` is the person a "mine" reply belongs to ("" for the department's);
    ``version`` is 0 until stored, then counts the saves (guards edits)."""

    reply_id: str
    scope: Scope
    owner_id: str
    title: str
    english: str
    spanish: str = ""
    version: int = 0

    def wording(self, language: str) -> tuple[str, str]:
        """(language used, wording): the client's language when written, else English."""
        if primary_language(language) == SPANISH and self.spanish.strip():
            return SPANISH, self.spanish
        return ENGLISH, self.english


@dataclass(frozen=True)
class FilledReply:
    """A reply as one client will read it: what the picker inserts."""

    reply_id: str
    scope: Scope
    title: str
    language: str
    text: str


def primary_language(language: str) -> str:
    """ "es-MX" → "es"; nothing → English."""
    return (language or ENGLISH).strip().lower().replace("_", "-").split("-")[0] or ENGLISH


def _wording(raw: str, field: str, required: bool, errors: dict[str, str]) -> str:
    text = clean_body(raw)
    if not has_visible_text(text):
        if required:
            errors[field] = "Write the English wording: every client can be sent it."
        return ""
    if len(text) > MAX_WORDING:
        errors[field] = f"The wording is {len(text)} characters; the limit is {MAX_WORDING}."
        return text
    try:
        used(text, CLIENT_PLACEHOLDERS, field)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    return text


def checked_reply(
    form: Mapping[str, str], reply_id: str, scope: Scope, owner_id: str, version: int
) -> SavedReply:
    """The reply the form describes, or ValidationFailed naming every problem at once. A
    blank name is taken from the English wording's first words."""
    errors: dict[str, str] = {}
    english = _wording(form.get(FIELDS[ENGLISH], ""), FIELDS[ENGLISH], True, errors)
    spanish = _wording(form.get(FIELDS[SPANISH], ""), FIELDS[SPANISH], False, errors)
    title = " ".join((form.get("title") or "").split())
    if len(title) > MAX_TITLE:
        errors["title"] = f"Keep the name under {MAX_TITLE} characters (it is {len(title)})."
    if errors:
        raise ValidationFailed(errors)
    return SavedReply(
        reply_id, scope, owner_id, title or title_from(english), english, spanish, version
    )


def title_from(text: str) -> str:
    """The first words of a wording, as a name for a reply saved without one."""
    words = " ".join(text.split())
    if len(words) <= 40:
        return words
    return words[:40].rsplit(" ", 1)[0] + "…"


def filled(reply: SavedReply, language: str, values: Mapping[str, str]) -> FilledReply:
    """``reply`` in the client's language with ``values`` (first_name, last_name,
    case_manager) filled in."""
    used_language, wording = reply.wording(language)
    text = fill(wording, {name: values.get(name, "") for name in CLIENT_PLACEHOLDERS})
    return FilledReply(reply.reply_id, reply.scope, reply.title, used_language, text)
