"""One sweep at a time: EventBridge firing twice, or a run outlasting its minute, must not
put the same due texts on the queue twice. A run that finds the lease held does nothing;
a run gives the lease back when it ends, even when it fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.scheduling import ScheduledText
from chalicelib.services.sending import SWEEP_JOB, sweep_in_turn
from tests.fakes_sending import FakeScheduledStore

NOW = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


class Leases:
    def __init__(self) -> None:
        self.holder: str | None = None
        self.asked: list[tuple[str, timedelta]] = []

    def take(self, job: str, token: str, now: datetime, lease: timedelta) -> bool:
        self.asked.append((job, lease))
        if self.holder is not None:
            return False
        self.holder = token
        return True

    def release(self, job: str, token: str) -> None:
        if self.holder == token:
            self.holder = None


class Queue:
    def __init__(self) -> None:
        self.kept: list = []

    def send_batch(self, messages: list) -> list[bool]:
        self.kept += messages
        return [True] * len(messages)


def due_texts(count: int) -> FakeScheduledStore:
    scheduled = FakeScheduledStore()
    for n in range(count):
        scheduled.add(ScheduledText(f"c{n}", f"s{n:03}", "probation", "cm", "cm", "Hi", NOW))
    return scheduled


def test_a_run_that_finds_the_lease_held_queues_nothing():
    leases, queue = Leases(), Queue()
    leases.holder = "a run still going"

    report = sweep_in_turn(leases, due_texts(3), queue, NOW, token="late")

    assert report is None and queue.kept == []
    assert leases.asked == [(SWEEP_JOB, timedelta(seconds=60))]  # the function's timeout


def test_a_run_queues_what_is_due_and_gives_the_lease_back():
    leases, queue = Leases(), Queue()

    report = sweep_in_turn(leases, due_texts(3), queue, NOW, token="this")

    assert report is not None and report.queued == 3 and len(queue.kept) == 3
    assert leases.holder is None


def test_a_run_that_fails_still_gives_the_lease_back():
    class Refusing(Queue):
        def send_batch(self, messages: list) -> list[bool]:
            raise RuntimeError("SQS is down")

    leases = Leases()
    with pytest.raises(RuntimeError):
        sweep_in_turn(leases, due_texts(3), Refusing(), NOW, token="this")
    assert leases.holder is None
