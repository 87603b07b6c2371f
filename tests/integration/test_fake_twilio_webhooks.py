"""Inbound webhooks delivered like Twilio's: connection overrides, retries, fallback URL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from twilio.request_validator import RequestValidator

from infra.local.fake_twilio import (
    ERROR_HTTP_CONNECTION,
    ERROR_HTTP_RETRIEVAL,
    LOCAL_AUTH_TOKEN,
    ConnectionOverrides,
    FakeTwilio,
    parse_overrides,
)

PROBATION = "+18015550100"
CLIENT_PHONE = "+13855550101"
TWIML_REPLY = "<Response><Message>We got your text.</Message></Response>"
Answer = int | float  # an HTTP status, or seconds to stall before answering 200


class ScriptedWebhook:
    """A webhook target answering each request from a script; the last answer repeats."""

    def __init__(self, *answers: Answer, reply: str = "<Response/>") -> None:
        self.answers = list(answers) or [200]
        self.reply = reply
        self.requests: list[dict[str, Any]] = []
        target = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                form = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
                target.requests.append(
                    {
                        "path": self.path,
                        "params": form,
                        "signature": self.headers["X-Twilio-Signature"],
                    }
                )
                answer = target.answers.pop(0) if len(target.answers) > 1 else target.answers[0]
                if isinstance(answer, float):
                    time.sleep(answer)
                    answer = 200
                body = (target.reply if answer == 200 else "").encode()
                try:
                    self.send_response(answer)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the fake gave up waiting

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def url(self, path: str, fragment: str = "") -> str:
        return self.base_url + path + (f"#{fragment}" if fragment else "")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def targets() -> Iterator[list[ScriptedWebhook]]:
    made: list[ScriptedWebhook] = []
    yield made
    for target in made:
        target.close()


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    instance = FakeTwilio(owned_numbers={PROBATION: "Probation"}, callback_delay=0).start()
    yield instance
    instance.stop()


def webhook(targets: list[ScriptedWebhook], *answers: Answer, **options: Any) -> ScriptedWebhook:
    target = ScriptedWebhook(*answers, **options)
    targets.append(target)
    return target


def refused_url(path: str = "/sms") -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}{path}"


def text(fake: FakeTwilio, body: str = "Running late") -> Any:
    return fake.send_inbound(from_=CLIENT_PHONE, to=PROBATION, body=body)


def test_without_overrides_an_error_answer_is_not_retried(
    fake: FakeTwilio, targets: list[ScriptedWebhook]
) -> None:
    target = webhook(targets, 500)
    fake.sms_webhook_url = target.url("/sms")

    result = text(fake)

    assert (result.status_code, result.attempts, len(target.requests)) == (500, 1, 1)


def test_without_overrides_a_refused_connection_is_tried_once_more(fake: FakeTwilio) -> None:
    fake.sms_webhook_url = refused_url()

    result = text(fake)

    assert result.status_code is None and result.attempts == 2
    assert len(fake.callback_log) == 2


def test_rc_and_rp_retry_a_failing_webhook_until_it_answers(
    fake: FakeTwilio, targets: list[ScriptedWebhook]
) -> None:
    target = webhook(targets, 500, 503, 200)
    fake.sms_webhook_url = target.url("/sms", "rc=3&rp=5xx")

    result = text(fake)

    assert (result.status_code, result.attempts) == (200, 3)
    assert [entry[2] for entry in fake.callback_log] == [500, 503, 200]
    assert len({r["params"]["MessageSid"] for r in target.requests}) == 1  # the same text


def test_retries_stop_after_rc_of_them(fake: FakeTwilio, targets: list[ScriptedWebhook]) -> None:
    target = webhook(targets, 500)
    fake.sms_webhook_url = target.url("/sms", "rc=2&rp=5xx")

    result = text(fake)

    assert (result.status_code, result.attempts, len(target.requests)) == (500, 3, 3)


@pytest.mark.parametrize(
    ("policy", "attempts"), [("5xx", 1), ("4xx", 3), ("all", 3)], ids=["5xx", "4xx", "all"]
)
def test_a_4xx_is_retried_only_when_the_policy_names_it(
    fake: FakeTwilio, targets: list[ScriptedWebhook], policy: str, attempts: int
) -> None:
    target = webhook(targets, 404)
    fake.sms_webhook_url = target.url("/sms", f"rc=2&rp={policy}")

    assert text(fake).attempts == attempts


def test_a_read_timeout_is_retried_under_rp_rt(
    fake: FakeTwilio, targets: list[ScriptedWebhook]
) -> None:
    target = webhook(targets, 1.0, 200)
    fake.sms_webhook_url = target.url("/sms", "rt=300&rc=1&rp=rt")
    started = time.monotonic()

    result = text(fake)

    assert (result.status_code, result.attempts) == (200, 2)
    assert time.monotonic() - started < 0.9  # gave up on the first after 0.3 s
    assert isinstance(fake.callback_log[0][2], str) and "timed out" in fake.callback_log[0][2]


def test_total_time_cuts_the_retries_short(
    fake: FakeTwilio, targets: list[ScriptedWebhook]
) -> None:
    target = webhook(targets, 2.0)
    fake.sms_webhook_url = target.url("/sms", "rt=400&tt=1000&rc=5&rp=rt")
    started = time.monotonic()

    result = text(fake)

    assert time.monotonic() - started < 1.5
    assert result.status_code is None and 2 <= result.attempts <= 3


def test_the_fallback_url_gets_the_text_after_the_primary_fails_its_retries(
    fake: FakeTwilio, targets: list[ScriptedWebhook]
) -> None:
    primary = webhook(targets, 500)
    fallback = webhook(targets, 200, reply=TWIML_REPLY)
    fake.sms_webhook_url = primary.url("/webhooks/twilio/sms", "rc=2&rp=5xx")
    fake.sms_fallback_url = fallback.url("/webhooks/twilio/sms-fallback")

    result = text(fake)
    fake.wait_for_callbacks()

    assert (result.status_code, result.attempts, result.used_fallback) == (200, 4, True)
    assert [entry[0] for entry in fake.callback_log] == [fake.sms_webhook_url] * 3 + [
        fake.sms_fallback_url
    ]
    (request,) = fallback.requests
    assert request["params"]["ErrorCode"] == str(ERROR_HTTP_RETRIEVAL)
    assert request["params"]["ErrorUrl"] == primary.url("/webhooks/twilio/sms")
    assert request["params"]["MessageSid"] == primary.requests[0]["params"]["MessageSid"]
    assert RequestValidator(LOCAL_AUTH_TOKEN).validate(
        fallback.url("/webhooks/twilio/sms-fallback"), request["params"], request["signature"]
    )
    assert result.replies == ("We got your text.",)
    assert fake.messages(to=CLIENT_PHONE)[0]["body"] == "We got your text."


def test_a_primary_that_cannot_be_reached_sends_error_11205_to_the_fallback(
    fake: FakeTwilio, targets: list[ScriptedWebhook]
) -> None:
    fallback = webhook(targets, 200)
    fake.sms_webhook_url = refused_url()
    fake.sms_fallback_url = fallback.url("/fallback")

    result = text(fake)

    assert result.used_fallback and result.attempts == 3  # two tries (default rc=1, ct) + 1
    assert fallback.requests[0]["params"]["ErrorCode"] == str(ERROR_HTTP_CONNECTION)


def test_no_fallback_request_when_the_primary_answers(
    fake: FakeTwilio, targets: list[ScriptedWebhook]
) -> None:
    primary, fallback = webhook(targets, 200), webhook(targets, 200)
    fake.sms_webhook_url = primary.url("/sms")
    fake.sms_fallback_url = fallback.url("/fallback")

    assert not text(fake).used_fallback and fallback.requests == []


def test_the_signature_covers_the_url_without_its_fragment(
    fake: FakeTwilio, targets: list[ScriptedWebhook]
) -> None:
    target = webhook(targets, 200)
    fake.sms_webhook_url = target.url("/webhooks/twilio/sms", "ct=1000&rc=2&rp=5xx,ct")

    text(fake)

    validator = RequestValidator(LOCAL_AUTH_TOKEN)
    (request,) = target.requests
    assert request["path"] == "/webhooks/twilio/sms"
    assert validator.validate(
        target.url("/webhooks/twilio/sms"), request["params"], request["signature"]
    )
    assert not validator.validate(fake.sms_webhook_url, request["params"], request["signature"])


@pytest.mark.parametrize(
    "fragment",
    ["rc=9", "ct=50", "tt=20000", "rp=sometimes", "rt=soon"],
    ids=["too many retries", "connect too short", "total too long", "bad policy", "not a number"],
)
def test_an_override_twilio_would_reject_is_refused_when_the_url_is_set(
    fake: FakeTwilio, fragment: str
) -> None:
    with pytest.raises(ValueError, match="override"):
        fake.sms_webhook_url = f"http://127.0.0.1:9/sms#{fragment}"
    with pytest.raises(ValueError, match="override"):
        FakeTwilio(sms_fallback_url=f"http://127.0.0.1:9/fallback#{fragment}")


def test_twilios_defaults_apply_without_a_fragment_and_all_means_every_failure() -> None:
    assert parse_overrides("https://example.org/sms") == ConnectionOverrides(
        connect_ms=5000, read_ms=15000, total_ms=15000, retries=1, retry_on=frozenset({"ct"})
    )
    everything = parse_overrides("https://example.org/sms#rp=all&e=ashburn&sni=on")
    assert everything.retry_on == frozenset({"4xx", "5xx", "ct", "rt"})
