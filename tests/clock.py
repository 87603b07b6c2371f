"""The one clock the tests read: a test that needs "now" asks for the ``now`` fixture.

A test outside the browser that takes ``now`` runs once at each of a few instants chosen to
break code that assumes the hour or the day: a Mountain afternoon, a Mountain late
evening (reminders and "tomorrow" cross midnight in UTC), and the two daylight-saving
nights of the demo jurisdiction's zone. For the test's length the whole process travels
there (time-machine, ticking), so the app code, the in-memory fakes, moto, the Chalice
test client and the local app workers (infra/local/clock.py) read that instant as theirs.

A test marked ``any_hour`` reads the clock but its outcome cannot hang on the hour (a
retry, a sweep, a status moving on): it runs once, at one of the same instants, always the
same one for that test (chosen from its name), so it still runs at a controlled,
reproducible instant without paying for four runs. Were it to depend on the hour after
all, it would fail at its instant every time, whatever the real time of day.

Browser tests take the real time: chromium and the app's worker processes cannot travel
with the test. They must not depend on the hour by construction (dates days ahead, times
away from midnight), and get ``now`` unparametrised.

``TEST_AT=2027-03-14T01:45-07:00 pytest ...`` runs every time-dependent test at that one
instant instead, to reproduce a failure. Nothing else in tests/ may call ``datetime.now``,
``date.today`` or ``time.time`` (tests/unit/test_clock_discipline.py); a helper that stands
in for app code and stamps what it writes calls ``real_now()`` here.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

ZONE = ZoneInfo("America/Denver")  # the demo jurisdiction's (infra/jurisdictions/demo.json)


def real_now() -> datetime:
    """The process's clock: the test's instant while a test that takes ``now`` runs (helpers
    that stand in for app code stamp their rows with it, as the app does)."""
    return datetime.now(UTC)


def next_local(at: time, after: datetime, days_ahead: int = 2) -> datetime:
    """``at`` on the local day ``days_ahead`` after ``after``, stepping past a day whose
    offset changes (the daylight-saving instants cover those)."""
    day = after.astimezone(ZONE).date() + timedelta(days=days_ahead)
    while True:
        noon = datetime.combine(day, time(12), ZONE)
        start = datetime.combine(day, time(0), ZONE)
        if start.utcoffset() == (start + timedelta(days=1)).utcoffset() == noon.utcoffset():
            return datetime.combine(day, at, ZONE)
        day += timedelta(days=1)


def next_transitions(after: datetime) -> tuple[datetime, datetime]:
    """The next spring-forward and fall-back instants of ZONE after ``after`` (UTC)."""
    spring = fall = None
    probe = after.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    offset = probe.astimezone(ZONE).utcoffset()
    while spring is None or fall is None:
        probe += timedelta(hours=1)
        changed = probe.astimezone(ZONE).utcoffset()
        if changed != offset:
            assert changed is not None and offset is not None
            if changed > offset and spring is None:
                spring = probe
            elif changed < offset and fall is None:
                fall = probe
            offset = changed
    return spring, fall


def instants(after: datetime | None = None) -> dict[str, datetime]:
    """Each instant the time-dependent tests run at, by name (all in the near future, so
    what they store is plausible beside the rest of the run's data)."""
    forced = os.environ.get("TEST_AT")
    if forced:
        return {"at-" + forced: datetime.fromisoformat(forced).astimezone(UTC)}
    base = after or real_now()
    spring, fall = next_transitions(base)
    return {
        "mountain-afternoon": next_local(time(13, 5), base).astimezone(UTC),
        "mountain-evening": next_local(time(22, 40), base).astimezone(UTC),
        # a quarter of an hour before the clocks jump: the next hour does not exist
        "spring-forward-night": spring - timedelta(minutes=15),
        # inside the hour that happens twice
        "fall-back-night": fall - timedelta(minutes=30),
    }


_INSTANTS = instants()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "now" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("browser") or "page" in metafunc.fixturenames:
        return  # the real clock: see the module docstring
    names = list(_INSTANTS)
    if metafunc.definition.get_closest_marker("any_hour"):
        names = [names[zlib.crc32(metafunc.definition.nodeid.encode()) % len(names)]]
    metafunc.parametrize(
        "now", [_INSTANTS[n] for n in names], ids=names, indirect=True, scope="function"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "now" in getattr(item, "fixturenames", ()):
            item.add_marker("clock")


@pytest.fixture(autouse=True)
def _clock_first(request: pytest.FixtureRequest) -> None:
    """Travel before any other function fixture runs (one that signs in or adds a client
    must do so at the test's instant)."""
    if "now" in request.fixturenames:
        request.getfixturevalue("now")


@pytest.fixture()
def now(request: pytest.FixtureRequest) -> Iterator[datetime]:
    """The test's instant, in UTC; the process's clock reads it (and ticks on) meanwhile."""
    instant: datetime | None = getattr(request, "param", None)
    if instant is None:
        yield real_now()
        return
    with time_machine.travel(instant, tick=True):
        yield real_now()
