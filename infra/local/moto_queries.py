"""moto's DynamoDB Query, made to cost what the answer costs rather than what the table holds.

Two costs grew with everything the local stack had stored, so a long test run (or a long
`make run`) slowed down query by query:

- A Query on a table's own key sorted every item of the table before picking the
  partition's; DynamoDB reads one partition. Here it looks only at that partition.
- A Query on an index sorted every item of the table before filtering (moto sorts the
  matches again afterwards, by the index's keys): here the first sort is skipped.
- Projecting an item onto an index (KEYS_ONLY, INCLUDE) turned the whole item into plain
  JSON once per projected attribute; here once per item.

Answers are unchanged (tests/integration/test_local_moto_queries.py compares them with
moto's own); only the local stack installs this (``moto_server``).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_installed = threading.Lock()
_done = False
_scope = threading.local()  # the Query being answered on this thread, if any
_originals: dict[str, Any] = {}  # moto's own methods, for the test that compares answers


def install() -> None:
    """Patch moto's DynamoDB models once per process (the local stack only)."""
    global _done
    with _installed:
        if _done:
            return
        from botocore.utils import merge_dicts
        from moto.dynamodb.models.dynamo_type import Item
        from moto.dynamodb.models.table import Table
        from moto.dynamodb.models.utilities import find_nested_key

        original_query: Callable[..., Any] = Table.query
        signature = inspect.signature(original_query)
        original_all_items: Callable[[Any], list[Any]] = Table.all_items

        def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
            index_name = signature.bind(self, hash_key, *args, **kwargs).arguments.get("index_name")
            _scope.query = (self, None if index_name else hash_key)
            try:
                return original_query(self, hash_key, *args, **kwargs)
            finally:
                _scope.query = None

        def all_items(self: Any) -> list[Any]:
            asked = getattr(_scope, "query", None)
            if asked is None or asked[0] is not self:
                return original_all_items(self)
            _scope.query = None  # once per Query: a nested call gets moto's own answer
            hash_key = asked[1]
            if hash_key is None:  # an index: moto sorts the matches by the index's keys
                return [item for partition in self.items.values() for item in _items(partition)]
            partition = self.items.get(hash_key)
            if partition is None:
                return []
            found = list(_items(partition))
            if self.range_key_attr:
                found.sort(key=lambda item: item.range_key)
            return found

        def _items(partition: Any) -> list[Any]:
            return list(partition.values()) if isinstance(partition, dict) else [partition]

        def project(self: Any, projection_expressions: list[list[str]]) -> Any:
            from moto.dynamodb.models.dynamo_type import serializer

            plain = self.to_regular_json()
            result: dict[str, Any] = {}
            for expression in projection_expressions:
                merge_dicts(result, find_nested_key(expression, plain))
            return Item(
                hash_key=self.hash_key,
                range_key=self.range_key,
                attrs=dict(serializer.serialize(result)["M"]),
            )

        _originals.update(query=original_query, all_items=original_all_items, project=Item.project)
        Table.query = query  # type: ignore[method-assign]
        Table.all_items = all_items  # type: ignore[method-assign]
        Item.project = project  # type: ignore[method-assign]
        _done = True


@contextmanager
def as_moto_answers() -> Iterator[None]:
    """moto's own Query for the block (the test that compares answers); same answers, so
    other threads querying meanwhile see no difference."""
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    install()
    ours = Table.query, Table.all_items, Item.project
    Table.query, Table.all_items = _originals["query"], _originals["all_items"]  # type: ignore[method-assign]
    Item.project = _originals["project"]  # type: ignore[method-assign]
    try:
        yield
    finally:
        Table.query, Table.all_items, Item.project = ours  # type: ignore[method-assign]
