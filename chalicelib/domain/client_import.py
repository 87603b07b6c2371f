"""A verdict for every row of a client spreadsheet, before anything is written.

Who may import into whose caseload: a supervisor (or an admin) into the caseload of any
active case manager of their own department, named per row by username; a case manager
into their own caseload only (a row naming someone else is "another caseload"; a row
naming nobody is theirs). Nobody imports into another department: its staff are not
among the usernames the rows are looked up in.

"The same person" (a row that is "already here"): an active client of the department
with the row's id number (the department's own identifier for a person, whatever phone
the row has); or, when the row or that client has no id number, the client whose current
number is the row's phone and whose first and last names are the row's (case and accents
aside). A phone held by anyone else is "number taken": the holder is named only to an
importer who may open that client. Within the file, a row with the phone or id number of
an earlier readable row is a "duplicate row".

A retired client (case closed) is the row's person by the same rule, matched by id number
or by their last number and names: the row is "retired client", never a second client
for that person; reactivating them (their page) is a person's decision, and brings their
history back with them.

Languages are read leniently ("Spanish", "SPA", "es-MX", "Español" are Spanish; blank is
English); anything else is "unknown language", left for a person to fix rather than
texting someone in a language they may not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from .client_import_file import ClientRow
from .clients import ClientDetails, id_number_key
from .errors import ValidationFailed
from .phones import DEFAULT_REGION, display_phone
from .search import fold


class Verdict(StrEnum):
    NEW = "new"
    HERE = "already here"
    BAD_PHONE = "bad phone"
    NUMBER_TAKEN = "number taken"
    CASE_MANAGER = "unknown case manager"
    NOT_YOURS = "another caseload"
    DUPLICATE = "duplicate row"
    BAD_ROW = "bad row"
    RETIRED = "retired client"
    LANGUAGE = "unknown language"


LANGUAGE_WORDS = {
    "": "en",
    "en": "en",
    "eng": "en",
    "english": "en",
    "ingles": "en",
    "es": "es",
    "sp": "es",
    "spa": "es",
    "esp": "es",
    "span": "es",
    "spanish": "es",
    "espanol": "es",
    "castellano": "es",
}


@dataclass(frozen=True)
class Staff:
    """A member of the importer's department, as a row's username finds them."""

    user_id: str
    display_name: str
    active: bool
    case_manager: bool


@dataclass(frozen=True)
class Holder:
    """An active client of the department a row may be the same person as."""

    client_id: str
    first_name: str
    last_name: str
    id_number: str
    case_manager_id: str
    visible: bool  # the importer may open this client
    manager_name: str = ""


@dataclass(frozen=True)
class Known:
    """What the rows are compared with: one read of each, made by the service."""

    importer_id: str
    oversees: bool  # a supervisor or admin
    staff: Mapping[str, Staff]  # casefolded username → staff member
    by_phone: Mapping[str, Holder]  # E.164 → its current holder
    by_id_number: Mapping[str, Sequence[Holder]]  # id_number_key → holders
    refuse_number: Callable[[str], str | None] = lambda phone: None
    region: str = DEFAULT_REGION
    # Retired clients of the department, by id_number_key and by their last number.
    retired_by_id: Mapping[str, Sequence[Holder]] = field(default_factory=dict)
    retired_by_phone: Mapping[str, Sequence[Holder]] = field(default_factory=dict)


@dataclass(frozen=True)
class RowVerdict:
    """A row as planned: what it would create, or why not."""

    line: int
    verdict: Verdict
    message: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""  # E.164 once readable, else as written
    language: str = "en"
    id_number: str = ""
    phone_note: str = ""
    case_manager_id: str = ""
    client_id: str = ""  # the client it already is, when the importer may open them

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def as_plain(row: RowVerdict) -> dict[str, Any]:
    """A planned row as JSON values, to keep with the import."""
    return {**asdict(row), "verdict": row.verdict.value}


def from_plain(data: dict[str, Any]) -> RowVerdict:
    """A kept row back (fields a kept plan lacks take their defaults; unknown ones are
    ignored). Written out rather than ``import_plan.rebuilt``: a 5,000-row preview reads
    every row, and the generic reader's type lookups cost a second there."""
    known = {f.name for f in fields(RowVerdict)}
    values = {k: v for k, v in data.items() if k in known}
    return RowVerdict(**{**values, "verdict": Verdict(values["verdict"])})


