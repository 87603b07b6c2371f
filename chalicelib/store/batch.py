"""Items of several tables read in one round trip (BatchGetItem).

A request often knows more keys before its first read than that read needs: the session
and its staff record, the client its URL names, the department's count of waiting numbers,
or, for a text that reads like "Y", the department's reminder wording beside its client.
Each such item is an ``Along``: its table and key, how it is read, and its value once read.
``read_together`` reads any number of them (up to BatchGetItem's 100) with one request,
asking again, briefly, for keys DynamoDB left unprocessed (throttling).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pynamodb.models import Model

from .transactions import transactions

T = TypeVar("T")
BATCH_ATTEMPTS = 3
MAX_KEYS = 100  # BatchGetItem's own limit
Raw = dict[str, Any]


class Along(Generic[T]):
    """One item to read with others; ``value`` once ``read_together`` has read it.

    ``parse`` turns the raw item (None: there is none) into the value. ``consistent`` asks
    for a strongly consistent read (BatchGetItem sets it per table: one consistent item
    makes its table's whole share consistent)."""

    def __init__(
        self,
        model: type[Model],
        key: Raw,
        parse: Callable[[Raw | None], T],
        *,
        consistent: bool = False,
    ) -> None:
        self.model = model
        self.key = key
        self.parse = parse
        self.consistent = consistent
        self._read = False
        self._value: T | None = None

    @property
    def table(self) -> str:
        return str(self.model.Meta.table_name)

    @property
    def read(self) -> bool:
        return self._read

    @property
    def value(self) -> T:
        if not self._read:
            raise RuntimeError(f"{self.table} {self.key} has not been read yet")
        return self._value  # type: ignore[return-value]  # T may itself allow None

    def found(self, raw: Raw | None) -> None:
        self._value = self.parse(raw)
        self._read = True


def key_of(model: type[Model], hash_key: str, range_key: str | None = None) -> Raw:
    """A model's raw key for string keys (every table here is keyed by strings)."""
    key = {model._hash_key_attribute().attr_name: {"S": hash_key}}
    range_attribute = model._range_key_attribute()
    if range_attribute is not None:
        if range_key is None:
            raise ValueError(f"{model.__name__} needs a range key")
        key[range_attribute.attr_name] = {"S": range_key}
    return key


def along(
    model: type[Model],
    hash_key: str,
    range_key: str | None = None,
    *,
    parse: Callable[[Raw | None], T],
    consistent: bool = False,
) -> Along[T]:
    return Along(model, key_of(model, hash_key, range_key), parse, consistent=consistent)


def _identity(key: Raw) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, value["S"]) for name, value in key.items()))


def read_together(items: Sequence[Along[Any]]) -> None:
    """Read every item in one BatchGetItem (more only for keys DynamoDB left unprocessed)."""
    wanted: dict[str, Raw] = {}
    waiting: dict[tuple[str, tuple[tuple[str, str], ...]], list[Along[Any]]] = {}
    models = {item.table: item.model for item in items}
    for item in items:
        ident = (item.table, _identity(item.key))
        if ident not in waiting:
            table = wanted.setdefault(item.table, {"Keys": [], "ConsistentRead": False})
            table["Keys"].append(item.key)
            waiting[ident] = []
        waiting[ident].append(item)
        if item.consistent:
            wanted[item.table]["ConsistentRead"] = True
    if not wanted:
        return
    if len(waiting) > MAX_KEYS:
        raise ValueError(f"one batch reads at most {MAX_KEYS} items, not {len(waiting)}")
    for attempt in range(BATCH_ATTEMPTS):
        answer = transactions().dispatch("BatchGetItem", {"RequestItems": wanted})
        for table, rows in answer.get("Responses", {}).items():
            for raw in rows:
                ident = (table, _identity(key_of_raw(models[table], raw)))
                for item in waiting.pop(ident, []):
                    item.found(raw)
        wanted = answer.get("UnprocessedKeys") or {}
        if not wanted:
            break
        time.sleep(0.05 * (attempt + 1))
    else:
        raise UnprocessedKeys(sorted(wanted))
    for left in waiting.values():  # asked for and not there: no such item
        for item in left:
            item.found(None)


class UnprocessedKeys(Exception):
    """DynamoDB kept leaving keys unread (throttled): the read did not happen."""


def key_of_raw(model: type[Model], raw: Raw) -> Raw:
    names = [model._hash_key_attribute().attr_name]
    range_attribute = model._range_key_attribute()
    if range_attribute is not None:
        names.append(range_attribute.attr_name)
    return {name: raw[name] for name in names}
