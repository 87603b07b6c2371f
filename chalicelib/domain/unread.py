"""Unread texts, per member of staff: who gets a text as unread, and the totals they see."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Unread:
    """What one person has not yet seen of one client's texts."""

    client_id: str
    count: int
    newest_at: datetime


def readers(case_manager_id: str, overseers: Iterable[str]) -> tuple[str, ...]:
    """Who gets a new text as unread: the client's case manager and whoever oversees the
    department (supervisors, admins), each once."""
    found = [case_manager_id, *overseers]
    return tuple(dict.fromkeys(u for u in found if u))


def total(unread: Mapping[str, Unread]) -> int:
    return sum(item.count for item in unread.values())
