"""Every backfill a release needs, oldest first: the upgrade runs those between the release
a stack runs and the one it takes (``backfills_between``), each once its index exists.

Releases are "MAJOR.MINOR.PATCH". A stack older than any numbered release (deployed before
0.17.0, the first tag) gets every backfill up to the release it takes.
"""

from __future__ import annotations

from .caseload_fields import CaseloadFields
from .courthouse_codes import CourthouseCodes
from .id_keys import IdKeys
from .model import Backfill
from .model import BackfillResult as BackfillResult  # the upgrade plan reads it here

BACKFILLS: tuple[Backfill, ...] = (
    Backfill(
        name="caseload_fields",
        release="0.17.0",
        table="clients",
        after_index="recent-by-case-manager",
        description=(
            "search_text, active_case_manager and active_department on clients stored "
            "before the caseload indexes, so search and recent contact find them"
        ),
        rule=CaseloadFields(),
    ),
    Backfill(
        name="id_keys",
        release="0.17.0",
        table="clients",
        after_index="by-id-number",
        description=(
            "id_key and active_department on clients stored before the id-number index "
            "(issue 16), so the court import finds them"
        ),
        rule=IdKeys(),
    ),
    Backfill(
        name="courthouse_codes",
        release="0.18.0",
        table="appointments",
        after_index="at_courthouse",
        description=(
            "location_code, room and courthouse_key on court dates imported before 0.18.0, "
            "where the place names exactly one courthouse, so a new wording reaches them"
        ),
        rule=CourthouseCodes(),
    ),
)


def release_key(release: str) -> tuple[int, int, int]:
    """ "0.17.0" → (0, 17, 0); a snapshot's label "0.16.0-pre" (the state before a release
    was numbered) reads as its number; anything else is refused (ValueError)."""
    parts = release.split("-", 1)[0].split(".")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise ValueError(f"not a release number MAJOR.MINOR.PATCH: {release!r}")
    major, minor, patch = (int(part) for part in parts)
    return major, minor, patch


def backfills_between(from_release: str | None, to_release: str) -> list[Backfill]:
    """The backfills a stack on ``from_release`` (None: older than any numbered release)
    needs to run ``to_release``, in the order they must run."""
    upper = release_key(to_release)
    lower = None if from_release is None else release_key(from_release)
    return [
        backfill
        for backfill in BACKFILLS
        if release_key(backfill.release) <= upper
        and (lower is None or release_key(backfill.release) > lower)
    ]


def by_name(name: str) -> Backfill:
    """One backfill by its name; KeyError names the ones there are."""
    for backfill in BACKFILLS:
        if backfill.name == name:
            return backfill
    raise KeyError(f"no backfill {name!r}; there are: {', '.join(b.name for b in BACKFILLS)}")
