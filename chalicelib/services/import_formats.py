"""Court-file formats a supervisor sets up in the app, and which one a file is.

The jurisdiction file's ``court_import`` object is the department's default format until
a supervisor saves one of that id: nothing needs redeploying to change a format.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from ..domain.court_import import FILE, Sample, mapping_from, sample_of
from ..domain.errors import Forbidden, NotFound, ValidationFailed
from ..domain.import_formats import (
    DEFAULT_ID,
    ImportFormat,
    format_from_form,
    recognise,
    to_raw,
)
from ..domain.jurisdiction import Jurisdiction
from ..domain.users import User
from ..store.department_settings import DepartmentSettingsStore, StaleSetting

UPLOAD_FIELD = "court_file"  # the import page's file input
STALE = (
    "Someone changed this format since you opened it, so nothing was saved. "
    "It is shown below as it is now: make your change again."
)


class UnknownFormat(ValidationFailed):
    """The file matches none of the department's formats: its columns, to set one up."""

    def __init__(self, sample: Sample):
        columns = ", ".join(
            f"{i}: {cell.strip() or '(no header)'}" for i, cell in enumerate(sample.header, 1)
        )
        super().__init__(
            {
                UPLOAD_FIELD: f"This file matches none of your department's import formats. "
                f"Its columns are {columns}. Set up its format, then upload it again."
            }
        )
        self.sample = sample


def check_can_set_up(user: User) -> None:
    """Formats are set up by supervisors and admins, for their own department."""
    if not (user.active and user.oversees_department):
        raise Forbidden("Only a supervisor sets up import formats.")


def new_format_id() -> str:
    """A new format's id, given to its form: sent twice, the form saves one format."""
    return secrets.token_hex(8)


def seeded_format(jurisdiction: Jurisdiction) -> ImportFormat:
    """The jurisdiction file's mapping as the default format (found by column names)."""
    mapping = mapping_from(jurisdiction.raw.get("court_import"))
    return ImportFormat(DEFAULT_ID, "Default (from the jurisdiction file)", mapping)


def department_formats(
    store: DepartmentSettingsStore, jurisdiction: Jurisdiction, department_id: str
) -> list[ImportFormat]:
    """The saved formats, and the seeded default unless one was saved in its place."""
    saved = store.formats(department_id)
    if any(f.format_id == DEFAULT_ID for f in saved):
        return saved
    return [*saved, seeded_format(jurisdiction)]


def formats_for(
    user: User, store: DepartmentSettingsStore, jurisdiction: Jurisdiction
) -> list[ImportFormat]:
    check_can_set_up(user)
    return department_formats(store, jurisdiction, user.department_id)


def format_of_file(
    store: DepartmentSettingsStore, jurisdiction: Jurisdiction, department_id: str, data: bytes
) -> ImportFormat:
    """The format this file is written in, or UnknownFormat naming its columns."""
    sample = sample_of(data)
    found = recognise(department_formats(store, jurisdiction, department_id), sample.header)
    if found is None:
        raise UnknownFormat(sample)
    return found


def sample_file(user: User, data: bytes) -> Sample:
    """The header and first rows of a file to set a format up from."""
    check_can_set_up(user)
    if not data:
        raise ValidationFailed({FILE: "Choose a sample file (CSV) from the court."})
    return sample_of(data)


def open_format(
    user: User, store: DepartmentSettingsStore, jurisdiction: Jurisdiction, format_id: str
) -> ImportFormat:
    check_can_set_up(user)
    for candidate in department_formats(store, jurisdiction, user.department_id):
        if candidate.format_id == format_id:
            return candidate
    raise NotFound("There is no such import format in your department.")


def save_format(
    user: User,
    store: DepartmentSettingsStore,
    form: Mapping[str, str],
    header: Sequence[str],
) -> ImportFormat:
    """Save what the supervisor chose, against the version the form was read at. A new
    format's form sent again (a double click, a resend) finds its own format there, the
    same as it would store it: already saved. Anything else there is someone's change."""
    check_can_set_up(user)
    format_id = (form.get("format_id") or "").strip()[:40] or new_format_id()
    version_text = (form.get("version") or "0").strip()
    version = int(version_text) if version_text.isdigit() else 0
    chosen = format_from_form(form, header, format_id, version)
    try:
        return store.save_format(user.department_id, chosen, user.user_id)
    except StaleSetting:
        there = next(
            (f for f in store.formats(user.department_id) if f.format_id == format_id), None
        )
        if version == 0 and there is not None and to_raw(there) == to_raw(chosen):
            return there
        raise ValidationFailed({"version": STALE}) from None
