"""moto's DynamoDB reads, made to cost what they cost in DynamoDB: the items asked for.

moto lists a table by sorting all its items on every Query and Scan, and answers a Query on
an index by testing every item of the table. On the local stack the tables only grow (each
test makes its own clients and texts), so late in a test run a caseload page paid for
everything every earlier test stored: profiled, moto's ``Table.query`` was about a third of
a test worker's busy time.

Here, during a read request served by the local moto server (``moto_server``), a table's
sorted item list and, per index, its items grouped by the index's hash key are kept and
used again until the next request that may write. moto's own query then runs over just the
items with the asked-for hash key, tests them as before, and answers as before. What may
write is any DynamoDB request that is not one of ``READS``: each drops what was kept,
before and after it runs. That is sound only because the server runs one
request at a time (``moto_server.OneRequestAtATime``); moto used any other way (``mock_aws``
in tests) never reads what is kept.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# DynamoDB operations that change no item and no table.
DYNAMODB = "DynamoDB_20120810."
READS = frozenset(
    f"{DYNAMODB}{name}"
    for name in (
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "TransactGetItems",
        "DescribeTable",
        "DescribeTimeToLive",
        "DescribeContinuousBackups",
        "ListTables",
        "ListTagsOfResource",
    )
)
KEPT = "_local_reads_kept"

_installed = threading.Lock()
_done = False
_state = threading.local()
_generation = 0  # what is kept is good for this generation only


def may_write_items(environ: dict[str, Any]) -> bool | None:
    """True for a DynamoDB request that may change items or tables, False for a DynamoDB
    read, None for any other request (other services change no DynamoDB item: DynamoDB
    Streams only read, and what makes tables, CloudFormation or a restore, makes new ones)."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if not target.startswith(DYNAMODB):
        return None
    return target not in READS


def anything_may_have_changed() -> None:
    global _generation
    _generation += 1


@contextmanager
def serving(writes: bool | None) -> Iterator[None]:
    """Around one request of the server (``may_write_items``): a DynamoDB read may use what
    is kept; a DynamoDB request that may write drops it, before and after it runs."""
    if writes:
        anything_may_have_changed()
    _state.reading = writes is False
    try:
        yield
    finally:
        _state.reading = False
        if writes:
            anything_may_have_changed()


def _kept(table: Any) -> dict[str, Any]:
    kept = table.__dict__.get(KEPT)
    if kept is None or kept["generation"] != _generation:
        kept = {"generation": _generation, "items": None, "groups": {}}
        table.__dict__[KEPT] = kept
    return kept


def install() -> None:
    """Patch moto's DynamoDB tables once per process (the local stack only)."""
    global _done
    with _installed:
        if _done:
            return
        from moto.dynamodb.models.table import Table

        Table.all_items = kept_all_items(Table.all_items)  # type: ignore[method-assign,assignment]
        Table.query = query_by_hash_key(Table.query)  # type: ignore[method-assign]
        _done = True


def kept_all_items(original: Callable[[Any], list[Any]]) -> Callable[[Any], list[Any]]:
    def all_items(self: Any) -> list[Any]:
        if not getattr(_state, "reading", False):
            return original(self)
        kept = _kept(self)
        if kept["items"] is None:
            kept["items"] = original(self)  # moto's callers only read the list
        return kept["items"]

    return all_items


def query_by_hash_key(original: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(original)  # moto passes index_name by position

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        given = signature.bind(self, *args, **kwargs).arguments
        index_name = given.get("index_name")
        conditions = given.get("hash_key_conditions")
        if not getattr(_state, "reading", False) or not index_name or not conditions:
            return original(self, *args, **kwargs)
        index = next((i for i in self.all_indexes() if i.name == index_name), None)
        if index is None:  # moto's own answer: an invalid index
            return original(self, *args, **kwargs)
        names = tuple(k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH")
        asked = dict(conditions)
        if set(asked) != set(names):
            return original(self, *args, **kwargs)
        groups = _kept(self)["groups"]
        if index_name not in groups:
            grouped: dict[tuple[Any, ...], list[Any]] = {}
            for item in self.all_items():
                key = tuple(item.attrs.get(name) for name in names)
                if all(value is not None for value in key):
                    grouped.setdefault(key, []).append(item)
            groups[index_name] = grouped
        candidates = groups[index_name].get(tuple(asked[name] for name in names), [])
        self.__dict__["all_items"] = lambda: candidates  # moto tests each one as before
        try:
            return original(self, *args, **kwargs)
        finally:
            del self.__dict__["all_items"]

    return query
