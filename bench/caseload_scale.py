"""The first caseload page at 100 and at 10,000 clients (goal: ratio ≤ 1.2), and a search.

Seeds one case manager with 100 clients and another with 10,000 (each alone in a
department, so the department view is measured too) into moto with batch writes, then
times the caseload use case as the page calls it, counting DynamoDB round trips and items
through botocore events. "app" is the time outside DynamoDB (moto walks a whole partition
for a Query, which DynamoDB does not, so totals that include moto grow with the caseload).
"""

from __future__ import annotations

import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import WAITED, counting, install_counter, start_stack

RUNS = 7
SIZES = (100, 10_000)


def main() -> None:
    from chalicelib.store import connection

    # moto walks a whole partition for a Query (DynamoDB does not): at 10,000 items on a busy
    # laptop that can take longer than the app's 2 s read timeout
    connection.READ_TIMEOUT_SECONDS = 30.0
    install_counter()
    stack = start_stack(seed=False)
    try:
        run()
    finally:
        stack.stop()


def seed(owner: str, department: str, size: int) -> None:
    """``size`` clients written 25 to a request, as ClientStore.add would shape them."""
    from pynamodb.models import BatchWrite

    from chalicelib.domain.clients import sort_key_for
    from chalicelib.domain.search import search_text_for
    from chalicelib.store.models import ClientModel

    now = datetime.now(UTC)
    with BatchWrite(ClientModel) as batch:
        for i in range(size):
            first, last = ("Michael", "Tran") if i == size // 2 else (f"First{i}", f"Last{i:05d}")
            phone = f"+1801{i:07d}"
            batch.save(
                ClientModel(
                    secrets.token_hex(10),
                    department_id=department,
                    case_manager_id=owner,
                    first_name=first,
                    last_name=last,
                    sort_name=sort_key_for(first, last),
                    phone=phone,
                    id_number=str(500000 + i),
                    search_text=search_text_for(first, last, phone, str(500000 + i)),
                    active_case_manager=owner,
                    active_department=department,
                    last_contact_at=now - timedelta(minutes=i) if i % 2 else None,
                    unread_count=1 if i % 40 == 0 else 0,
                    appointments={},
                    created_at=now,
                    updated_at=now,
                    changed_at=now,
                )
            )


def measure(call) -> dict:
    call()  # warm
    total, app_side = [], []
    for _ in range(RUNS):
        with counting():
            started = time.perf_counter()
            call()
            elapsed = time.perf_counter() - started
        total.append(elapsed)
        app_side.append(elapsed - WAITED["seconds"])
    with counting() as calls:
        shown = call()
    return {
        "total": statistics.median(total),
        "app": statistics.median(app_side),
        "calls": sum(calls.values()),
        "items": WAITED["items"],
        "shown": shown,
    }


def run() -> None:
    from chalicelib import bootstrap
    from chalicelib.domain.users import Role, User
    from chalicelib.services.caseload_lists import caseload_page

    lists = bootstrap.stores().client_lists
    results: dict[str, dict[int, dict]] = {"caseload": {}, "department": {}}
    searches: dict[int, dict] = {}
    for size in SIZES:
        owner, department = f"bench-cm-{size}", f"bench-dept-{size}"
        started = time.perf_counter()
        seed(owner, department, size)
        print(f"seeded {size:>6} clients in {time.perf_counter() - started:.1f} s")
        manager = User(owner, "Bench", "b@x.invalid", Role.CASE_MANAGER, department)
        chief = User(f"sup-{size}", "Chief", "c@x.invalid", Role.SUPERVISOR, department)

        def first_page(user=manager, whole=False) -> int:
            return len(caseload_page(user, lists, None, whole_department=whole).clients)

        results["caseload"][size] = measure(first_page)
        results["department"][size] = measure(lambda chief=chief: first_page(chief, True))
        searches[size] = measure(
            lambda manager=manager: len(
                caseload_page(manager, lists, None, query="Tran, Michael").clients
            )
        )
    for view, by_size in results.items():
        for size, m in by_size.items():
            print(
                f"{view:>10} first page at {size:>6}: {m['shown']} shown, {m['calls']} round "
                f"trip(s), {m['items']} items read, app {m['app'] * 1000:.1f} ms, "
                f"total with moto {m['total'] * 1000:.1f} ms"
            )
        small, big = by_size[SIZES[0]], by_size[SIZES[-1]]
        print(
            f"{view:>10} ratio 10,000 ÷ 100: app {big['app'] / small['app']:.2f} "
            f"(goal ≤ 1.2), items {big['items'] / small['items']:.2f}, "
            f"round trips {big['calls'] / small['calls']:.2f}, with moto "
            f"{big['total'] / small['total']:.2f}"
        )
    for size, m in searches.items():
        print(
            f"search 'Tran, Michael' at {size:>6}: {m['shown']} found, {m['calls']} round "
            f"trip(s), {m['items']} items returned, app {m['app'] * 1000:.1f} ms, total "
            f"with moto {m['total'] * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
