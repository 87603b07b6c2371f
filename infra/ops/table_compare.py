"""Comparing a restored table with the live one: item counts and a sample of items.

The live table has gone on changing since the restore time, so the two rarely match
exactly; what the numbers say is which way they differ. Items sampled from the restored
table and missing from the live one were deleted since (a copy back would bring them
back); items sampled from the live table and missing from the restored one were written
since. Only counts are ever shown: items hold names, numbers and texts.

Reads only: Scan (counting, and the sample) and BatchGetItem.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from .aws_target import call
from .common import OpsError

SEGMENTS = 8  # the sample comes from segments in a random order, not the table's first keys
BATCH = 100  # BatchGetItem's limit
UNPROCESSED_TRIES = 8


@dataclass(frozen=True)
class SampleResult:
    """Of ``sampled`` items of one table: how many the other holds unchanged, changed, or
    not at all."""

    sampled: int
    same: int
    changed: int
    missing: int


def count_items(dynamodb: Any, table: str, *, consistent: bool = False) -> int:
    """Every item, counted with a paged Scan (DescribeTable's count is up to 6 hours old);
    ``consistent`` where the count decides a deletion."""
    request: dict[str, Any] = {"TableName": table, "Select": "COUNT"}
    if consistent:
        request["ConsistentRead"] = True
    total = 0
    while True:
        page = call(f"count {table}", dynamodb.scan, **request)
        total += int(page.get("Count", 0))
        if "LastEvaluatedKey" not in page:
            return total
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def sample_items(dynamodb: Any, table: str, wanted: int) -> list[dict[str, Any]]:
    """Up to ``wanted`` whole items, from the table's scan segments in a random order."""
    order = list(range(SEGMENTS))
    secrets.SystemRandom().shuffle(order)
    found: list[dict[str, Any]] = []
    for segment in order:
        request: dict[str, Any] = {
            "TableName": table,
            "Segment": segment,
            "TotalSegments": SEGMENTS,
            "Limit": wanted,
        }
        while len(found) < wanted:
            page = call(f"sample {table}", dynamodb.scan, **request)
            found.extend(page.get("Items", [])[: wanted - len(found)])
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        if len(found) >= wanted:
            break
    return found


def compare_sample(
    dynamodb: Any, items: list[dict[str, Any]], key_names: list[str], other: str
) -> SampleResult:
    """Look each item up in ``other`` by its key and tell same, changed and missing apart."""
    same = changed = 0
    held: dict[tuple[str, ...], dict[str, Any]] = {}
    for start in range(0, len(items), BATCH):
        keys = [{name: item[name] for name in key_names} for item in items[start : start + BATCH]]
        for found in _batch_get(dynamodb, other, keys):
            held[_key_of(found, key_names)] = found
    for item in items:
        kept = held.get(_key_of(item, key_names))
        if kept is None:
            continue
        if kept == item:
            same += 1
        else:
            changed += 1
    return SampleResult(len(items), same, changed, len(items) - same - changed)


def _key_of(item: dict[str, Any], key_names: list[str]) -> tuple[str, ...]:
    return tuple(repr(item[name]) for name in key_names)


def _batch_get(dynamodb: Any, table: str, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """BatchGetItem with its unprocessed keys asked for again (with a growing pause)."""
    found: list[dict[str, Any]] = []
    request = {table: {"Keys": keys, "ConsistentRead": True}}
    for attempt in range(UNPROCESSED_TRIES):
        answer = call(f"read a sample from {table}", dynamodb.batch_get_item, RequestItems=request)
        found.extend(answer.get("Responses", {}).get(table, []))
        request = answer.get("UnprocessedKeys") or {}
        if not request:
            return found
        time.sleep(0.1 * 2**attempt)
    raise OpsError(f"DynamoDB kept leaving keys of {table} unread; run again in a quiet hour")


def key_names(described: dict[str, Any]) -> list[str]:
    """The table's key attributes (hash first) from DescribeTable's ``Table``."""
    order = {"HASH": 0, "RANGE": 1}
    schema = sorted(described["KeySchema"], key=lambda k: order[k["KeyType"]])
    return [k["AttributeName"] for k in schema]
