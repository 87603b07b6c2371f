"""A text queued ahead is hidden until its own time, counted from when its message is put
on the queue: a sweep that takes a while to reach it must not make it late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.scheduling import ScheduledText
from chalicelib.services.sending import QUEUE_AHEAD, sweep
from tests.fakes_sending import FakeScheduledStore

SWEPT_AT = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


class SlowQueue:
    """Keeps what it is given; each batch costs ``seconds`` of the sweep's clock."""

    def __init__(self, clock: list[datetime], seconds: float) -> None:
        self.clock = clock
        self.seconds = seconds
        self.kept: list = []

    def send_batch(self, messages: list) -> list[bool]:
        self.clock[0] += timedelta(seconds=self.seconds)
        self.kept += messages
        return [True] * len(messages)


def text(n: int, send_at: datetime) -> ScheduledText:
    return ScheduledText(f"c{n}", f"s{n:03}", "probation", "cm", "cm", "Hello", send_at)


def test_a_text_reached_late_in_a_long_sweep_is_hidden_only_until_its_own_time():
    scheduled = FakeScheduledStore()
    for n in range(40):  # due now: the sweep reaches the later text after four batches
        scheduled.add(text(n, SWEPT_AT))
    scheduled.add(text(99, SWEPT_AT + timedelta(seconds=30)))
    clock = [SWEPT_AT]
    queue = SlowQueue(clock, seconds=5)

    sweep(scheduled, queue, SWEPT_AT, ahead=QUEUE_AHEAD, clock=lambda: clock[0])

    later = queue.kept[-1]
    assert '"s099"' in later.body
    assert later.delay_seconds == 30 - 4 * 5  # its batch comes 20 s into the sweep
    assert all(m.delay_seconds == 0 for m in queue.kept[:-1])


def test_a_sweep_takes_departments_in_turn_so_a_backlog_does_not_delay_anothers_texts():
    scheduled = FakeScheduledStore()
    for n in range(100):  # one department's mass text, due now
        scheduled.add(text(n, SWEPT_AT))
    reminder = ScheduledText("p1", "r001", "pretrial", "cm", "cm", "Court", SWEPT_AT)
    scheduled.add(reminder)
    clock = [SWEPT_AT]
    queue = SlowQueue(clock, seconds=5)

    sweep(scheduled, queue, SWEPT_AT, ahead=QUEUE_AHEAD, clock=lambda: clock[0])

    place = next(i for i, m in enumerate(queue.kept) if '"r001"' in m.body)
    assert place < 10  # in the sweep's first batch, not after the hundred
    assert queue.kept[place].group == "pretrial"
