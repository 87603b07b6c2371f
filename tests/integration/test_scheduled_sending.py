"""Scheduled texts go out exactly once, at their local time, whatever repeats or races.

The sweep and the sender run here as their Lambda handlers would: the sweep's due texts go
on a real (moto) SQS queue, and each message is handed to the sender, twice where a test
says SQS delivered it twice. Twilio is the fake, with its failure knobs.
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from infra.local.fake_twilio import OPTED_OUT_NUMBER
from tests.clock import real_now
from tests.helpers import fresh_phone

# reads the clock, but sweeps and sends relative to now; the local-time cases name their instants:
# one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour

MINUTE = timedelta(minutes=1)


def new_client(stores, phone: str | None = None, department: str = "probation"):
    from chalicelib.domain.clients import Client

    owner = "kristina" if department == "probation" else "tom"
    return stores.clients.add(
        Client(secrets.token_hex(10), department, owner, "Sched", "Uled", phone or fresh_phone())
    )


def plan(stores, client, send_at: datetime, body: str = "Court is Tuesday at 9"):
    from chalicelib.domain.scheduling import ScheduledText

    return stores.scheduled.add(
        ScheduledText(
            client_id=client.client_id,
            scheduled_id=secrets.token_hex(16),
            department_id=client.department_id,
            case_manager_id=client.case_manager_id,
            author_id=client.case_manager_id,
            body=body,
            send_at=send_at,
        )
    )


def sweep(stores, queue, now: datetime):
    from chalicelib.services.sending import sweep as run_sweep

    return run_sweep(stores.scheduled, queue, now)


def deliver(queue, sender, client, now: datetime | None = None, times: int = 1) -> list[str]:
    """Hand every visible queue message for ``client`` to the sender ``times`` times (SQS
    delivers at least once), deleting it afterwards, as the event source mapping does.
    Other tests' due texts share the table, so their messages are dropped unsent here."""
    from chalicelib.services.sending import SendOrder, send_order

    outcomes = []
    for message in drain(queue):
        order = SendOrder.from_json(message.body)
        for _ in range(times if order.client_id == client.client_id else 0):
            outcomes.append(send_order(order, sender, now or real_now()))
        queue.delete(message.receipt)
    return outcomes


def drain(queue):
    while batch := queue.receive(most=10):
        yield from batch


def texts_to(twilio, phone: str) -> list[str]:
    return [m["body"] for m in twilio.messages(to=phone) if m["direction"] == "outbound-api"]


def state_of(stores, text) -> str:
    return stores.scheduled.get(text.client_id, text.scheduled_id).state.value


def test_a_text_scheduled_for_nine_on_the_day_clocks_go_forward_goes_at_nine_local(
    stores, queue, sender, twilio
):
    """America/Denver springs forward on 14 March 2027: 9:00 that day is 15:00 UTC."""
    from zoneinfo import ZoneInfo

    from chalicelib.domain.scheduling import parse_local

    zone = ZoneInfo("America/Denver")
    send_at = parse_local("2027-03-14", "09:00", zone)
    assert send_at == datetime(2027, 3, 14, 15, 0, tzinfo=UTC)
    client = new_client(stores)
    text = plan(stores, client, send_at)
    with time_machine.travel(datetime(2027, 3, 14, 14, 59, 30, tzinfo=UTC), tick=False):
        sweep(stores, queue, real_now())  # 8:59:30 MDT
        assert state_of(stores, text) == "scheduled"
    with time_machine.travel(datetime(2027, 3, 14, 15, 0, 5, tzinfo=UTC), tick=False):
        sweep(stores, queue, real_now())
        assert state_of(stores, text) == "queued"
        assert deliver(queue, sender, client) == ["sent"]
    assert texts_to(twilio, client.phone) == ["Court is Tuesday at 9"]
    assert state_of(stores, text) == "sent"


def test_a_text_for_nine_on_the_day_clocks_go_back_goes_at_nine_local(stores, queue, sender):
    from zoneinfo import ZoneInfo

    from chalicelib.domain.scheduling import parse_local

    zone = ZoneInfo("America/Denver")
    assert parse_local("2027-11-07", "09:00", zone) == datetime(2027, 11, 7, 16, 0, tzinfo=UTC)
    # 1:30 happens twice that night: the first one (still daylight time) is meant
    assert parse_local("2027-11-07", "01:30", zone) == datetime(2027, 11, 7, 7, 30, tzinfo=UTC)


def test_a_time_the_clocks_skip_is_refused(stores):
    from zoneinfo import ZoneInfo

    from chalicelib.domain.errors import ValidationFailed
    from chalicelib.domain.scheduling import parse_local

    with pytest.raises(ValidationFailed) as refused:
        parse_local("2027-03-14", "02:30", ZoneInfo("America/Denver"))
    assert "skip" in refused.value.field_errors["send_time"]


