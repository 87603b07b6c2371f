"""A sweep reads the due index on past its first page while it has time and is getting
somewhere: a mass text bigger than one read no longer keeps another department's
later-due reminders off the queue until it has drained, a minute a read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.scheduling import ScheduledText
from chalicelib.services.sending import QUEUE_AHEAD, sweep
from tests.fakes_sending import FakeScheduledStore

SWEPT_AT = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # the night clocks go back in Denver


class Queue:
    """Keeps what it is given (or refuses it all); each batch costs ``seconds``."""

    def __init__(self, clock: list[datetime], seconds: float = 0.0, keeps: bool = True) -> None:
        self.clock = clock
        self.seconds = seconds
        self.keeps = keeps
        self.kept: list = []
        self.offered = 0

    def send_batch(self, messages: list) -> list[bool]:
        self.clock[0] += timedelta(seconds=self.seconds)
        self.offered += len(messages)
        if self.keeps:
            self.kept += messages
        return [self.keeps] * len(messages)


def mass_text_and_a_reminder(count: int) -> FakeScheduledStore:
    scheduled = FakeScheduledStore()
    for n in range(count):
        scheduled.add(
            ScheduledText(f"c{n}", f"m{n:04}", "probation", "cm", "cm", "Closed", SWEPT_AT)
        )
    later = SWEPT_AT + timedelta(seconds=30)
    scheduled.add(ScheduledText("p1", "r0001", "pretrial", "cm", "cm", "Court", later))
    return scheduled


def test_one_sweep_queues_a_mass_text_of_several_reads_and_the_reminder_due_after_it():
    scheduled = mass_text_and_a_reminder(250)
    clock = [SWEPT_AT]
    queue = Queue(clock, seconds=0.1)

    report = sweep(
        scheduled, queue, SWEPT_AT, ahead=QUEUE_AHEAD, clock=lambda: clock[0], per_partition=5
    )  # a read takes at most 40 texts here

    assert report.queued == 251
    assert any('"r0001"' in m.body for m in queue.kept)


def test_a_sweep_stops_reading_on_when_its_time_is_spent():
    scheduled = mass_text_and_a_reminder(250)
    clock = [SWEPT_AT]
    queue = Queue(clock, seconds=10)  # four batches of ten spend more than the budget

    report = sweep(
        scheduled, queue, SWEPT_AT, ahead=QUEUE_AHEAD, clock=lambda: clock[0], per_partition=5
    )

    assert report.queued == 40  # one read; the next sweep (a minute later) goes on


def test_a_sweep_whose_texts_the_queue_refuses_reads_once_and_leaves_them_for_the_next():
    scheduled = mass_text_and_a_reminder(250)
    clock = [SWEPT_AT]
    queue = Queue(clock, keeps=False)

    report = sweep(
        scheduled, queue, SWEPT_AT, ahead=QUEUE_AHEAD, clock=lambda: clock[0], per_partition=5
    )

    assert (report.queued, report.not_kept, queue.offered) == (0, 40, 40)
    assert len(scheduled.due(SWEPT_AT + QUEUE_AHEAD)) == 251  # all still waiting
