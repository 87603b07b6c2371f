"""A sender sends the texts of one batch several at a time (one sender can't reach a short
code's rate one text after another), and still: each number keeps its spacing, a text is
sent at most once, exactly the messages that failed are reported, and a slow number's
texts that can't start within the batch's horizon go back on the queue, not to failure."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import pytest

from chalicelib.adapters.twilio_gateway import SentMessage
from chalicelib.domain.clients import Client
from chalicelib.domain.jurisdiction import Department, Jurisdiction
from chalicelib.domain.scheduling import ScheduledText, ScheduleState
from chalicelib.services.pacing import Pacer
from chalicelib.services.send_batches import QueueRecord, send_batch
from chalicelib.services.sending import Sender, SendOrder
from tests.fakes import FakeClientStore
from tests.fakes_sending import FakeScheduledStore, FakeSendingOutbound

pytestmark = pytest.mark.any_hour  # texts due a minute ago, whatever the hour

FAST = Department("fast", "Fast", "+18015550300", messages_per_second=20)  # 0.1 s a sender
OTHER = Department("other", "Other", "+18015550400", messages_per_second=20)
SLOW = Department("slow", "Slow", "+18015550500", messages_per_second=2)  # 1 s a sender
JURISDICTION = Jurisdiction(
    "test", "Test", "America/Denver", (FAST, OTHER, SLOW), (7, 3, 1), {"en": {}}, {}
)
PLENTY = 600_000  # milliseconds left in the invocation
SAFETY = 15_000


class Twilio:
    """Takes every text, after ``before_answer`` (a pause, a barrier); notes when."""

    def __init__(self, before_answer: Callable[[], None] = lambda: None) -> None:
        self.before_answer = before_answer
        self.sent: list[tuple[str, str, float]] = []  # (from, to, monotonic time handed over)
        self.lock = threading.Lock()

    def send(self, *, from_: str, to: str, body: str, status_callback: str) -> SentMessage:
        handed = time.monotonic()
        self.before_answer()
        with self.lock:
            self.sent.append((from_, to, handed))
        return SentMessage(f"SM{len(self.sent)}", "queued", 1)

    def times_from(self, number: str) -> list[float]:
        return sorted(at for from_, _, at in self.sent if from_ == number)


@dataclass
class Queue:
    """The send queue as the sender uses it; ``keeps`` False: SQS refuses everything."""

    keeps: bool = True
    kept: list = field(default_factory=list)

    def send_batch(self, messages: list) -> list[bool]:
        if self.keeps:
            self.kept += messages
        return [self.keeps] * len(messages)

    def send(self, body: str, delay_seconds: int = 0, group: str = "") -> str:
        raise AssertionError("not expected here")


class World:
    def __init__(self, now: datetime, twilio: Twilio | None = None) -> None:
        self.now = now
        self.clients = FakeClientStore()
        self.scheduled = FakeScheduledStore()
        self.twilio = twilio or Twilio()
        self.queue = Queue()
        self.sender = Sender(
            clients=self.clients,
            scheduled=self.scheduled,
            outbound=FakeSendingOutbound(self.scheduled),
            gateway=self.twilio,  # type: ignore[arg-type]
            jurisdiction=JURISDICTION,
            queue=self.queue,  # type: ignore[arg-type]
            status_callback_base="http://127.0.0.1:9/status",
            pacer=Pacer(senders=2),
        )
        self.phones = 0

    def texts(self, department: Department, count: int) -> list[QueueRecord]:
        """``count`` queued texts from the department's number, as the batch's records."""
        records = []
        for _ in range(count):
            self.phones += 1
            client = self.clients.add(
                Client(
                    f"c{self.phones:04d}",
                    department.department_id,
                    "cm",
                    "Ana",
                    "B",
                    f"+1720555{self.phones:04d}",
                )
            )
            text = ScheduledText(
                client.client_id,
                f"s{self.phones:04d}",
                department.department_id,
                "cm",
                "cm",
                "The office is closed Monday.",
                self.now - timedelta(minutes=1),
            )
            stored = self.scheduled.add(text)
            body = SendOrder.of(stored).to_json()
            records.append(QueueRecord(f"m{self.phones:04d}", body))
        return records

    def state(self, record: QueueRecord) -> ScheduleState:
        order = SendOrder.from_json(record.body)
        found = self.scheduled.get(order.client_id, order.scheduled_id)
        assert found is not None
        return found.state


def test_the_texts_of_one_batch_are_in_flight_at_the_same_time(now):
    together = threading.Barrier(4, timeout=20)  # one text at a time never gets past it
    world = World(now, Twilio(before_answer=together.wait))
    records = world.texts(FAST, 2) + world.texts(OTHER, 2)

    result = send_batch(records, world.sender, lambda: PLENTY, SAFETY)

    assert result.failed == []
    assert result.outcomes == {"sent": 4}


def test_sends_in_flight_together_keep_each_numbers_spacing(now):
    world = World(now, Twilio(before_answer=lambda: time.sleep(0.2)))  # Twilio's answer
    records = world.texts(FAST, 8) + world.texts(OTHER, 4)
    began = time.monotonic()

    result = send_batch(records, world.sender, lambda: PLENTY, SAFETY)

    assert result.outcomes == {"sent": 12}
    interval = 2 / 20  # two senders share the number's 20 texts a second
    for number, count in ((FAST.twilio_number, 8), (OTHER.twilio_number, 4)):
        times = world.twilio.times_from(number)
        assert len(times) == count
        # the k-th text from a number is handed over no sooner than k intervals in
        assert all(at >= began + k * interval for k, at in enumerate(times)), number


def test_a_message_delivered_twice_in_one_batch_sends_its_text_once(now):
    world = World(now, Twilio(before_answer=lambda: time.sleep(0.05)))
    records = world.texts(FAST, 3)
    again = QueueRecord("m-again", records[0].body)  # SQS delivered it twice

    result = send_batch([*records, again], world.sender, lambda: PLENTY, SAFETY)

    assert result.outcomes == {"sent": 3, "stale": 1}
    assert result.failed == []
    assert sorted(to for _, to, _ in world.twilio.sent) == [
        "+17205550001",
        "+17205550002",
        "+17205550003",
    ]


class ExplodingClients:
    """The client store, except that reading some clients fails (a bug, an outage)."""

    def __init__(self, real: FakeClientStore, bad: set[str]) -> None:
        self.real = real
        self.bad = bad

    def get(self, client_id: str, along=()) -> Client | None:
        if client_id in self.bad:
            raise RuntimeError("this message cannot be handled")
        return self.real.get(client_id, along)


def test_exactly_the_messages_that_raised_are_reported_failed(now):
    world = World(now, Twilio(before_answer=lambda: time.sleep(0.05)))
    records = world.texts(FAST, 4) + world.texts(OTHER, 3)
    unreadable = QueueRecord("m-garbage", "not a send order")
    bad = {records[1], records[5]}
    ids = {SendOrder.from_json(r.body).client_id for r in bad}
    exploding = replace(world.sender, clients=ExplodingClients(world.clients, ids))

    result = send_batch([*records, unreadable], exploding, lambda: PLENTY, SAFETY)

    assert sorted(result.failed) == sorted([r.message_id for r in bad] + ["m-garbage"])
    assert result.outcomes == {"sent": 5}


def test_a_slow_numbers_texts_that_cannot_start_within_the_horizon_are_handed_back(now):
    world = World(now)
    records = world.texts(SLOW, 8)  # one text a second for this sender

    result = send_batch(
        records, world.sender, lambda: PLENTY, SAFETY, horizon_seconds=2.5, lead_seconds=0
    )

    sent = result.outcomes.get("sent", 0)
    assert result.failed == []  # none spends a receive toward the dead-letter queue
    assert sent >= 1 and result.handed_back >= 1 and sent + result.handed_back == 8
    copies = world.queue.kept
    assert [c.body for c in copies] == [r.body for r in records[sent:]]  # the same orders
    assert {c.group for c in copies} == {"slow"}  # the department's fair-queue group
    delays = [c.delay_seconds for c in copies]
    assert delays == sorted(delays) and len(set(delays)) == len(delays) and delays[0] >= 1
    assert all(world.state(r) is ScheduleState.SCHEDULED for r in records[sent:])  # unclaimed


def test_a_text_the_queue_will_not_take_back_is_reported_failed_so_it_comes_back(now):
    world = World(now)
    world.queue.keeps = False
    records = world.texts(SLOW, 3)

    result = send_batch(records, world.sender, lambda: PLENTY, SAFETY, horizon_seconds=0.5)

    assert result.outcomes == {"sent": 1}
    assert result.failed == [r.message_id for r in records[1:]]
    assert result.handed_back == 0


def test_when_time_runs_out_texts_in_flight_finish_and_the_rest_are_reported(now):
    world = World(now, Twilio(before_answer=lambda: time.sleep(0.3)))
    records = world.texts(FAST, 2) + world.texts(OTHER, 4)
    left = iter([PLENTY, PLENTY])  # two texts start, then the invocation is nearly over

    result = send_batch(records, world.sender, lambda: next(left, SAFETY - 1), SAFETY)

    assert result.outcomes == {"sent": 2}  # both waited for, their outcomes exact
    assert len(world.twilio.sent) == 2
    assert sorted(result.failed) == sorted(
        r.message_id for r in records if world.state(r) is ScheduleState.SCHEDULED
    )
    assert len(result.failed) == 4


def test_texts_handed_back_by_successive_batches_come_back_spread_not_together(now):
    world = World(now)
    first, second = world.texts(SLOW, 4), world.texts(SLOW, 4)

    send_batch(first, world.sender, lambda: PLENTY, SAFETY, horizon_seconds=0.5, lead_seconds=0)
    send_batch(second, world.sender, lambda: PLENTY, SAFETY, horizon_seconds=0.5, lead_seconds=0)

    delays = [c.delay_seconds for c in world.queue.kept]
    # the first batch sends one and hands three back; the second's first slot is taken too
    assert len(delays) == 7
    assert min(delays[3:]) > max(delays[:3])  # the second batch's come after the first's
    assert len(set(delays)) == 7


def test_a_handed_back_text_shows_again_ahead_of_its_slot_so_it_is_in_hand_when_due(now):
    world = World(now)
    records = world.texts(SLOW, 12)  # a slot a second for this sender

    result = send_batch(
        records, world.sender, lambda: PLENTY, SAFETY, horizon_seconds=0.5, lead_seconds=4
    )

    assert result.handed_back == 11
    delays = [c.delay_seconds for c in world.queue.kept]
    # slots 1 s, 2 s ... 11 s after the first send, each shown 4 s early (none before now)
    assert delays == [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]