def test_two_sweeps_at_once_and_double_deliveries_send_each_text_once(
    now, stores, queue, sender, twilio
):
    client = new_client(stores)
    texts = [plan(stores, client, now - MINUTE, body=f"Reminder number {i}") for i in range(12)]
    start = threading.Barrier(2)
    reports = []

    def run() -> None:
        start.wait()
        reports.append(sweep(stores, queue, now))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert {state_of(stores, t) for t in texts} == {"queued"}  # each marked by one sweep
    outcomes = deliver(queue, sender, client, times=2)  # and SQS delivers every message twice
    assert outcomes.count("sent") == 12
    assert sorted(texts_to(twilio, client.phone)) == sorted(t.body for t in texts)
    assert {state_of(stores, t) for t in texts} == {"sent"}
    assert stores.clients.get(client.client_id).scheduled_count == 0


def test_an_outage_is_caught_up_by_the_next_sweep_and_lateness_recorded(
    now, stores, queue, sender, twilio
):
    client = new_client(stores)
    on_time = plan(stores, client, now - timedelta(minutes=2), body="Two minutes ago")
    late = plan(stores, client, now - timedelta(hours=3), body="Three hours ago")
    sweep(stores, queue, now)
    assert sorted(deliver(queue, sender, client, now)) == ["sent", "sent"]
    entries = {e.body: e for e in stores.conversations.newest(client.client_id)[0]}
    assert "late_seconds" not in entries["Two minutes ago"].details
    assert int(entries["Three hours ago"].details["late_seconds"]) >= 3 * 3600
    assert stores.scheduled.get(client.client_id, late.scheduled_id).late_seconds >= 3 * 3600
    assert stores.scheduled.get(client.client_id, on_time.scheduled_id).late_seconds is None


def test_a_text_cancelled_after_it_was_queued_is_never_sent(now, stores, queue, sender, twilio):
    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    current = stores.scheduled.get(client.client_id, text.scheduled_id)
    cancelled = stores.scheduled.cancel(current, "kristina")
    assert cancelled.state.value == "cancelled"
    assert deliver(queue, sender, client) == ["stale"]
    assert texts_to(twilio, client.phone) == []


def test_cancel_during_the_send_is_refused_as_too_late(now, stores, queue, sender, twilio):
    from chalicelib.store.scheduled import ChangeRefused

    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    from chalicelib.services.sending import SendOrder

    # the sweep at ``now`` may queue another test's text due by then too: take this one's
    orders = (SendOrder.from_json(m.body).text() for m in drain(queue))
    queued = next(t for t in orders if t.scheduled_id == text.scheduled_id)
    assert stores.scheduled.claim(queued, None)  # a sender has it now
    current = stores.scheduled.get(client.client_id, text.scheduled_id)
    refused = stores.scheduled.cancel(current, "kristina")
    assert isinstance(refused, ChangeRefused) and refused.current.state.value == "sending"


def test_an_edit_after_queueing_sends_the_new_text_once_at_the_new_time(
    now, stores, queue, sender, twilio
):
    client = new_client(stores)
    text = plan(stores, client, now - MINUTE, body="Old wording")
    sweep(stores, queue, now)
    current = stores.scheduled.get(client.client_id, text.scheduled_id)
    stores.scheduled.edit(current, "New wording", now + timedelta(minutes=5), "kristina")
    assert deliver(queue, sender, client) == ["stale"]  # the queued message was for the old version
    sweep(stores, queue, now)
    assert state_of(stores, text) == "scheduled"  # not due yet
    sweep(stores, queue, now + timedelta(minutes=6))
    assert deliver(queue, sender, client) == ["sent"]
    assert texts_to(twilio, client.phone) == ["New wording"]


def test_twilio_429_goes_back_to_the_queue_and_then_sends_once(now, stores, queue, sender, twilio):
    import time

    client = new_client(stores)
    text = plan(stores, client, now - MINUTE)
    twilio.fail_next_creates(429, count=3, to=client.phone, retry_after=1)
    sweep(stores, queue, now)
    assert deliver(queue, sender, client) == ["retry"]
    assert state_of(stores, text) == "queued"
    time.sleep(1.5)  # the retry message's delay
    assert deliver(queue, sender, client) == ["sent"]
    assert texts_to(twilio, client.phone) == ["Court is Tuesday at 9"]
    final = stores.scheduled.get(client.client_id, text.scheduled_id)
    assert final.state.value == "sent" and final.attempts == 2


