"""Conversation page cost at 10,000 messages vs 10: round trips, items read, time.

Goal: ratio ≤ 1.2. The page is one Query with a Limit, so the length of the history
should not matter. Time is the median of several requests through the Chalice test
client; it is reported with and without the time spent waiting on DynamoDB, because
moto answers a Query by walking the whole partition in memory (real DynamoDB reads only
the page), so its wait grows with history in a way AWS's does not.
"""

from __future__ import annotations

import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import WAITED, counting, install_counter, start_stack, web_client

RUNS = 15


def main() -> None:
    install_counter()
    stack = start_stack(seed=True)
    try:
        run()
    finally:
        stack.stop()


def make_client(stores, messages: int, phone: str) -> str:
    from pynamodb.models import BatchWrite

    from chalicelib.domain.clients import Client
    from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
    from chalicelib.store.conversations import to_row
    from chalicelib.store.models import ConversationEntryModel

    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Long", f"History{messages}", phone)
    )
    start = datetime.now(UTC) - timedelta(days=400)
    with BatchWrite(ConversationEntryModel) as batch:
        for i in range(messages):
            inbound = i % 2 == 1
            batch.save(
                to_row(
                    ConversationEntry(
                        client.client_id,
                        f"{i:032x}",
                        start + timedelta(minutes=37 * i),
                        EntryKind.TEXT,
                        body=f"Message {i}: see you at group on Thursday",
                        direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
                        phone=phone,
                        status="received" if inbound else "delivered",
                        sentiment=0.3 if inbound else None,
                    )
                )
            )
    return client.client_id


def measure(visitor, client_id: str) -> dict:
    visitor.get(f"/clients/{client_id}")  # warm
    total, app_side = [], []
    for _ in range(RUNS):
        with counting():
            started = time.perf_counter()
            visitor.get(f"/clients/{client_id}")
            elapsed = time.perf_counter() - started
        total.append(elapsed)
        app_side.append(elapsed - WAITED["seconds"])
    with counting() as calls:
        page = visitor.get(f"/clients/{client_id}")
    return {
        "total": statistics.median(total),
        "app": statistics.median(app_side),
        "bytes": len(page.body),
        "calls": sum(calls.values()),
        "items": WAITED["items"],
    }


def run() -> None:
    from chalicelib import bootstrap
    from tests.helpers import WebVisitor

    stores = bootstrap.stores()
    sizes = (10, 100, 10_000)
    ids = {n: make_client(stores, n, f"+130355501{90 + i}") for i, n in enumerate(sizes)}
    with web_client() as client:
        visitor = WebVisitor(client.http).sign_in("kristina")
        results = {n: measure(visitor, ids[n]) for n in sizes}
    for n, m in results.items():
        print(
            f"{n:>6,} messages: {m['calls']} round trips, {m['items']:3d} items read, "
            f"{m['bytes']:6d} bytes, app {m['app'] * 1000:5.1f} ms, "
            f"with moto {m['total'] * 1000:6.1f} ms"
        )
    for small in (10, 100):
        a, b = results[small], results[10_000]
        print(
            f"ratio 10,000 / {small:<3}: round trips {b['calls'] / a['calls']:.2f}, "
            f"items read {b['items'] / a['items']:.2f}, app time {b['app'] / a['app']:.2f} "
            f"(goal <= 1.2); with moto's in-memory Query {b['total'] / a['total']:.2f}"
        )
    print(
        "(a 10-message page shows 10 texts, a full page shows "
        f"{results[10_000]['items'] - 1}: the 10 vs 10,000 gap is rendering, not history)"
    )


if __name__ == "__main__":
    main()
