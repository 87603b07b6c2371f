"""The fake Twilio's fault knobs, through its control API, its Python methods and the SDK."""

from __future__ import annotations

import base64
import http.client
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from infra.local.fake_twilio import (
    ERROR_INTERNAL,
    ERROR_SERVICE_UNAVAILABLE,
    ERROR_TOO_MANY_REQUESTS,
    FAULTS_PATH,
    LOCAL_ACCOUNT_SID,
    LOCAL_AUTH_TOKEN,
    FakeTwilio,
    sdk_client,
)

# reads the clock, but the fake's date filter, with a day on each side:
# one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour

PROBATION = "+18015550100"
CLIENT_PHONE = "+13855550101"
OTHER_PHONE = "+13855550102"
MESSAGES_PATH = f"/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}/Messages.json"
BASIC_AUTH = (
    "Basic " + base64.b64encode(f"{LOCAL_ACCOUNT_SID}:{LOCAL_AUTH_TOKEN}".encode()).decode()
)


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    instance = FakeTwilio(owned_numbers={PROBATION: "Probation"}, callback_delay=0).start()
    yield instance
    instance.stop()


@pytest.fixture
def client(fake: FakeTwilio) -> Client:
    return sdk_client(fake.base_url)


def connect(fake: FakeTwilio, timeout: float = 5.0) -> http.client.HTTPConnection:
    host, port = fake.base_url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=timeout)


def control(fake: FakeTwilio, method: str, payload: Any = None) -> tuple[int, dict[str, Any]]:
    conn = connect(fake)
    try:
        body = json.dumps(payload).encode() if payload is not None else None
        conn.request(method, FAULTS_PATH, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def raw_create(fake: FakeTwilio, to: str = CLIENT_PHONE) -> http.client.HTTPResponse:
    """Messages.create over plain HTTP, so headers and dropped connections can be seen."""
    conn = connect(fake)
    conn.request(
        "POST",
        MESSAGES_PATH,
        body=urlencode({"To": to, "From": PROBATION, "Body": "hi"}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": BASIC_AUTH},
    )
    return conn.getresponse()


def create(client: Client, to: str = CLIENT_PHONE) -> Any:
    return client.messages.create(to=to, from_=PROBATION, body="hi")


def test_the_control_api_adds_lists_and_clears_faults(fake: FakeTwilio) -> None:
    status, added = control(fake, "POST", {"fault": "error", "status": 503, "count": 2})
    listed = control(fake, "GET")[1]
    cleared = control(fake, "DELETE")[1]

    assert status == 201
    assert added["faults"] == [
        {"fault": "error", "count": 2, "to": None, "status": 503, "retry_after": None}
    ]
    assert listed == added and cleared == {"faults": []} and fake.pending_faults == []


@pytest.mark.parametrize(
    "payload",
    [{"fault": "explode"}, {"fault": "error", "status": 404}, {"fault": "hang", "count": 0}, []],
    ids=["unknown fault", "status Twilio never sends", "zero count", "not an object"],
)
def test_the_control_api_refuses_a_fault_it_cannot_play(fake: FakeTwilio, payload: Any) -> None:
    status, answer = control(fake, "POST", payload)

    assert status == 400 and answer["error"] and fake.pending_faults == []


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, ERROR_INTERNAL), (503, ERROR_SERVICE_UNAVAILABLE), (429, ERROR_TOO_MANY_REQUESTS)],
)
def test_an_error_fault_answers_in_twilios_error_shape_and_creates_nothing(
    fake: FakeTwilio, client: Client, status: int, code: int
) -> None:
    fake.fail_next_creates(status)

    with pytest.raises(TwilioRestException) as caught:
        create(client)

    assert (caught.value.status, caught.value.code) == (status, code)
    assert fake.messages() == [] and create(client).status == "queued"


