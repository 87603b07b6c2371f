"""The fake Twilio under load: the REST concurrency limit, per-number pacing and validity.

The queue arithmetic is checked with made-up times (NumberQueue takes "now" from its
caller); the server, its releasing thread and the official SDK with short real waits.
"""

from __future__ import annotations

import base64
import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from infra.local.fake_twilio import (
    ERROR_INVALID_VALIDITY_PERIOD,
    ERROR_QUEUE_FULL,
    ERROR_QUEUE_OVERFLOW,
    ERROR_TOO_MANY_REQUESTS,
    ERROR_VALIDITY_EXPIRED,
    LOAD_PATH,
    LOCAL_ACCOUNT_SID,
    LOCAL_AUTH_TOKEN,
    FakeTwilio,
    sdk_client,
)
from infra.local.fake_twilio.pacing import EXPIRED, RELEASED, NumberQueue, QueuedText

PROBATION = "+18015550100"
PRETRIAL = "+18015550200"
CLIENT_PHONE = "+13855550101"
OWNED = {PROBATION: "Probation", PRETRIAL: "Pretrial"}
NOWHERE = "http://127.0.0.1:9/status"  # refused at once; the fake still logs each callback
MESSAGES_PATH = f"/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}/Messages.json"
BASIC_AUTH = (
    "Basic " + base64.b64encode(f"{LOCAL_ACCOUNT_SID}:{LOCAL_AUTH_TOKEN}".encode()).decode()
)


@pytest.fixture
def start_fake() -> Iterator[Callable[..., FakeTwilio]]:
    started: list[FakeTwilio] = []

    def start(**knobs: Any) -> FakeTwilio:
        fake = FakeTwilio(owned_numbers=OWNED, **{"callback_delay": 0, **knobs}).start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()


def send(client: Client, body: str = "Court is Monday at 9", **kwargs: Any) -> Any:
    return client.messages.create(
        to=CLIENT_PHONE, from_=PROBATION, body=body, status_callback=NOWHERE, **kwargs
    )


def callbacks(fake: FakeTwilio, sid: str) -> list[tuple[str, str | None]]:
    """(MessageStatus, ErrorCode) of every status callback the fake posted for one message."""
    return [
        (params["MessageStatus"], params.get("ErrorCode"))
        for _url, params, _outcome in fake.callback_log
        if params.get("MessageSid") == sid
    ]


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.01)


def raw_request(
    fake: FakeTwilio, method: str, path: str, body: bytes | None = None
) -> tuple[int, dict[str, str], Any]:
    """Plain HTTP, so status, headers and JSON body can all be seen."""
    host, port = fake.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        headers = {"Authorization": BASIC_AUTH, "Content-Type": "application/json"}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read() or b"{}")
    finally:
        conn.close()


def text(sid: str, queued_at: float = 0.0, valid_for: float = 100.0, segments: int = 1) -> Any:
    return QueuedText({"sid": sid}, None, segments, queued_at, queued_at + valid_for)


# the queue's arithmetic, with made-up times ------------------------------------------------
def test_a_paced_number_releases_one_message_per_interval_in_arrival_order() -> None:
    queue = NumberQueue(PROBATION, rate=2)
    for sid in ("a", "b", "c", "d"):
        queue.push(text(sid))

    events = queue.advance(now=10.0)

    assert [(e.text.message["sid"], e.at, e.outcome) for e in events] == [
        ("a", 0.0, RELEASED),
        ("b", 0.5, RELEASED),
        ("c", 1.0, RELEASED),
        ("d", 1.5, RELEASED),
    ]
    load = queue.report()
    assert (load.created, load.released, load.depth, load.max_depth) == (4, 4, 0, 4)


def test_a_queue_lets_nothing_go_before_its_time_and_says_when_to_look_again() -> None:
    queue = NumberQueue(PROBATION, rate=2)
    for sid in ("a", "b", "c"):
        queue.push(text(sid))

    first = queue.advance(now=0.7)

    assert [e.text.message["sid"] for e in first] == ["a", "b"]
    assert queue.next_event() == 1.0 and queue.depth == 1


def test_a_long_text_holds_its_sender_for_each_of_its_segments() -> None:
    queue = NumberQueue(PROBATION, rate=1)
    queue.push(text("long", segments=3))
    queue.push(text("short"))

    events = queue.advance(now=10.0)

    assert [e.at for e in events] == [0.0, 3.0]