def language_of(cell: str) -> str | None:
    """ "en" or "es" for what a spreadsheet writes (blank is English; a name in English
    or Spanish, a two- or three-letter code, with a region or not: "es-MX", "Spanish
    (Mexico)"); None if neither."""
    word = re.split(r"[-_/(,;]", fold(cell).strip(), maxsplit=1)[0]
    return LANGUAGE_WORDS.get(word.strip(" .").strip())


def phone_reason(text: str, region: str = DEFAULT_REGION) -> str:
    """Why phonenumbers will not take ``text`` as a number, in words ("" if it does)."""
    import phonenumbers
    from phonenumbers import NumberParseException as Failed
    from phonenumbers import ValidationResult as Result

    try:
        parsed = phonenumbers.parse(text, region)
    except Failed as exc:
        return {
            Failed.INVALID_COUNTRY_CODE: "its country code is unknown",
            Failed.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
            Failed.TOO_SHORT_NSN: "too short",
            Failed.TOO_LONG: "too long",
        }.get(exc.error_type, "not a phone number")
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    words = {
        Result.TOO_SHORT: "too short",
        Result.TOO_LONG: "too long",
        Result.INVALID_LENGTH: "the wrong length for its country",
        Result.INVALID_COUNTRY_CODE: "its country code is unknown",
        Result.IS_POSSIBLE_LOCAL_ONLY: "a local number without its area code",
    }
    if reason in words:
        return words[reason]
    if not phonenumbers.is_valid_number(parsed):
        return "no such area code or exchange"
    return ""


def _details(row: ClientRow, known: Known) -> ClientDetails | RowVerdict:
    language = language_of(row.language)
    form = {
        "first_name": row.first_name,
        "last_name": row.last_name,
        "phone": row.phone,
        "language": language or "unknown",
        "id_number": row.id_number,
    }
    try:
        return ClientDetails.from_form(form, known.region, known.refuse_number)
    except ValidationFailed as exc:
        errors = dict(exc.field_errors)
    if "phone" in errors and len(errors) == 1:
        reason = phone_reason(row.phone.strip(), known.region) if row.phone.strip() else ""
        message = errors["phone"] + (f" (phonenumbers: {reason})" if reason else "")
        return _refused(row, Verdict.BAD_PHONE, message)
    if "language" in errors:
        errors["language"] = (
            f"Language “{row.language}” is neither English nor Spanish: ClientComm texts "
            "in those two. Write English or Spanish in that cell (blank is English)."
        )
        if len(errors) == 1:
            return _refused(row, Verdict.LANGUAGE, errors["language"])
    return _refused(row, Verdict.BAD_ROW, " ".join(errors.values()))


def _refused(row: ClientRow, verdict: Verdict, message: str) -> RowVerdict:
    return RowVerdict(
        row.line,
        verdict,
        message,
        row.first_name,
        row.last_name,
        row.phone,
        id_number=row.id_number,
    )


def _owner(row: ClientRow, known: Known) -> str | RowVerdict:
    """The case manager whose caseload the row goes to, or why it cannot."""
    named = row.case_manager.strip().casefold()
    if not named:
        if known.oversees:
            message = "Name the row's case manager (their username)."
            return _refused(row, Verdict.CASE_MANAGER, message)
        return known.importer_id
    staff = known.staff.get(named)
    if staff is None:
        message = f"No case manager “{row.case_manager}” in your department."
        return _refused(row, Verdict.CASE_MANAGER, message)
    if not staff.active or not staff.case_manager:
        why = "is no longer active" if not staff.active else "is not a case manager"
        return _refused(row, Verdict.CASE_MANAGER, f"{staff.display_name} {why}.")
    if not known.oversees and staff.user_id != known.importer_id:
        message = "You import into your own caseload only; a supervisor can import this row."
        return _refused(row, Verdict.NOT_YOURS, message)
    return staff.user_id


def same_person(holder: Holder, first_name: str, last_name: str, id_number: str) -> bool:
    """Is the phone's holder the row's person (see the module docstring)?"""
    if id_number and holder.id_number:
        return id_number_key(id_number) == id_number_key(holder.id_number)
    return fold(holder.first_name) == fold(first_name) and fold(holder.last_name) == fold(last_name)


