"""Clients and their caseload views: validation, ordering and search, free of storage."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from . import sentiment
from .client_numbers import MAX_PHONE_NOTE, combined_note, parse_client_phone
from .errors import ValidationFailed
from .message_body import has_visible_text
from .retirement import Retirement
from .search import fold, search_text_for, search_words, text_matches

MAX_NAME = 60
MAX_NOTES = 2000
MAX_ID_NUMBER = 40
LANGUAGES = {"en": "English", "es": "Spanish"}


@dataclass(frozen=True)
class ClientDetails:
    """What a person types about a client, already checked and normalised."""

    first_name: str
    last_name: str
    phone: str
    notes: str = ""
    language: str = "en"
    id_number: str = ""
    phone_note: str = ""  # an extension or words typed with the number ("ext. 5, mom's")

    @classmethod
    def from_form(
        cls,
        form: Mapping[str, str],
        region: str = "US",
        refuse_number: Callable[[str], str | None] | None = None,
    ) -> ClientDetails:
        """Check every field at once so the person sees all problems together.

        ``refuse_number`` says why a well-formed number still cannot be this client's (the
        department's own number, a country not allowed), or None.
        """
        errors: dict[str, str] = {}
        first = _clean_text(form.get("first_name", ""))
        last = _clean_text(form.get("last_name", ""))
        for field, value, label in (("first_name", first, "first"), ("last_name", last, "last")):
            if not value:
                errors[field] = f"Enter the client's {label} name."
            elif len(value) > MAX_NAME:
                errors[field] = f"Keep the {label} name under {MAX_NAME} characters."
        phone = ""
        moved = ""
        try:
            typed = parse_client_phone(form.get("phone", ""), region)
            phone, moved = typed.e164, typed.phone_note
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
        refusal = refuse_number(phone) if phone and refuse_number else None
        if refusal:
            errors["phone"] = refusal
        phone_note = combined_note(moved, _clean_text(form.get("phone_note", "")))
        if len(phone_note) > MAX_PHONE_NOTE:
            errors["phone_note"] = f"Keep the note on the number under {MAX_PHONE_NOTE} characters."
        notes = (form.get("notes") or "").strip()
        if len(notes) > MAX_NOTES:
            errors["notes"] = f"Notes are {len(notes)} characters; the limit is {MAX_NOTES}."
        language = form.get("language") or "en"
        if language not in LANGUAGES:
            errors["language"] = "Choose English or Spanish."
        id_number = _clean_text(form.get("id_number", ""))
        if len(id_number) > MAX_ID_NUMBER:
            errors["id_number"] = f"Keep the id number under {MAX_ID_NUMBER} characters."
        if errors:
            raise ValidationFailed(errors)
        return cls(first, last, phone, notes, language, id_number, phone_note)


@dataclass(frozen=True)
class Client:
    client_id: str
    department_id: str
    case_manager_id: str
    first_name: str
    last_name: str
    phone: str
    notes: str = ""
    language: str = "en"
    id_number: str = ""
    unread_count: int = 0
    last_contact_at: datetime | None = None
    version: int = 1
    old_phones: tuple[str, ...] = ()
    opted_out: bool = False
    delivery_problem: str = ""
    recent_sentiment: tuple[float, ...] = ()
    inbound_count: int = 0
    changed_at: datetime | None = None
    scheduled_count: int = 0  # texts waiting to go out
    # open appointments as the caseload shows them (see domain/appointments.py); None on a
    # client stored before appointments existed
    appointments: Mapping[str, str] | None = None
    phone_note: str = ""  # an extension or note kept with the number; never texted

    retirement: Retirement | None = None  # set while the client is retired (case closed)

    @property
    def retired(self) -> bool:
        return self.retirement is not None

    @property
    def search_text(self) -> str:
        return search_text_for(self.first_name, self.last_name, self.phone, self.id_number)

    @property
    def turning_negative(self) -> bool:
        return sentiment.turning_negative(self.recent_sentiment)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def listed_name(self) -> str:
        """ "Last, First": how caseloads are read and sorted."""
        return f"{self.last_name}, {self.first_name}"


def sort_key_for(first_name: str, last_name: str) -> str:
    """The alphabetical key stored with a client: last name, then first, accent- and case-free."""
    return f"{fold(last_name)}\x1f{fold(first_name)}"


class CaseloadOrder(StrEnum):
    NAME = "name"
    UNREAD = "unread"
    RECENT = "recent"
    INBOX = "inbox"  # unread first, then the most recent contact: a phone's default

    @classmethod
    def parse(cls, value: str | None) -> CaseloadOrder:
        try:
            return cls(value or cls.NAME)
        except ValueError:
            return cls.NAME


def order_caseload(clients: Iterable[Client], order: CaseloadOrder) -> list[Client]:
    """Alphabetical is the base order; the others are stable re-sorts on top of it."""
    listed = sorted(clients, key=lambda c: sort_key_for(c.first_name, c.last_name))
    if order in (CaseloadOrder.RECENT, CaseloadOrder.INBOX):
        listed.sort(
            key=lambda c: c.last_contact_at.timestamp() if c.last_contact_at else 0.0, reverse=True
        )
    if order is CaseloadOrder.UNREAD:
        listed.sort(key=lambda c: c.unread_count, reverse=True)
    elif order is CaseloadOrder.INBOX:
        listed.sort(key=lambda c: c.unread_count == 0)
    return listed


def change_marker(clients: Iterable[Client]) -> str:
    """A short fingerprint of what a list page shows that changes with every text, status,
    read or edit: an open page compares it to decide whether to refresh."""
    digest = hashlib.sha256()
    for client in sorted(clients, key=lambda c: c.client_id):
        changed = client.changed_at.isoformat() if client.changed_at else "-"
        digest.update(f"{client.client_id}|{changed}|{client.unread_count}\n".encode())
    return digest.hexdigest()[:20]


def matches(client: Client, query: str) -> bool:
    """Search by any part of the name, digits of the number, or the id number (the same
    rule the caseload's DynamoDB filter applies, see domain/search.py)."""
    return text_matches(client.search_text, search_words(query))


def id_number_key(id_number: str) -> str:
    """How an id number is matched (a court file's "ab-9" is the client's "AB-9"): the key
    of the id-number index, and of the court import's lookups."""
    return id_number.strip().casefold()


def _clean_text(value: str | None) -> str:
    """Collapse runs of white space and drop control characters a paste can bring along;
    nothing visible (a braille blank, a Hangul filler) is nothing."""
    text = "".join(ch for ch in (value or "") if ch.isprintable() or ch == " ")
    text = " ".join(text.split())
    return text if has_visible_text(text) else ""
