"""A court import's plan as it is kept between the preview and the requests that apply it.

The plan is computed once, when the file is uploaded, and kept in chunks: each apply
request reads one chunk and carries it out, never planning the file again. What the plan
saw is kept with it (a changed date's ``version``), so a write can check that nothing
moved since: staleness is a condition, not a second plan.

A court date an import adds gets an id derived from what the date *is*, never from the
import: the department, the client and the case number (or, without a case number, the
start), and a generation. Two imports of the same file, or one applied twice, therefore
try the same id, and the store writes it under "does not exist yet": the date and its
reminders are stored once. The generation counts up past ids taken by earlier dates of
that key (a case's hearing that happened, or was cancelled, and a new one set): see
``services/import_steps.py`` for when the next one is tried.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, time
from enum import Enum
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from .court_import import RowResult

T = TypeVar("T")
CHUNK_STEPS = 100  # steps a kept chunk holds (an apply request writes at most as many)


@dataclass(frozen=True)
class RowStep:
    """One row of the file as planned: its verdict, and for a date it matched, the
    version of that appointment the plan compared it with."""

    result: RowResult
    version: int = 0


@dataclass(frozen=True)
class GoneStep:
    """An imported court date the file, taken as the whole calendar of its dates, lacks."""

    appointment_id: str
    client_id: str
    version: int  # as the plan saw it: cancelled only if still so
    starts_at: datetime  # UTC
    place: str
    case_number: str
    client_name: str = ""  # for the preview (looked up for the listed ones)
    id_number: str = ""


def court_date_id(
    department_id: str, client_id: str, case_number: str, starts_at: datetime, generation: int
) -> str:
    """The id an imported court date gets, the same for every import that names it."""
    case = " ".join(case_number.split()).casefold()
    what = f"case#{case}" if case else f"at#{starts_at.isoformat()}"
    key = f"court#{department_id}#{client_id}#{what}#{generation}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def in_chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def plain(value: Any) -> Any:
    """A plan's dataclasses as JSON values (dates and enums as their text)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def rebuilt(kind: Any, data: Any) -> Any:
    """``plain``'s answer read back as ``kind``; fields a kept plan lacks take their
    defaults, and fields it has that ``kind`` no longer declares are ignored."""
    origin = get_origin(kind)
    if origin in (Union, UnionType):
        if data is None:
            return None
        wanted = [arg for arg in get_args(kind) if arg is not type(None)]
        return rebuilt(wanted[0], data)
    if isinstance(kind, type) and is_dataclass(kind):
        hints = get_type_hints(kind)
        known = {f.name for f in fields(kind)}
        return kind(**{k: rebuilt(hints[k], v) for k, v in data.items() if k in known})
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind is date:
        return date.fromisoformat(data)
    if kind is time:
        return time.fromisoformat(data)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(data)
    if origin in (list, tuple, Sequence):
        (inner, *_) = get_args(kind) or (Any,)
        return [rebuilt(inner, v) for v in data]
    if origin in (dict, Mapping):
        _, inner = get_args(kind) or (Any, Any)
        return {k: rebuilt(inner, v) for k, v in data.items()}
    return data


def encoded(steps: Sequence[RowStep] | Sequence[GoneStep]) -> bytes:
    return json.dumps([plain(step) for step in steps], separators=(",", ":")).encode()


def decoded(kind: type[T], data: bytes) -> list[T]:
    return [rebuilt(kind, item) for item in json.loads(data)]