@pytest.fixture()
def opted_out_at_twilio(stores):
    """A Pretrial client on the fake's STOP number, retired afterwards so the number is
    free for the next run of the test (it runs at each of the clock's instants)."""
    from chalicelib.domain.conversation import marker
    from chalicelib.domain.retirement import Retirement, RetireReason

    client = new_client(stores, OPTED_OUT_NUMBER, department="pretrial")
    yield client
    stores.clients.retire(
        stores.clients.get(client.client_id),
        Retirement(real_now(), RetireReason.CASE_CLOSED, "tom"),
        marker(client.client_id, "retired", "Retired"),
        {"reason": "case_closed"},
    )


def test_21610_is_a_permanent_failure_shown_on_the_text(
    now, stores, queue, sender, twilio, opted_out_at_twilio
):
    client = opted_out_at_twilio
    text = plan(stores, client, now - MINUTE)
    sweep(stores, queue, now)
    assert deliver(queue, sender, client) == ["failed"]
    final = stores.scheduled.get(client.client_id, text.scheduled_id)
    assert final.state.value == "failed" and "STOP" in final.failure
    entry = stores.conversations.newest(client.client_id)[0][0]
    assert entry.status == "failed" and entry.error_code == 21610
    assert stores.clients.get(client.client_id).opted_out


def test_a_client_who_opted_out_after_scheduling_is_not_texted(
    now, stores, queue, sender, twilio, stack
):
    client = new_client(stores)
    text = plan(stores, client, now + timedelta(seconds=40))
    stack.twilio.send_inbound(from_=client.phone, to="+18015550100", body="STOP")
    assert stores.clients.get(client.client_id).opted_out
    sweep(stores, queue, now + MINUTE)
    assert deliver(queue, sender, client) == ["refused"]
    assert texts_to(twilio, client.phone) == []
    final = stores.scheduled.get(client.client_id, text.scheduled_id)
    assert final.state.value == "failed" and "STOP" in final.failure
    markers = [e for e in stores.conversations.newest(client.client_id)[0] if e.marker]
    assert any(m.marker == "scheduled_not_sent" and "STOP" in m.body for m in markers)


def test_scheduling_changes_are_audited(now, stores):
    client = new_client(stores)
    text = plan(stores, client, now + timedelta(hours=1))
    current = stores.scheduled.get(client.client_id, text.scheduled_id)
    edited = stores.scheduled.edit(current, "Reworded", now + timedelta(hours=2), "dana")
    stores.scheduled.cancel(edited, "kristina")
    actions = [(e.action, e.actor) for e in stores.audit.trail(f"client#{client.client_id}")]
    assert ("schedule", client.case_manager_id) in actions
    assert ("schedule_edit", "dana") in actions and ("schedule_cancel", "kristina") in actions


def test_a_scheduled_text_goes_to_the_number_current_at_send_time(
    now, stores, queue, sender, twilio
):
    from dataclasses import replace

    from chalicelib.domain.clients import ClientDetails

    old, new = fresh_phone(), fresh_phone()
    client = new_client(stores, old)
    plan(stores, client, now - MINUTE)
    stores.clients.update_details(
        replace(client, version=1), ClientDetails("Sched", "Uled", new), None
    )
    sweep(stores, queue, now)
    assert deliver(queue, sender, client) == ["sent"]
    assert texts_to(twilio, old) == [] and texts_to(twilio, new) == ["Court is Tuesday at 9"]


def test_the_pacer_spaces_one_numbers_sends_at_its_admitted_rate():
    from chalicelib.domain.jurisdiction import Department
    from chalicelib.services.sending import Pacer

    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    pacer = Pacer(clock=lambda: clock[0], sleep=sleep)
    long_code = Department("probation", "Probation", "+18015550100", messages_per_second=1)
    short_code = Department("pretrial", "Pretrial", "+18015550200", messages_per_second=100)
    for _ in range(3):
        pacer.wait_turn(long_code)
    pacer.wait_turn(short_code)
    # two senders share a number: each keeps 2 / rate seconds between its own sends
    assert slept == [2.0, 2.0]


def test_marking_many_queued_skips_the_ones_edited_meanwhile_and_marks_the_rest(now, stores):
    client = new_client(stores)
    texts = [plan(stores, client, now - MINUTE, body=f"Batch {i}") for i in range(30)]
    due = [t for t in stores.scheduled.due(now) if t.client_id == client.client_id]
    edited = stores.scheduled.get(client.client_id, texts[3].scheduled_id)
    stores.scheduled.edit(edited, "Changed", now + timedelta(hours=1), "kristina")
    results = stores.scheduled.mark_many_queued(due)
    marked = dict(zip((t.scheduled_id for t in due), results, strict=True))
    assert marked[texts[3].scheduled_id] is False
    assert [marked[t.scheduled_id] for t in texts if t is not texts[3]] == [True] * 29
    assert state_of(stores, texts[3]) == "scheduled"
    assert {state_of(stores, t) for t in texts if t is not texts[3]} == {"queued"}
