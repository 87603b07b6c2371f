"""Each department's waiting numbers kept on one item, so a page's navigation count rides
in the session's read instead of costing a Query of its own.

The item lives in the unclaimed table beside the queue, under ``waiting#<department>``
(never a department's own partition, so listing the queue does not see it). Its
``waiting`` set holds the numbers that wait, kept by the same transactions that change
the queue: storing a text from an unknown number adds its number (an idempotent ADD, so
retries and repeats cost nothing), dismissing or attaching removes it. So the set never
holds a number that is not waiting.

It is trusted only when it is known whole (``exact``): a stack that had waiting numbers
before this item existed, or a set that was full (``WAITING_CAP``) when a number came in
(``misses`` counts those), falls back to counting the queue with a Query, as before, and
the page that does so makes the set whole again when the queue is small
(``UnclaimedStore.make_countable``): one transaction that checks every listed number is
still waiting and records the ``misses`` it saw, so a number that came in or left
meanwhile makes it fail rather than leave the set wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.expressions.condition import Condition, size
from pynamodb.expressions.update import Action

from .batch import Along, along
from .models import UnclaimedModel

WAITING_CAP = 1000  # numbers the set keeps (about 16 KB); more come in as ``misses``
BUILD_LIMIT = 90  # a queue this small is made countable in one transaction (≤ 100 items)
WAITING_PREFIX = "waiting#"
NUMBERS = "numbers"


@dataclass(frozen=True)
class Waiting:
    numbers: frozenset[str] = frozenset()
    misses: int = 0
    complete_at: int | None = None  # None: never made whole

    @property
    def exact(self) -> bool:
        """The set is the queue: made whole, and nothing missed since."""
        return self.complete_at is not None and self.complete_at == self.misses


def waiting_key(department_id: str) -> tuple[str, str]:
    return f"{WAITING_PREFIX}{department_id}", NUMBERS


def to_waiting(raw: dict[str, Any] | None) -> Waiting:
    if not raw:
        return Waiting()
    numbers = frozenset((raw.get("waiting") or {}).get("SS", ()))
    misses = int((raw.get("misses") or {}).get("N", "0"))
    complete = (raw.get("complete_at") or {}).get("N")
    return Waiting(numbers, misses, int(complete) if complete is not None else None)


def waiting_along(department_id: str) -> Along[Waiting]:
    """The item, to read with the session (eventually consistent, as the count Query was)."""
    return along(UnclaimedModel, *waiting_key(department_id), parse=to_waiting)


def waiting_item(department_id: str) -> UnclaimedModel:
    return UnclaimedModel(*waiting_key(department_id))


def arrived(phone: str, full: bool = False) -> tuple[list[Action], Condition | None]:
    """The update a transaction that stores a number's text makes to the set: add the
    number while the set has room (``full``: the set had none, count a miss instead)."""
    if full:
        return [UnclaimedModel.misses.add(1)], None
    room = UnclaimedModel.waiting.does_not_exist() | (size(UnclaimedModel.waiting) < WAITING_CAP)
    return [UnclaimedModel.waiting.add({phone})], room


def left(phone: str) -> list[Action]:
    """The number no longer waits (dismissed or attached)."""
    return [UnclaimedModel.waiting.delete({phone})]


def made_whole(phones: set[str], seen: Waiting) -> tuple[list[Action], Condition]:
    """Add every number found waiting and mark the set whole, if nothing was missed since
    ``seen`` was read."""
    actions: list[Action] = [UnclaimedModel.complete_at.set(seen.misses)]
    if phones:
        actions.append(UnclaimedModel.waiting.add(phones))
    unchanged = UnclaimedModel.misses == seen.misses
    if seen.misses == 0:
        unchanged = UnclaimedModel.misses.does_not_exist() | unchanged
    return actions, unchanged
