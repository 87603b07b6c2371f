"""The backfills each release declares, in release order (interface agreed in issue 19).

A stand-in with no backfills, so ``infra/ops/upgrade_plan`` can be written against the
interface; the backfills branch brings the real registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from infra.ops.aws_target import Target


@dataclass(frozen=True)
class BackfillResult:
    examined: int
    changed: int
    already_right: int
    skipped: dict[str, int] = field(default_factory=dict)
    complete: bool = True


class Runs(Protocol):
    def __call__(
        self, target: Target, *, dry_run: bool, share: float, progress: Callable[[str], None]
    ) -> BackfillResult: ...


@dataclass(frozen=True)
class Backfill:
    """``run`` is idempotent and resumes from its own checkpoint."""

    name: str
    release: str
    table: str
    after_index: str | None
    description: str
    run: Runs


BACKFILLS: tuple[Backfill, ...] = ()


def release_key(release: str) -> tuple[int, ...]:
    return tuple(int(part) for part in release.split("-")[0].split("."))


def backfills_between(from_release: str | None, to_release: str) -> list[Backfill]:
    """Backfills of releases after ``from_release`` (None: older than any) up to ``to_release``."""
    low = release_key(from_release) if from_release else None
    high = release_key(to_release)
    return [
        b
        for b in BACKFILLS
        if (low is None or release_key(b.release) > low) and release_key(b.release) <= high
    ]
