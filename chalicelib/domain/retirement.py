"""Retiring a client (case closed) and bringing them back: the reasons and their checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import ValidationFailed
from .message_body import has_visible_text

MAX_NOTE = 500


class RetireReason(StrEnum):
    CASE_CLOSED = "case_closed"
    TRANSFERRED_OUT = "transferred_out"
    DECEASED = "deceased"
    OTHER = "other"

    @property
    def label(self) -> str:
        return RETIRE_LABELS[self]


RETIRE_LABELS = {
    RetireReason.CASE_CLOSED: "Case closed",
    RetireReason.TRANSFERRED_OUT: "Transferred out of jurisdiction",
    RetireReason.DECEASED: "Deceased",
    RetireReason.OTHER: "Other",
}


class ReactivateReason(StrEnum):
    NEW_CASE = "new_case"
    CLOSED_BY_MISTAKE = "closed_by_mistake"
    TRANSFERRED_BACK = "transferred_back"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REACTIVATE_LABELS[self]


REACTIVATE_LABELS = {
    ReactivateReason.NEW_CASE: "New case or supervision",
    ReactivateReason.CLOSED_BY_MISTAKE: "Closed by mistake",
    ReactivateReason.TRANSFERRED_BACK: "Transferred back to this jurisdiction",
    ReactivateReason.OTHER: "Other",
}


@dataclass(frozen=True)
class Retirement:
    """Why and when a client left the caseload; kept on the client while retired."""

    at: datetime
    reason: RetireReason
    by: str
    note: str = ""


@dataclass(frozen=True)
class StatusChange:
    """What a person chose on the retire or reactivate form, checked."""

    reason: str  # a RetireReason or ReactivateReason value
    label: str
    note: str
    version: int


def retire_form(form: Mapping[str, str]) -> StatusChange:
    return _checked(form, {r.value: r.label for r in RetireReason}, "retire")


def reactivate_form(form: Mapping[str, str]) -> StatusChange:
    return _checked(form, {r.value: r.label for r in ReactivateReason}, "reactivate")


def _checked(form: Mapping[str, str], reasons: dict[str, str], what: str) -> StatusChange:
    errors: dict[str, str] = {}
    reason = form.get("reason", "")
    if reason not in reasons:
        errors["reason"] = f"Choose why you {what} this client."
    note = " ".join((form.get("note") or "").split())
    note = note if has_visible_text(note) else ""
    if len(note) > MAX_NOTE:
        errors["note"] = f"The note is {len(note)} characters; the limit is {MAX_NOTE}."
    if reason == "other" and not note:
        errors["note"] = "Say in the note why, when the reason is “Other”."
    try:
        version = int(form.get("version", ""))
    except ValueError:
        errors["version"] = "The form is incomplete; reload the page."
        version = 0
    if errors:
        raise ValidationFailed(errors)
    return StatusChange(reason, reasons[reason], note, version)