def test_a_429_carries_retry_after_one_second_unless_told_otherwise(fake: FakeTwilio) -> None:
    fake.fail_next_creates(429)
    fake.fail_next_creates(429, retry_after=7)

    first, second = raw_create(fake), raw_create(fake)

    assert (first.status, first.getheader("Retry-After")) == (429, "1")
    assert second.getheader("Retry-After") == "7"
    assert json.loads(first.read())["code"] == ERROR_TOO_MANY_REQUESTS


def test_a_fault_for_one_number_leaves_texts_to_other_numbers_alone(
    fake: FakeTwilio, client: Client
) -> None:
    fake.fail_next_creates(503, to=OTHER_PHONE)

    assert create(client, to=CLIENT_PHONE).status == "queued"
    with pytest.raises(TwilioRestException):
        create(client, to=OTHER_PHONE)


def test_count_makes_a_fault_apply_to_that_many_creates_then_stop(
    fake: FakeTwilio, client: Client
) -> None:
    fake.fail_next_creates(500, count=2)

    outcomes = []
    for _ in range(3):
        try:
            outcomes.append(create(client).status)
        except TwilioRestException as exc:
            outcomes.append(exc.status)

    assert outcomes == [500, 500, "queued"]


def test_faults_touch_only_creates_not_fetches_or_lists(fake: FakeTwilio, client: Client) -> None:
    sid = create(client).sid
    fake.fail_next_creates(503)

    assert client.messages(sid).fetch().sid == sid
    assert [m.sid for m in client.messages.list()] == [sid]
    assert len(fake.pending_faults) == 1


def test_a_hang_holds_the_answer_then_creates_the_message(fake: FakeTwilio, client: Client) -> None:
    fake.hang_next_creates(0.5)
    started = time.monotonic()

    created = create(client)

    assert time.monotonic() - started >= 0.5
    assert fake.messages()[0]["sid"] == created.sid


def test_stopping_the_fake_ends_a_hang_without_creating_anything(fake: FakeTwilio) -> None:
    fake.hang_next_creates(30)
    failures: list[BaseException] = []

    def hung_create() -> None:
        try:
            raw_create(fake)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(exc)

    caller = threading.Thread(target=hung_create)
    caller.start()
    time.sleep(0.3)
    started = time.monotonic()
    fake.stop()
    caller.join(timeout=5)

    assert time.monotonic() - started < 3 and len(failures) == 1
    assert fake.messages() == []


def test_a_drop_before_create_closes_the_connection_and_creates_nothing(
    fake: FakeTwilio,
) -> None:
    fake.drop_next_creates()

    with pytest.raises(http.client.RemoteDisconnected):
        raw_create(fake)

    assert fake.messages() == []


def test_a_drop_after_create_leaves_a_message_that_is_really_sent(
    fake: FakeTwilio, client: Client
) -> None:
    fake.drop_next_creates(after_create=True)

    with pytest.raises(http.client.RemoteDisconnected):
        raw_create(fake)
    fake.wait_for_callbacks()

    (message,) = fake.messages()
    assert message["status"] == "delivered" and message["date_sent"]


def test_the_list_endpoint_filters_on_date_sent_like_twilio(
    now, fake: FakeTwilio, client: Client
) -> None:
    sid = create(client).sid
    fake.wait_for_callbacks()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = today + timedelta(days=1)

    def sids(**filters: Any) -> list[str]:
        return [m.sid for m in client.messages.list(to=CLIENT_PHONE, **filters)]

    assert sids(date_sent_after=today) == [sid]
    assert sids(date_sent_after=tomorrow) == []
    assert sids(date_sent_before=tomorrow) == [sid]
    assert sids(date_sent=today.date().isoformat()) == [sid]


def test_a_date_sent_the_fake_cannot_read_is_a_400(fake: FakeTwilio, client: Client) -> None:
    with pytest.raises(TwilioException) as caught:  # the SDK's list raises the base class
        client.messages.list(date_sent_after="last tuesday")

    assert caught.value.args[1].status_code == 400
