"""A supervisor edits the department's reminder texts and sees each as a client would read it.

Only wording that differs from ours is stored: a department that keeps (or goes back to) our
text gets our improvements later. Saving is one conditional write over every template (the
store's version), so two supervisors editing at once can't silently overwrite each other.
The department is always the signed-in supervisor's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from ..domain.errors import Forbidden, ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.reminder_texts import (
    DEFAULT_TEMPLATES,
    FIELD,
    Preview,
    Purpose,
    ReminderValues,
    check_template,
    preview,
    template_for,
)
from ..domain.users import User
from ..store.appointments import DepartmentTextsStore

LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
PURPOSE_NAMES = {
    Purpose.REMINDER: "reminder",
    Purpose.CANCELLED: "cancelled",
    Purpose.THANKS: "thanks",
    Purpose.RESCHEDULE_NOTED: "reschedule noted",
    Purpose.SEE_YOU: "see you",
}
PURPOSE_HINTS = {
    Purpose.REMINDER: "Sent before the appointment. Must include {date} and {time}.",
    Purpose.CANCELLED: "Sent when an appointment is cancelled.",
    Purpose.THANKS: "The reply when the client confirms (Y).",
    Purpose.RESCHEDULE_NOTED: "The reply when the client says they can't come (N).",
    Purpose.SEE_YOU: "A reminder still to come after the client confirmed: it asks nothing. "
    "Must include {date} and {time}.",
}
SAMPLE_NAME = "Maria"
SAMPLE_KIND = "court"
SAMPLE_PLACE = "Matheson Courthouse, Room W43"
TUESDAY = 1  # datetime.weekday()
STALE = (
    "Someone saved the reminder texts after you opened this page, so nothing was saved. "
    "Your wording is kept below next to what is saved now: save again to replace theirs."
)


@dataclass(frozen=True)
class TextField:
    """One template on the editor: a language and a purpose."""

    language: str
    purpose: Purpose
    template: str  # what the box shows: the department's own, ours, or what was typed
    custom: bool  # the department's own wording is saved for it
    default: str  # ours, used whenever the department has none
    saved: str = ""  # the wording in use now: the department's own, or ours

    @property
    def key(self) -> str:
        """How the store names it."""
        return f"{self.language}:{self.purpose.value}"

    @property
    def name(self) -> str:
        """The form field (also safe as an HTML id)."""
        return f"{self.language}-{self.purpose.value}"

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language.upper())

    @property
    def label(self) -> str:
        return f"{self.language_name} — {PURPOSE_NAMES[self.purpose]}"

    @property
    def hint(self) -> str:
        return PURPOSE_HINTS[self.purpose]

    @property
    def in_use(self) -> str:
        """Which wording clients get now, said so a preview of other words can't be taken
        for it."""
        mine = "Your department's own wording" if self.custom else "The standard wording"
        typed = self.template.strip()
        if typed == (self.saved or self.template).strip() or (not typed and not self.custom):
            return f"{mine} is in use." if not self.custom else f"{mine} is saved."
        return f"Not saved yet: {mine.lower()} stays in use until you save."


@dataclass(frozen=True)
class Editing:
    """The editor's content and the version it was read at (0: never saved)."""

    version: int
    fields: tuple[TextField, ...]

    def typed(self, form: Mapping[str, str]) -> Editing:
        """The same fields holding what was typed, so a preview or refusal loses nothing."""
        return replace(
            self,
            fields=tuple(
                replace(f, template=normalised(form.get(f.name, f.template))) for f in self.fields
            ),
        )


@dataclass(frozen=True)
class FieldPreview:
    """What the editor shows under one box: the example text, or why there is none."""

    preview: Preview | None
    error: str = ""
    standard: bool = False  # the box is blank, so our wording will be sent


def texts_for_editing(user: User, store: DepartmentTextsStore, department_id: str) -> Editing:
    """Every purpose in every language we have templates for, with its current wording."""
    _check_may_edit(user, department_id)
    stored, version = store.get(department_id)
    return Editing(version, tuple(_fields(stored)))


def save_texts(user: User, store: DepartmentTextsStore, form: Mapping[str, str]) -> None:
    """Check every box and say every problem at once; store only wording that is not ours.

    A blank box goes back to our wording. Stored templates the editor doesn't show (a
    language since removed from the defaults) are kept as they are.
    """
    _check_may_edit(user, user.department_id)
    stored, version = store.get(user.department_id)
    shown = _fields(stored)
    keep = {k: v for k, v in stored.items() if k not in {f.key for f in shown}}
    errors: dict[str, str] = {}
    for field in shown:
        if field.name not in form:  # not on the page that was posted: leave it alone
            if field.custom:
                keep[field.key] = field.template
            continue
        typed = normalised(form[field.name])
        if not typed.strip():
            continue
        try:
            checked = check_template(typed, field.purpose)
        except ValidationFailed as exc:
            errors[field.name] = exc.field_errors.get(FIELD, str(exc))
            continue
        if checked != field.default:
            keep[field.key] = checked
    if _form_version(form) != version:
        errors["version"] = STALE
    if errors:
        raise ValidationFailed(errors)
    if keep == stored:
        return  # nothing changed: no write, no audit row saying nothing
    if not store.save(user.department_id, keep, version, user.user_id):
        raise ValidationFailed({"version": STALE})


def preview_all(
    editing: Editing, jurisdiction: Jurisdiction, now: datetime
) -> dict[str, FieldPreview]:
    """Each box filled in for Maria's court date next Tuesday, keyed by field name."""
    values = sample_values(jurisdiction, now)
    previews: dict[str, FieldPreview] = {}
    for field in editing.fields:
        standard = not field.template.strip()
        template = field.default if standard else field.template
        try:
            checked = check_template(template, field.purpose)
        except ValidationFailed as exc:
            previews[field.name] = FieldPreview(None, exc.field_errors.get(FIELD, str(exc)))
            continue
        previews[field.name] = FieldPreview(
            preview(checked, values, field.language), standard=standard
        )
    return previews


def sample_values(jurisdiction: Jurisdiction, now: datetime) -> ReminderValues:
    """Maria's court date at 9:00 next Tuesday on the jurisdiction's clock: a real date, so
    the preview shows how long the date and time really read."""
    zone = jurisdiction.zone
    today = now.astimezone(zone).date()
    day = today + timedelta(days=(TUESDAY - today.weekday()) % 7 or 7)
    return ReminderValues(
        first_name=SAMPLE_NAME,
        kind=SAMPLE_KIND,
        starts_local=datetime.combine(day, time(9, 0), tzinfo=zone),
        place=SAMPLE_PLACE,
    )


def normalised(text: str) -> str:
    """Browsers post line breaks as CR LF; a text message needs only LF (one character)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _check_may_edit(user: User, department_id: str) -> None:
    if not user.oversees_department:
        raise Forbidden("Only a supervisor can change the department's reminder texts.")
    if department_id != user.department_id:
        raise Forbidden("You can change the reminder texts of your own department only.")


def _fields(stored: Mapping[str, str]) -> list[TextField]:
    fields = []
    for language in DEFAULT_TEMPLATES:
        for purpose in Purpose:
            default = template_for(None, language, purpose)
            key = f"{language}:{purpose.value}"
            custom = stored.get(key, "")
            wording = custom or default
            fields.append(TextField(language, purpose, wording, bool(custom), default, wording))
    return fields


def _form_version(form: Mapping[str, str]) -> int | None:
    """The version the page was read at; anything else can't be trusted to be current."""
    raw = (form.get("version") or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None
