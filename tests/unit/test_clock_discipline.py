"""Tests read the time from one place (tests/clock.py), so none depends on the hour it runs.

A test that needs "now" takes the ``now`` fixture and so runs at each of the clock's
instants; helpers that stand in for app code stamp rows with ``tests.clock.real_now``.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
READS_THE_CLOCK = re.compile(r"\b(datetime\.(now|utcnow)|date\.today|time\.time)\(")
# tests/clock.py is the clock; the in-memory stores stamp their writes as the real ones do.
ALLOWED = {TESTS / "clock.py", TESTS / "fakes.py"}


def test_no_test_reads_the_clock_except_through_tests_clock():
    found = [
        f"{path.relative_to(TESTS.parent)}:{n}: {line.strip()}"
        for path in sorted(TESTS.rglob("*.py"))
        if path not in ALLOWED
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if READS_THE_CLOCK.search(line)
    ]
    assert found == [], "take the `now` fixture instead:\n" + "\n".join(found)


def test_the_clock_runs_time_dependent_tests_at_an_afternoon_an_evening_and_both_dst_nights():
    from datetime import UTC, datetime

    from tests.clock import ZONE, instants

    chosen = instants(datetime(2027, 1, 10, 12, tzinfo=UTC))
    local = {name: at.astimezone(ZONE) for name, at in chosen.items()}
    assert local["mountain-afternoon"].hour == 13
    assert local["mountain-evening"].hour == 22
    assert local["spring-forward-night"].strftime("%m %H:%M %z") == "03 01:45 -0700"
    assert local["fall-back-night"].strftime("%m %H:%M %z") == "11 01:30 -0600"  # the first 1:30
