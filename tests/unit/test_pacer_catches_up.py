"""A sender that let its slots pass for a moment (its last sends' answers, the next
receive, a handed-back text back a little late) uses the missed ones of the last few
seconds, so Twilio's queue for the number stays fed; never more, and never before its
first send."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from chalicelib.domain.jurisdiction import Department
from chalicelib.services.pacing import CATCH_UP_SECONDS, Pacer

EIGHT_A_SECOND = Department("probation", "Probation", "+18015550100", messages_per_second=8)
SPACING = 0.25  # two senders share the number: each sends every 2 / 8 s


def sender_on_a_made_up_clock() -> tuple[Callable[[], None], list[float], list[float]]:
    """A send function, the clock, and when each send went."""
    clock = [1000.0]
    sent_at: list[float] = []

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    pacer = Pacer(clock=lambda: clock[0], sleep=sleep, senders=2)

    def send() -> None:
        pacer.wait_turn(EIGHT_A_SECOND)
        sent_at.append(clock[0])

    return send, clock, sent_at


def test_slots_missed_during_a_short_gap_are_used_at_once_then_the_spacing_resumes():
    send, clock, sent_at = sender_on_a_made_up_clock()
    for _ in range(3):
        send()
    assert sent_at == [1000.0, 1000.25, 1000.5]
    clock[0] = 1001.5  # the slots of 1000.75, 1001.0 and 1001.25 went unused

    for _ in range(5):
        send()

    assert sent_at[3:] == [1001.5, 1001.5, 1001.5, 1001.5, 1001.75]
    # over the whole run never above the rate: one send per slot from the first
    assert len(sent_at) == (sent_at[-1] - sent_at[0]) / SPACING + 1


def test_after_a_long_idle_only_the_last_seconds_slots_are_caught_up():
    send, clock, sent_at = sender_on_a_made_up_clock()
    send()
    clock[0] += 600.0

    for _ in range(30):
        send()

    after_idle = sent_at[1:]
    at_once = after_idle.count(after_idle[0])
    assert at_once == CATCH_UP_SECONDS / SPACING + 1  # the missed slots and the present one
    spaced = after_idle[at_once - 1 :]
    assert {b - a for a, b in pairwise(spaced)} == {SPACING}


def test_a_sender_that_has_not_sent_yet_starts_at_its_pace_with_no_burst():
    send, _clock, sent_at = sender_on_a_made_up_clock()
    for _ in range(4):
        send()
    assert sent_at == [1000.0, 1000.25, 1000.5, 1000.75]