def test_an_idle_sender_saves_up_no_burst() -> None:
    queue = NumberQueue(PROBATION, rate=1)
    queue.push(text("early"))
    queue.advance(now=0.0)
    queue.push(text("later", queued_at=10.0))
    queue.push(text("right after", queued_at=10.0))

    events = queue.advance(now=20.0)

    assert [e.at for e in events] == [10.0, 11.0]


def test_a_message_whose_validity_runs_out_in_the_queue_expires_and_takes_no_turn() -> None:
    queue = NumberQueue(PROBATION, rate=1)
    queue.push(text("a"))
    queue.push(text("b", valid_for=0.5))
    queue.push(text("c"))

    events = queue.advance(now=5.0)

    assert [(e.text.message["sid"], e.at, e.outcome) for e in events] == [
        ("a", 0.0, RELEASED),
        ("b", 0.5, EXPIRED),
        ("c", 1.0, RELEASED),
    ]
    load = queue.report()
    assert (load.released, load.expired, load.expired_by_code) == (2, 1, {ERROR_QUEUE_OVERFLOW: 1})


def test_a_new_rate_applies_to_the_next_release_at_once() -> None:
    queue = NumberQueue(PROBATION, rate=0.01)
    queue.push(text("a"))
    queue.push(text("b"))
    queue.advance(now=0.0)

    queue.rate = 10

    assert queue.next_event() == pytest.approx(0.1)


def test_a_queue_admits_at_most_ten_hours_of_its_rate_in_segments() -> None:
    queue = NumberQueue(PROBATION, rate=0.001)  # 36 segments in 10 hours
    for sid in range(12):
        queue.push(text(str(sid), segments=3))

    assert not queue.admits(1) and queue.report().refused == 1
    queue.advance(now=0.0)
    assert queue.admits(3)


