"""A dashboard view at 10 and at 10,000 clients (issue 21 goal: ≤ 3 round trips, flat).

Seeds each department with its clients (half of them last in contact within two weeks,
half longer ago) and 30 days of day rows as the rollup writes them (100 clients a case
manager; every client contacted twice a week, so a day row holds its contacted clients'
marks), then times the dashboard use case for "last 30 days", counting DynamoDB round
trips and items through botocore events. The page adds the session's one read.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from caseload_scale import measure, seed
from harness import install_counter, start_stack

SIZES = (10, 10_000)
PER_CASE_MANAGER = 100


def main() -> None:
    from chalicelib.store import connection

    connection.READ_TIMEOUT_SECONDS = 30.0  # moto walks whole partitions (see caseload_scale)
    install_counter()
    stack = start_stack(seed=False)
    try:
        run()
    finally:
        stack.stop()


def seed_days(department: str, size: int, today) -> None:
    from pynamodb.models import BatchWrite

    from chalicelib.domain.dashboard import client_mark
    from chalicelib.store.dashboard_counts import day_key
    from chalicelib.store.models import DashboardCountModel

    people = max(size // PER_CASE_MANAGER, 1)
    with BatchWrite(DashboardCountModel) as batch:
        for back in range(30):
            day = today - timedelta(days=back)
            for person in range(people):
                mine = range(person * PER_CASE_MANAGER, min((person + 1) * PER_CASE_MANAGER, size))
                contacted = {client_mark(f"c{i}") for i in mine if (i + back) % 7 in (0, 3)}
                batch.save(
                    DashboardCountModel(
                        department,
                        day_key(day, f"cm{person}"),
                        name=f"Case manager {person}",
                        contacted=contacted or None,
                        sent=len(contacted) * 2,
                        received=len(contacted),
                        a1=len(contacted),
                    )
                )


def run() -> None:
    from chalicelib import bootstrap
    from chalicelib.domain.dashboard import local_day
    from chalicelib.domain.users import Role, User
    from chalicelib.services.dashboard import choose_period, dashboard

    counts = bootstrap.stores().dashboard_counts
    zone = __import__("zoneinfo").ZoneInfo("America/Denver")
    now = datetime.now(UTC)
    for size in SIZES:
        department = f"bench-dash-{size}"
        seed(f"bench-dash-cm-{size}", department, size)
        seed_days(department, size, local_day(now, zone))
        chief = User(f"sup-{size}", "Chief", "c@x.invalid", Role.SUPERVISOR, department)
        period = choose_period("30", "", "", now, zone)

        def view(chief=chief, period=period) -> int:
            return dashboard(chief, counts, period, now).figures.department.clients_contacted

        m = measure(view)
        print(
            f"dashboard at {size:>6} clients: {m['calls']} round trip(s) (+1 for the session), "
            f"{m['items']} items read, {m['shown']} clients contacted in 30 days, "
            f"app {m['app'] * 1000:.1f} ms, total with moto {m['total'] * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
