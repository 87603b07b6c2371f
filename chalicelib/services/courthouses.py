"""A department's courthouses: kept in the app, edited by its supervisors.

Until a supervisor saves one, the jurisdiction file's ``locations`` stand in (seed only);
the first save stores those seeds along with the change.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.court_import import mapping_from
from ..domain.courthouses import Courthouse, checked, fold
from ..domain.errors import Forbidden, NotFound, ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.users import User
from ..store.department_settings import DepartmentSettingsStore, StaleSetting

BATCH = 90  # courthouses per transaction (DynamoDB takes 100 items, the audit row is one)
STALE = (
    "Someone changed the courthouses since you opened this page, so nothing was saved. "
    "They are shown below as they are now."
)


def check_can_edit(user: User) -> None:
    if not (user.active and user.oversees_department):
        raise Forbidden("Only a supervisor sets up courthouses.")


def department_courthouses(
    store: DepartmentSettingsStore, jurisdiction: Jurisdiction, department_id: str
) -> list[Courthouse]:
    """The saved courthouses; the jurisdiction file's seeds while none are saved."""
    saved = store.courthouses(department_id)
    if saved:
        return sorted(saved, key=lambda c: fold(c.code))
    seeds = mapping_from(jurisdiction.raw.get("court_import")).locations
    seeded = (Courthouse(code, text) for code, text in seeds.items())
    return sorted(seeded, key=lambda c: fold(c.code))


def courthouses_for(
    user: User, store: DepartmentSettingsStore, jurisdiction: Jurisdiction
) -> list[Courthouse]:
    check_can_edit(user)
    return department_courthouses(store, jurisdiction, user.department_id)


def save_rows(
    user: User,
    store: DepartmentSettingsStore,
    current: Sequence[Courthouse],
    saved: Sequence[Courthouse],
    removed: Sequence[Courthouse] = (),
) -> None:
    """Store the change, with the seeds when nothing was stored yet."""
    unsaved_seeds = [c for c in current if c.version == 0]
    touched = {fold(c.code) for c in (*saved, *removed)}
    rows = [*saved, *(c for c in unsaved_seeds if fold(c.code) not in touched)]
    dropped = [c for c in removed if c.version > 0]
    try:
        for start in range(0, max(len(rows), 1), BATCH):
            chunk = rows[start : start + BATCH]
            store.save_courthouses(
                user.department_id, chunk, dropped if start == 0 else [], user.user_id
            )
    except StaleSetting:
        raise ValidationFailed({"version": STALE}) from None


def save_courthouse(
    user: User,
    store: DepartmentSettingsStore,
    jurisdiction: Jurisdiction,
    code: str,
    description: str,
    version: int,
) -> Courthouse:
    """Add a courthouse (version 0) or change one's wording (the version it was read at)."""
    check_can_edit(user)
    row = checked(code, description)
    current = department_courthouses(store, jurisdiction, user.department_id)
    existing = next((c for c in current if fold(c.code) == fold(row.code)), None)
    if existing is not None and version == 0 and existing.version > 0:
        raise ValidationFailed({"code": f"Code {existing.code} is already a courthouse: edit it."})
    stored_version = existing.version if existing is not None else 0
    if version != stored_version:
        raise ValidationFailed({"version": STALE})
    saving = Courthouse(row.code, row.description, stored_version)
    save_rows(user, store, current, [saving])
    return saving


def remove_courthouse(
    user: User,
    store: DepartmentSettingsStore,
    jurisdiction: Jurisdiction,
    code: str,
    version: int,
) -> None:
    check_can_edit(user)
    current = department_courthouses(store, jurisdiction, user.department_id)
    existing = next((c for c in current if fold(c.code) == fold(code)), None)
    if existing is None:
        raise NotFound("There is no such courthouse in your department.")
    if existing.version != version:
        raise ValidationFailed({"version": STALE})
    save_rows(user, store, current, [], [existing])