def _who(holder: Holder) -> str:
    if holder.visible:
        return f"{holder.first_name} {holder.last_name}"
    return f"a client on {holder.manager_name or 'another case manager'}'s caseload"


def _existing(row: RowVerdict, known: Known) -> RowVerdict | None:
    """The row as "already here", "retired client" or "number taken", or None when nobody
    is it. An active client first, then a retired one with the id number, then the
    number's holder, then a retired client with the number and names."""
    key = id_number_key(row.id_number)
    holders = list(known.by_id_number.get(key, ())) if key else []
    if holders:
        holder = holders[0]
        message = f"{_who(holder)} has id number {row.id_number}."
        if len(holders) > 1:
            message = f"More than one client has id number {row.id_number}; fix their records."
        return _as(row, Verdict.HERE, message, holder)
    retired = list(known.retired_by_id.get(key, ())) if key else []
    if retired:
        return _retired(row, retired[0], f"id number {row.id_number}")
    holder_of_number = known.by_phone.get(row.phone)
    if holder_of_number is None:
        for former in known.retired_by_phone.get(row.phone, ()):
            if same_person(former, row.first_name, row.last_name, row.id_number):
                return _retired(row, former, "this number and name")
        return None
    holder = holder_of_number
    if same_person(holder, row.first_name, row.last_name, row.id_number):
        return _as(row, Verdict.HERE, f"{_who(holder)} has this number.", holder)
    message = f"{display_phone(row.phone)} is already the number of {_who(holder)}."
    return _as(row, Verdict.NUMBER_TAKEN, message, holder)


def _retired(row: RowVerdict, former: Holder, by: str) -> RowVerdict:
    """A retired client is the row's person: reactivate them, never add them twice."""
    if former.visible:
        message = (
            f"{_who(former)}, retired, has {by}: reactivate them on their page "
            "rather than adding them again."
        )
    else:
        message = (
            f"A retired client on {former.manager_name or 'another case manager'}'s caseload "
            f"has {by}: ask a supervisor to reactivate them rather than adding them again."
        )
    return _as(row, Verdict.RETIRED, message, former)


def _as(row: RowVerdict, verdict: Verdict, message: str, holder: Holder) -> RowVerdict:
    return replace(
        row, verdict=verdict, message=message, client_id=holder.client_id if holder.visible else ""
    )


def plan_rows(rows: Iterable[ClientRow], known: Known) -> list[RowVerdict]:
    """Every row's verdict, in file order. Pure: the same rows and ``known`` always give
    the same plan."""
    planned: list[RowVerdict] = []
    seen: dict[str, int] = {}  # phone or "id#" + id key → the first row that had it
    for row in rows:
        details = _details(row, known)
        if isinstance(details, RowVerdict):
            planned.append(details)
            continue
        owner = _owner(row, known)
        if isinstance(owner, RowVerdict):
            planned.append(owner)
            continue
        candidate = RowVerdict(
            row.line,
            Verdict.NEW,
            "",
            details.first_name,
            details.last_name,
            details.phone,
            details.language,
            details.id_number,
            details.phone_note,
            owner,
        )
        marks = [details.phone] + (
            [f"id#{id_number_key(details.id_number)}"] if details.id_number else []
        )
        earlier = next((seen[m] for m in marks if m in seen), None)
        for mark in marks:
            seen.setdefault(mark, row.line)
        found = _existing(candidate, known)
        if found is not None:
            planned.append(found)
        elif earlier is not None:
            message = f"Row {earlier} has the same phone or id number."
            planned.append(_as_duplicate(candidate, message))
        else:
            planned.append(candidate)
    return planned


def _as_duplicate(row: RowVerdict, message: str) -> RowVerdict:
    return replace(row, verdict=Verdict.DUPLICATE, message=message)


def counts(planned: Iterable[RowVerdict]) -> dict[str, int]:
    """Rows per verdict (by the verdict's value), as the preview and the record show."""
    tally: dict[str, int] = {}
    for row in planned:
        tally[row.verdict.value] = tally.get(row.verdict.value, 0) + 1
    return tally