# the server: concurrency limit ------------------------------------------------------------
def test_requests_beyond_the_concurrency_limit_are_answered_429_at_once(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake(max_concurrent_requests=2)
    client = sdk_client(fake.base_url)
    fake.hang_next_creates(0.8, count=2)
    hung = [threading.Thread(target=send, args=(client,)) for _ in range(2)]
    for thread in hung:
        thread.start()
    wait_until(lambda: fake.load().in_flight == 2)

    started = time.monotonic()
    status, headers, error = raw_request(fake, "GET", MESSAGES_PATH)
    with pytest.raises(TwilioRestException) as refused_create:
        send(client)
    answered_in = time.monotonic() - started
    for thread in hung:
        thread.join(timeout=5)

    assert (status, headers["Retry-After"], error["code"]) == (429, "1", ERROR_TOO_MANY_REQUESTS)
    assert error["status"] == 429 and error["more_info"].endswith("/20429")
    assert (refused_create.value.status, refused_create.value.code) == (429, 20429)
    assert answered_in < 0.5
    load = fake.load()
    assert (load.too_many_requests, load.peak_in_flight, load.in_flight) == (2, 2, 0)
    assert len(fake.messages()) == 2 and len(client.messages.list()) == 2


def test_without_a_limit_any_number_of_requests_may_be_in_flight(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake(max_concurrent_requests=None)
    client = sdk_client(fake.base_url)
    fake.hang_next_creates(0.3, count=8)
    hung = [threading.Thread(target=send, args=(client,)) for _ in range(8)]
    for thread in hung:
        thread.start()
    for thread in hung:
        thread.join(timeout=5)

    load = fake.load()
    assert (load.too_many_requests, load.peak_in_flight, len(fake.messages())) == (0, 8, 8)


def test_the_default_limit_is_generous_and_can_be_changed_on_a_running_fake(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake()

    assert fake.max_concurrent_requests == 100
    fake.max_concurrent_requests = 3
    assert fake.load().max_concurrent_requests == 3
    with pytest.raises(ValueError):
        fake.max_concurrent_requests = 0


# the server: pacing -----------------------------------------------------------------------
def test_a_paced_number_releases_at_its_rate_in_creation_order(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake(rates={PROBATION: 20})
    client = sdk_client(fake.base_url)

    started = time.monotonic()
    sids = [send(client, body=f"Reminder {n}").sid for n in range(30)]
    fake.wait_for_callbacks(timeout=10)
    took = time.monotonic() - started

    load = fake.load().numbers[PROBATION]
    released = [r.released_at for r in load.releases]
    achieved = (len(released) - 1) / (released[-1] - released[0])
    assert [r.sid for r in load.releases] == sids
    assert achieved == pytest.approx(20, rel=0.1)
    assert 29 / 20 <= took < 29 / 20 + 2.0
    assert (load.created, load.released, load.expired, load.depth) == (30, 30, 0, 0)
    assert 1 <= load.max_depth <= 30
    assert all(callbacks(fake, sid) == [("sent", None), ("delivered", None)] for sid in sids)


def test_a_released_message_is_sending_until_it_is_sent_and_the_next_waits_queued(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake(rates={PROBATION: 2}, callback_delay=5)
    client = sdk_client(fake.base_url)

    first, second = send(client), send(client)
    second_at_once = client.messages(second.sid).fetch().status
    wait_until(lambda: client.messages(second.sid).fetch().status != "queued")

    assert (first.status, second.status, second_at_once) == ("queued", "queued", "queued")
    assert client.messages(first.sid).fetch().status == "sending"
    assert client.messages(second.sid).fetch().status == "sending"
    assert callbacks(fake, first.sid) == []


def test_a_message_waiting_past_the_fake_wide_validity_fails_with_30001_and_a_callback(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    # One text every 4 s and 1.5 s to live: the first leaves with 1.5 s to spare (0.3 s was
    # not always enough on a busy machine), the others cannot leave before theirs run out.
    fake = start_fake(rates={PROBATION: 0.25}, validity_period=1.5)
    client = sdk_client(fake.base_url)

    sent, *stuck = [send(client) for _ in range(3)]
    fake.wait_for_callbacks(timeout=10)

    assert callbacks(fake, sent.sid) == [("sent", None), ("delivered", None)]
    for message in stuck:
        assert callbacks(fake, message.sid) == [("failed", str(ERROR_QUEUE_OVERFLOW))]
        fetched = client.messages(message.sid).fetch()
        assert (fetched.status, fetched.error_code) == ("failed", ERROR_QUEUE_OVERFLOW)
    load = fake.load().numbers[PROBATION]
    assert (load.created, load.released, load.expired, load.depth) == (3, 1, 2, 0)
    assert load.expired_by_code == {ERROR_QUEUE_OVERFLOW: 2}


def test_a_message_past_the_validity_period_it_asked_for_fails_with_30036(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake(rates={PROBATION: 0.5})
    client = sdk_client(fake.base_url)

    send(client)
    late = send(client, validity_period=1)
    fake.wait_for_callbacks(timeout=5)

    assert callbacks(fake, late.sid) == [("failed", str(ERROR_VALIDITY_EXPIRED))]
    assert fake.load().numbers[PROBATION].expired_by_code == {ERROR_VALIDITY_EXPIRED: 1}


@pytest.mark.parametrize("seconds", [0, 36001], ids=["zero", "over ten hours"])
def test_a_validity_period_twilio_does_not_allow_is_refused_with_21624(
    start_fake: Callable[..., FakeTwilio], seconds: int
) -> None:
    fake = start_fake()

    with pytest.raises(TwilioRestException) as refused:
        send(sdk_client(fake.base_url), validity_period=seconds)

    assert (refused.value.status, refused.value.code) == (400, ERROR_INVALID_VALIDITY_PERIOD)
    assert fake.messages() == []


def test_a_create_that_would_queue_more_than_ten_hours_is_refused_with_21611(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake(rates={PROBATION: 0.001})  # 36 segments fill 10 hours
    client = sdk_client(fake.base_url)

    for _ in range(37):  # the first goes at once, 36 wait
        send(client)
    wait_until(lambda: fake.load().numbers[PROBATION].depth == 36)
    with pytest.raises(TwilioRestException) as refused:
        send(client)

    assert (refused.value.status, refused.value.code) == (400, ERROR_QUEUE_FULL)
    load = fake.load().numbers[PROBATION]
    assert (load.created, load.refused, len(fake.messages())) == (37, 1, 37)


def test_turning_pacing_off_lets_every_waiting_message_go_at_once(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake(rates={PROBATION: 0.05})
    client = sdk_client(fake.base_url)
    sids = [send(client).sid for _ in range(3)]

    fake.set_rate(PROBATION, None)
    fake.wait_for_callbacks(timeout=3)

    assert all(callbacks(fake, sid)[-1] == ("delivered", None) for sid in sids)
    assert fake.load().numbers[PROBATION].rate is None


def test_an_unpaced_number_hands_messages_on_at_once_as_before(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake()
    client = sdk_client(fake.base_url)

    sid = send(client).sid
    fake.wait_for_callbacks()

    load = fake.load().numbers[PROBATION]
    assert (load.rate, load.created, load.released, load.max_depth) == (None, 1, 1, 0)
    assert load.releases[0].queued_at == load.releases[0].released_at
    assert callbacks(fake, sid) == [("sent", None), ("delivered", None)]


def test_only_the_accounts_numbers_can_be_paced_and_only_at_a_positive_rate(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake()

    for number, rate in ((CLIENT_PHONE, 1.0), (PROBATION, 0), (PROBATION, -1.0)):
        with pytest.raises(ValueError):
            fake.set_rate(number, rate)
    assert fake.load().numbers[PROBATION].rate is None


# the control API ---------------------------------------------------------------------------
def test_the_load_control_api_changes_the_knobs_and_reports_the_counts(
    start_fake: Callable[..., FakeTwilio],
) -> None:
    fake = start_fake()
    settings = {"rates": {PRETRIAL: 3}, "max_concurrent_requests": 5, "validity_period": 60}

    changed, _, _ = raw_request(fake, "POST", LOAD_PATH, json.dumps(settings).encode())
    sid = send(sdk_client(fake.base_url)).sid
    fake.wait_for_callbacks()
    _, headers, report = raw_request(fake, "GET", LOAD_PATH)
    _, _, brief = raw_request(fake, "GET", LOAD_PATH + "?releases=0")
    _, _, reset = raw_request(fake, "DELETE", LOAD_PATH)

    assert changed == 200 and headers["Cache-Control"] == "no-store"
    assert (fake.max_concurrent_requests, fake.validity_period) == (5, 60)
    assert (report["max_concurrent_requests"], report["too_many_requests"]) == (5, 0)
    assert report["numbers"][PRETRIAL]["rate"] == 3
    probation = report["numbers"][PROBATION]
    assert (probation["created"], probation["released"], probation["depth"]) == (1, 1, 0)
    assert [r["sid"] for r in probation["releases"]] == [sid]
    assert "releases" not in brief["numbers"][PROBATION]
    assert reset["numbers"][PROBATION]["created"] == 0


@pytest.mark.parametrize(
    "settings",
    [
        {"rates": {PROBATION: 5, PRETRIAL: -1}},
        {"rates": {CLIENT_PHONE: 5}},
        {"max_concurrent_requests": 0, "rates": {PROBATION: 5}},
        {"validity_period": "soon"},
        {"speed": 11},
        [],
    ],
    ids=["negative rate", "not our number", "zero limit", "not seconds", "unknown", "list"],
)
def test_the_load_control_api_changes_nothing_when_one_setting_is_wrong(
    start_fake: Callable[..., FakeTwilio], settings: Any
) -> None:
    fake = start_fake()

    status, _, answer = raw_request(fake, "POST", LOAD_PATH, json.dumps(settings).encode())

    assert status == 400 and answer["error"]
    assert (fake.max_concurrent_requests, fake.validity_period) == (100, None)
    assert {n: load.rate for n, load in fake.load().numbers.items()} == {
        PROBATION: None,
        PRETRIAL: None,
    }


def test_a_text_that_reaches_its_queue_late_still_leaves_in_creation_order() -> None:
    """A create's text reaches its queue just after its answer is written, so the next
    create (sent on that answer) can get there a moment before it: Twilio's order is the
    order of the creates, so the queue's is too (seen as a flaky paced-number test)."""
    queue = NumberQueue(PROBATION, rate=2)
    made = {sid: text(sid) for sid in ("a", "b", "c")}
    for order, sid in enumerate(made):
        made[sid].order = order
    for sid in ("a", "c", "b"):  # "c" overtook "b" on its way in
        queue.push(made[sid])

    events = queue.advance(now=10.0)

    assert [e.text.message["sid"] for e in events] == ["a", "b", "c"]
