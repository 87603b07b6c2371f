"""What setting up a court format and a client-import format share: a new format's id,
and saving a form once, against the version it was read at.

Both kinds are kept the same way (a versioned conditional write in the department's
settings, ``StaleSetting`` when someone saved first), so the rule for a form sent twice is
written here once: a new format's form sent again (a double click, a resend) finds its own
format there, stored as it would store it: already saved. Anything else there is
someone's change, and the form is refused with ``STALE``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from ..domain.errors import ValidationFailed
from ..domain.users import User
from ..store.department_settings import StaleSetting

STALE = (
    "Someone changed this format since you opened it, so nothing was saved. "
    "It is shown below as it is now: make your change again."
)


class SavedFormat(Protocol):
    @property
    def format_id(self) -> str: ...


F = TypeVar("F", bound=SavedFormat)


def new_format_id() -> str:
    """A new format's id, given to its form: sent twice, the form saves one format."""
    return secrets.token_hex(8)


def save_once(
    user: User,
    form: Mapping[str, str],
    build: Callable[[str, int], F],
    save: Callable[[str, F, str], F],
    saved: Callable[[str], Sequence[F]],
    stored_as: Callable[[F], Any],
) -> F:
    """Save the format ``build(format_id, version)`` makes of the form (raising
    ValidationFailed on its fields) with ``save(department, format, actor)``. On
    StaleSetting, the format of that id among ``saved(department)`` is this one already
    saved when it was new and ``stored_as`` the same; otherwise the form is stale."""
    format_id = (form.get("format_id") or "").strip()[:40] or new_format_id()
    version_text = (form.get("version") or "0").strip()
    version = int(version_text) if version_text.isdigit() else 0
    chosen = build(format_id, version)
    try:
        return save(user.department_id, chosen, user.user_id)
    except StaleSetting:
        there = next((f for f in saved(user.department_id) if f.format_id == format_id), None)
        if version == 0 and there is not None and stored_as(there) == stored_as(chosen):
            return there
        raise ValidationFailed({"version": STALE}) from None
