"""Pacing: a backfill takes only a share of its table's capacity, leaving the rest to the app.

Provisioned tables: ``share`` of the table's read and write capacity units (writes also of
its indexes' smallest WCU: an index that cannot keep up throttles the table's writes).
On-demand tables: ``share`` of the table's maximum throughput when one is set, else of the
throughput AWS serves a table at once without throttling (4,000 write and 12,000 read
request units a second). Each call is charged what DynamoDB says it consumed
(``ReturnConsumedCapacity``), else an estimate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ON_DEMAND_READS = 12_000.0
ON_DEMAND_WRITES = 4_000.0
BURST_SECONDS = 1.0  # unused budget kept at most this long
DEFAULT_SHARE = 0.2
ITEMS_PER_READ_UNIT = 8  # a Scan's estimate: items of ~500 bytes, eventually consistent


@dataclass(frozen=True)
class Capacity:
    """Units a second the table can serve."""

    reads: float
    writes: float
    on_demand: bool


def capacity_of(described: dict[str, Any]) -> Capacity:
    """Read off DescribeTable's ``Table``."""
    billing = described.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    if billing == "PAY_PER_REQUEST":
        limits = described.get("OnDemandThroughput", {})
        reads = float(limits.get("MaxReadRequestUnits") or 0) or ON_DEMAND_READS
        writes = float(limits.get("MaxWriteRequestUnits") or 0) or ON_DEMAND_WRITES
        return Capacity(reads, writes, on_demand=True)
    table = described.get("ProvisionedThroughput", {})
    units = [float(table.get("WriteCapacityUnits") or 0)]
    for index in described.get("GlobalSecondaryIndexes", []):
        units.append(float(index.get("ProvisionedThroughput", {}).get("WriteCapacityUnits") or 0))
    usable = [w for w in units if w > 0]
    return Capacity(
        float(table.get("ReadCapacityUnits") or 1), min(usable) if usable else 1.0, False
    )


@dataclass
class Bucket:
    """Spends units at ``rate`` a second: a call waits until the budget has it."""

    rate: float
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    ready_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def spend(self, units: float) -> None:
        with self.lock:
            now = self.clock()
            start = now - BURST_SECONDS if self.ready_at is None else self.ready_at
            self.ready_at = max(start, now - BURST_SECONDS) + units / self.rate
            wait = self.ready_at - now
        if wait > 0:
            self.sleep(wait)


class Pacer:
    """Reads and writes, each held to ``share`` of the table's capacity."""

    def __init__(
        self,
        capacity: Capacity,
        share: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not 0 < share <= 1:
            raise ValueError("share must be above 0 and at most 1")
        self.reads = Bucket(max(capacity.reads * share, 1.0), clock, sleep)
        self.writes = Bucket(max(capacity.writes * share, 1.0), clock, sleep)

    def describe(self) -> str:
        return f"{self.reads.rate:g} read and {self.writes.rate:g} write units a second"

    def after_scan(self, page: dict[str, Any]) -> None:
        estimate = max(1.0, page.get("ScannedCount", 0) / ITEMS_PER_READ_UNIT)
        self.reads.spend(consumed(page) or estimate)

    def before_write(self) -> None:
        self.writes.spend(1)

    def after_write(self, answer: dict[str, Any]) -> None:
        """Charge what a write consumed beyond the unit spent before it (items over 1 KB)."""
        extra = consumed(answer) - 1
        if extra > 0:
            self.writes.spend(extra)


def consumed(answer: dict[str, Any]) -> float:
    return float(answer.get("ConsumedCapacity", {}).get("CapacityUnits") or 0)
