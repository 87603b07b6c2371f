"""moto's DynamoDB answers, encoded as cheaply as the wire format allows.

moto 5 writes every answer by walking botocore's model of the operation, value by value. An
item is already in DynamoDB's JSON form (``{"S": ...}``, ``{"M": {...}}``), so for the reads
that return items that walk is pure cost: profiled on the local stack it was over a quarter
of the test workers' busy time, growing with every item a Query returns. Here the items of
GetItem, Query, Scan, BatchGetItem and TransactGetItems are set aside, the rest of the
answer goes through moto's own serializer (status, headers, errors unchanged), and the
items are put back into its JSON as they are. An answer holding anything JSON cannot carry
as is (a binary value, a timestamp) is left wholly to moto.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

# Operation: the answer's top-level keys that hold items in DynamoDB's JSON form.
ITEM_KEYS: dict[str, tuple[str, ...]] = {
    "GetItem": ("Item",),
    "Query": ("Items", "LastEvaluatedKey"),
    "Scan": ("Items", "LastEvaluatedKey"),
    "BatchGetItem": ("Responses", "UnprocessedKeys"),
    "TransactGetItems": ("Responses",),
}

_installed = threading.Lock()
_done = False


def encode(
    operation: str, result: Any, moto_encode: Callable[[Any], tuple[int, dict[str, Any], str]]
) -> tuple[int, dict[str, Any], str]:
    """moto's answer for ``result``, its items copied in as they are (see the module)."""
    keys = ITEM_KEYS.get(operation, ())
    if not isinstance(result, dict) or not any(result.get(k) is not None for k in keys):
        return moto_encode(result)
    items = {k: result[k] for k in keys if result.get(k) is not None}
    status, headers, body = moto_encode({k: v for k, v in result.items() if k not in items})
    if status != 200:
        return status, headers, body
    try:
        return status, headers, json.dumps({**items, **json.loads(body)})
    except (TypeError, ValueError):  # bytes or a datetime: moto knows how to write them
        return moto_encode(result)


def install() -> None:
    """Patch moto's DynamoDB answers once per process (the local stack only)."""
    global _done
    with _installed:
        if _done:
            return
        from moto.dynamodb.responses import DynamoResult

        DynamoResult.execute_result = answers_with_items_as_they_are(  # type: ignore[method-assign]
            DynamoResult.execute_result
        )
        _done = True


def answers_with_items_as_they_are(original: Callable[..., Any]) -> Callable[..., Any]:
    """A ``DynamoResult.execute_result`` that encodes with ``encode`` around ``original``
    (moto's own, which DynamoResult inherits from ActionResult)."""
    from moto.core.responses import ActionResult

    def execute_result(self: Any, context: Any) -> tuple[int, dict[str, Any], str]:
        def moto_encode(result: Any) -> tuple[int, dict[str, Any], str]:
            return original(ActionResult(result), context)

        return encode(str(context.operation_model.name), self.result, moto_encode)

    return execute_result
