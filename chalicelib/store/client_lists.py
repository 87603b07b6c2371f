"""Pages of clients from the slim caseload indexes: Query, Limit, cursor; never a Scan.

A page reads at most ``limit + 1`` items when nothing is filtered (one round trip), so the
first page of 10,000 clients costs what the first page of 100 does. A search or filter
lets DynamoDB test each item (``FilterExpression``) and reads up to FILTERED_ROUND_TRIPS
pages of 1 MB per request; what it has not reached yet stays behind the cursor.

The cursor is DynamoDB's own ``LastEvaluatedKey`` plus the phase it belongs to; the web
layer signs it, and ``start_of`` checks it again against the list it is used for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.indexes import GlobalSecondaryIndex

from ..domain.clients import Client
from ..domain.errors import ValidationFailed
from .clients import to_client
from .models import ClientModel

FILTERED_ROUND_TRIPS = 6
MAX_KEY_VALUE = 1024
BAD_CURSOR = "This list link is damaged or out of date. Open the list again from the start."

Cursor = dict[str, Any]  # {"phase": ..., "key": LastEvaluatedKey or None}


@dataclass(frozen=True)
class ListQuery:
    """Which clients, in which order. ``owner_id`` is a case manager, or a department when
    ``whole_department``."""

    owner_id: str
    whole_department: bool = False
    recent_first: bool = False
    words: tuple[str, ...] = ()
    unread_only: bool = False
    keep: Callable[[Client], bool] | None = None  # a test DynamoDB cannot make


@dataclass(frozen=True)
class ClientPage:
    clients: list[Client]
    after: Cursor | None  # where the next page starts; None at the end
    round_trips: int


@dataclass(frozen=True)
class _Phase:
    name: str
    index: GlobalSecondaryIndex
    hash_attribute: str
    range_attribute: str
    forward: bool = True
    condition: Condition | None = None

    @property
    def key_names(self) -> tuple[str, ...]:
        return ("client_id", self.hash_attribute, self.range_attribute)


class ClientListStore:
    def page(self, query: ListQuery, after: Cursor | None, limit: int) -> ClientPage:
        """One page of active clients; most recent contact first reads the contacted
        clients from their index, then the never-contacted ones by name."""
        phases = _phases(query)
        start = 0
        key = None
        if after is not None:
            names = [p.name for p in phases]
            if after.get("phase") not in names:
                raise ValidationFailed({"after": BAD_CURSOR})
            start = names.index(after["phase"])
            key = _checked_key(after.get("key"), phases[start], query.owner_id)
        shown: list[Client] = []
        trips = 0
        for number in range(start, len(phases)):
            phase = phases[number]
            found, next_key, used = _read(
                phase, query.owner_id, key, limit - len(shown), query.keep, FILTERED_ROUND_TRIPS
            )
            shown += found
            trips += used
            if next_key is not None:
                return ClientPage(shown, {"phase": phase.name, "key": next_key}, trips)
            key = None
            if len(shown) >= limit and number + 1 < len(phases):
                return ClientPage(shown, {"phase": phases[number + 1].name, "key": None}, trips)
        return ClientPage(shown, None, trips)

    def retired(
        self, owner_id: str, whole_department: bool, after: Cursor | None, limit: int
    ) -> ClientPage:
        """Retired clients of a caseload or department, alphabetical."""
        phase = (
            _Phase("retired", ClientModel.retired_by_department, "department_id", "retired_sort")
            if whole_department
            else _Phase(
                "retired", ClientModel.retired_by_case_manager, "case_manager_id", "retired_sort"
            )
        )
        key = None
        if after is not None:
            if after.get("phase") != phase.name:
                raise ValidationFailed({"after": BAD_CURSOR})
            key = _checked_key(after.get("key"), phase, owner_id)
        found, next_key, trips = _read(phase, owner_id, key, limit, None, FILTERED_ROUND_TRIPS)
        cursor = None if next_key is None else {"phase": phase.name, "key": next_key}
        return ClientPage(found, cursor, trips)


def _phases(query: ListQuery) -> list[_Phase]:
    tests: list[Condition] = [ClientModel.search_text.contains(w) for w in query.words]
    if query.unread_only:
        tests.append(ClientModel.unread_count > 0)
    by_name: tuple[GlobalSecondaryIndex, str]
    by_recent: tuple[GlobalSecondaryIndex, str]
    if query.whole_department:
        by_name = (ClientModel.by_department, "department_id")
        by_recent = (ClientModel.recent_by_department, "active_department")
    else:
        by_name = (ClientModel.by_case_manager, "case_manager_id")
        by_recent = (ClientModel.recent_by_case_manager, "active_case_manager")
    if not query.recent_first:
        return [_Phase("name", by_name[0], by_name[1], "sort_name", True, _all_of(tests))]
    never = [*tests, ClientModel.last_contact_at.does_not_exist()]
    return [
        _Phase("recent", by_recent[0], by_recent[1], "last_contact_at", False, _all_of(tests)),
        _Phase("never", by_name[0], by_name[1], "sort_name", True, _all_of(never)),
    ]


def _all_of(tests: list[Condition]) -> Condition | None:
    combined: Condition | None = None
    for test in tests:
        combined = test if combined is None else combined & test
    return combined


def _read(
    phase: _Phase,
    owner_id: str,
    after_key: dict[str, Any] | None,
    limit: int,
    keep: Callable[[Client], bool] | None,
    budget: int,
) -> tuple[list[Client], dict[str, Any] | None, int]:
    """Up to ``limit`` clients and the key to go on from (None: nothing left)."""
    filtered = phase.condition is not None or keep is not None
    results = phase.index.query(
        owner_id,
        filter_condition=phase.condition,
        scan_index_forward=phase.forward,
        last_evaluated_key=after_key,
        page_size=None if filtered else limit + 1,
    )
    kept: list[tuple[Client, Mapping[str, Any]]] = []
    trips = 0
    for page in results.page_iter:
        trips += 1
        for raw in page.get("Items", []):
            client = to_client(ClientModel.from_raw_data(raw))
            if keep is not None and not keep(client):
                continue
            kept.append((client, raw))
            if len(kept) > limit:  # one more than asked for: there is a next page
                last = kept[limit - 1][1] if limit else None
                key = {n: last[n] for n in phase.key_names} if last else after_key
                return [c for c, _ in kept[:limit]], key, trips
        next_key = page.get("LastEvaluatedKey")
        if next_key is None:
            break
        if trips >= budget:
            return [c for c, _ in kept], next_key, trips
    return [c for c, _ in kept], None, trips


def _checked_key(key: object, phase: _Phase, owner_id: str) -> dict[str, Any] | None:
    """A cursor's key must be a key of this index, in this caseload or department."""
    if key is None:
        return None
    if not isinstance(key, dict) or set(key) != set(phase.key_names):
        raise ValidationFailed({"after": BAD_CURSOR})
    for value in key.values():
        if (
            not isinstance(value, dict)
            or set(value) != {"S"}
            or not isinstance(value["S"], str)
            or len(value["S"]) > MAX_KEY_VALUE
        ):
            raise ValidationFailed({"after": BAD_CURSOR})
    if key[phase.hash_attribute]["S"] != owner_id:
        raise ValidationFailed({"after": BAD_CURSOR})
    return key
