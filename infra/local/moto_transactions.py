"""moto's TransactWriteItems, made as cheap as DynamoDB's: it backs up items, not tables.

moto keeps a transaction atomic by deep-copying every table it touches before it starts, so
each transaction costs time in proportion to everything stored: on the local stack, the
hundredth thousand texts made every send slower (measured: 20 ms per transaction on empty
tables, 400 ms with a few thousand items). DynamoDB's cost depends only on the items in the
transaction. Here the copy is skipped and, when moto would roll back, exactly the items the
transaction named are put back as they were. This is sound only because the local moto
runs one request at a time (``moto_server.OneRequestAtATime``): nothing else can change
those items while the transaction runs.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

_installed = threading.Lock()
_done = False


def install() -> None:
    """Patch moto's DynamoDB backend once per process (the local stack only)."""
    global _done
    with _installed:
        if _done:
            return
        from moto.dynamodb import models
        from moto.dynamodb.models.table import Table

        original: Callable[..., None] = models.DynamoDBBackend.transact_write_items

        def deepcopy_except_tables(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

        # moto's module calls copy.deepcopy(table) for its backup; tables pass through now.
        models.copy = SimpleNamespace(  # type: ignore[assignment]
            deepcopy=deepcopy_except_tables, copy=copy.copy
        )

        def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
            saved = [before(self, item) for item in transact_items]
            try:
                original(self, transact_items)
            except Exception:
                for table_name, key, attributes in reversed(saved):
                    restore(self, table_name, key, attributes)
                raise

        models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
        _done = True


def before(backend: Any, item: dict[str, Any]) -> tuple[str, dict[str, Any], Any]:
    """(table, key, the item's attributes now or None) for one transaction item."""
    _, op = next(iter(item.items()))
    table_name = op.get("TableName", "")
    try:
        table = backend.get_table(table_name)
    except Exception:  # moto raises its own not-found errors; the transaction will too
        return table_name, {}, None
    if "Key" in op:
        key = op["Key"]
    else:
        attrs = op.get("Item", {})
        key = {table.hash_key_attr: attrs.get(table.hash_key_attr)}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = attrs.get(table.range_key_attr)
    try:
        current = backend.get_item(table_name, key)
    except Exception:
        return table_name, key, None
    return table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None


def restore(backend: Any, table_name: str, key: dict[str, Any], attributes: Any) -> None:
    """Put one item back as it was before the transaction (or remove it if it was new)."""
    if not key or any(value is None for value in key.values()):
        return
    if attributes is None:
        try:
            backend.delete_item(table_name, key)
        except Exception:  # it was never written
            return
    else:
        backend.put_item(table_name, attributes)
