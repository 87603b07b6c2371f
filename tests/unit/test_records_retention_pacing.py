"""The records-retention job keeps to its share of capacity and to its time: it sleeps when
it runs ahead of its rate, never past its budget, and says when the budget is spent."""

from __future__ import annotations

from chalicelib.services.retention import Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_deleting_faster_than_the_rate_waits_for_the_rate():
    clock = Clock()
    pacer = Pacer(60, rate=100, clock=clock, sleep=clock.sleep)
    pacer.spend(50)  # half a second's worth, at once
    assert clock.slept == [0.5]
    clock.now += 2.0  # slower than the rate: no wait
    pacer.spend(100)
    assert clock.slept == [0.5]


def test_the_budget_ends_the_run_and_no_wait_outlasts_it():
    clock = Clock()
    pacer = Pacer(1.0, rate=10, clock=clock, sleep=clock.sleep)
    assert pacer.has_time()
    pacer.spend(1000)  # 100 s of work at this rate: wait only what the budget has left
    assert clock.slept == [1.0]
    assert not pacer.has_time()
