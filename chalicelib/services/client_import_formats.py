"""Client-import formats: whoever may import clients says which column of a county's
export holds what, once per header, for the whole department; a later file with that
header is then read at once (domain/client_import_formats.py).

Open to the same people as the import itself (case managers import their caseloads too,
and a format only says where each field is: every row is still previewed before
anything is written); each save is versioned and audited with who made it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from ..domain.client_import_formats import ClientFormat, format_from_form
from ..domain.errors import NotFound, ValidationFailed
from ..domain.users import User
from ..store.client_formats import ClientFormatStore
from ..store.department_settings import StaleSetting
from .client_imports import check_can_import

STALE = (
    "Someone changed this format since you opened it, so nothing was saved. "
    "It is shown below as it is now: make your change again."
)


def check_can_set_up(user: User) -> None:
    """The people who import clients: active staff (for their own department)."""
    check_can_import(user)


def new_format_id() -> str:
    """A new format's id, given to its form: sent twice, the form saves one format."""
    return secrets.token_hex(8)


def formats_for(user: User, store: ClientFormatStore) -> list[ClientFormat]:
    check_can_set_up(user)
    return sorted(store.formats(user.department_id), key=lambda f: f.name.casefold())


def open_format(user: User, store: ClientFormatStore, format_id: str) -> ClientFormat:
    for candidate in formats_for(user, store):
        if candidate.format_id == format_id:
            return candidate
    raise NotFound("There is no such client import format in your department.")


def save_format(
    user: User, store: ClientFormatStore, form: Mapping[str, str], header: Sequence[str]
) -> ClientFormat:
    """Save what was chosen, against the version the form was read at. A new format's form
    sent again (a double click, a resend) finds its own format there: already saved."""
    check_can_set_up(user)
    format_id = (form.get("format_id") or "").strip()[:40] or new_format_id()
    version_text = (form.get("version") or "0").strip()
    version = int(version_text) if version_text.isdigit() else 0
    chosen = format_from_form(form, header, format_id, version)
    try:
        return store.save(user.department_id, chosen, user.user_id)
    except StaleSetting:
        there = next(
            (f for f in store.formats(user.department_id) if f.format_id == format_id), None
        )
        if version == 0 and there is not None and _same(there, chosen):
            return there
        raise ValidationFailed({"version": STALE}) from None


def _same(stored: ClientFormat, chosen: ClientFormat) -> bool:
    return (stored.name, dict(stored.columns), stored.header) == (
        chosen.name,
        dict(chosen.columns),
        chosen.header,
    )
