"""Client-import formats: whoever may import clients says which column of a county's
export holds what, once per header, for the whole department; a later file with that
header is then read at once (domain/client_import_formats.py).

Open to the same people as the import itself (case managers import their caseloads too,
and a format only says where each field is: every row is still previewed before
anything is written); each save is versioned and audited with who made it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

from ..domain.client_import_formats import ClientFormat, format_from_form, to_raw
from ..domain.errors import NotFound
from ..domain.users import User
from ..store.client_formats import ClientFormatStore
from .client_imports import check_can_import
from .format_setup import new_format_id as new_format_id  # the pages give a new form one
from .format_setup import save_once


def check_can_set_up(user: User) -> None:
    """The people who import clients: active staff (for their own department)."""
    check_can_import(user)


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
    """Save what was chosen, against the version the form was read at; sent twice, it
    saves one format (format_setup.save_once)."""
    check_can_set_up(user)
    build = partial(format_from_form, form, header)
    return save_once(user, form, build, store.save, store.formats, to_raw)
