"""Everything wrong with a jurisdiction file's settings, all at once, by path.

Three passes, so one mistake never hides another: the shape (``model.py``: types, missing
and unknown keys, ranges), the rules only the build applies (the time zone keeps daylight
saving; the court-import mapping reads, with the app's own ``mapping_from``; no backup
retention beside backups turned off), and the app's own parse (``parse_jurisdiction``, what
a cold start would refuse). A later pass's finding at a path already reported, or inside
it, is left out: it would say the same thing again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.domain.court_import import SETTING as COURT_IMPORT
from chalicelib.domain.court_import import mapping_from
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.jurisdiction import parse_jurisdiction

from .backups import backup_problems
from .problems import merged, shape_problems
from .zones import zone_problems


def problems(data: Mapping[str, Any]) -> dict[str, str]:
    """Path → what is wrong and what is expected; empty when the app would run with it."""
    rules = {**zone_problems(data), **court_import_problems(data), **backup_problems(data)}
    return merged(shape_problems(data), rules, app_problems(data))


def court_import_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """The mapping checked by the code that reads the court's export with it."""
    raw = data.get(COURT_IMPORT)
    if raw is None:
        return {}
    try:
        mapping_from(raw)
    except ValidationFailed as exc:
        return dict(exc.field_errors)
    return {}


def app_problems(data: Mapping[str, Any]) -> dict[str, str]:
    try:
        parse_jurisdiction(data)
    except ValidationFailed as exc:
        return dict(exc.field_errors)
    return {}
