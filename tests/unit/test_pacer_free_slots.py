"""The pacer tells the sender when each number is next free (so a batch sends the free
number's text first), and spaces a number's sends by the senders sharing it."""

from __future__ import annotations

from chalicelib.domain.jurisdiction import Department
from chalicelib.services.pacing import Pacer

LONG_CODE = Department("probation", "Probation", "+18015550100", messages_per_second=1)
SHORT_CODE = Department("pretrial", "Pretrial", "+18015550200", messages_per_second=100)


def fake_pacer(senders: int = 2) -> tuple[Pacer, list[float]]:
    clock = [100.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    return Pacer(clock=lambda: clock[0], sleep=sleep, senders=senders), clock


def test_a_number_just_used_is_free_later_and_an_unused_one_now():
    pacer, clock = fake_pacer()
    pacer.wait_turn(LONG_CODE)
    assert pacer.free_at(LONG_CODE) == clock[0] + 2.0  # two senders at 1 text/s
    assert pacer.free_at(SHORT_CODE) == clock[0]


def test_more_senders_each_wait_longer_so_together_they_keep_the_rate():
    pacer, clock = fake_pacer(senders=10)
    pacer.wait_turn(SHORT_CODE)
    pacer.wait_turn(SHORT_CODE)
    assert clock[0] == 100.0 + 10 / 100
