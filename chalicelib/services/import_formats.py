"""Court-file formats a supervisor sets up in the app, and which one a file is.

The jurisdiction file's ``court_import`` object is the department's default format until
a supervisor saves one of that id: nothing needs redeploying to change a format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

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
from ..store.department_settings import DepartmentSettingsStore
from .format_setup import new_format_id as new_format_id  # the pages give a new form one
from .format_setup import save_once

UPLOAD_FIELD = "court_file"  # the import page's file input


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
    """Save what the supervisor chose, against the version the form was read at; sent
    twice, it saves one format (format_setup.save_once)."""
    check_can_set_up(user)
    build = partial(format_from_form, form, header)
    return save_once(user, form, build, store.save_format, store.formats, to_raw)
