"""point_twilio rehearsed against the local stack: it reaches Twilio where the app does
(``TWILIO_API_BASE_URL``, the fake Twilio), through the unchanged SDK and the fake's
IncomingPhoneNumbers; it shows what it changes, a dry run needs no credentials, and a
failure is one line, never a traceback. Run as ops run it (its own process)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import boto3
import pytest

from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN, FakeTwilio
from infra.package.webhooks import CONNECTION_OVERRIDES
from tests.infra.ops_runs import environment, one_line_error, run_script
from tests.integration.test_fake_twilio import Receiver, running_receivers

DEMO_NUMBERS = {"+18015550100": "Probation", "+18015550200": "Pretrial"}


def point_twilio(args: list[str], fake_url: str | None, **credentials: str):
    """The script with the Twilio settings an operator would export (none when not given)."""
    extra = {"TWILIO_API_BASE_URL": fake_url} if fake_url else {}
    extra.update(credentials)
    return run_script(
        "point_twilio", ["--jurisdiction", "demo", *args], environment(aws=False, extra=extra)
    )


def closed_port_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


LOCAL = {"TWILIO_ACCOUNT_SID": LOCAL_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": LOCAL_AUTH_TOKEN}


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    """Where the numbers point now, and the stack they are pointed at."""
    with running_receivers(2) as (first, second):
        yield first, second


@pytest.fixture
def fake(receivers) -> Iterator[FakeTwilio]:
    """A Twilio account owning the demo numbers, pointed somewhere else."""
    old, _ = receivers
    instance = FakeTwilio(
        owned_numbers=DEMO_NUMBERS, sms_webhook_url=old.base_url + "/old", callback_delay=0
    ).start()
    yield instance
    instance.stop()


def test_the_local_stacks_numbers_are_already_pointed_where_the_script_points_them(stack):
    done = point_twilio(["--base-url", stack.app_url], stack.twilio.base_url, **LOCAL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("already pointed here") == 2


def test_it_points_each_number_through_the_sdk_and_texts_then_reach_the_stack(fake, receivers):
    old, new = receivers
    done = point_twilio(["--base-url", new.base_url], fake.base_url, **LOCAL)

    assert done.returncode == 0, done.stderr
    assert done.stdout.count("updated (was " + old.base_url + "/old)") == 2
    assert f"sms_url: {old.base_url}/old → {new.base_url}/webhooks/twilio/sms" in done.stdout
    assert "sms_fallback_url: empty → " in done.stdout
    assert fake.number_webhooks("+18015550200") == (
        f"{new.base_url}/webhooks/twilio/sms{CONNECTION_OVERRIDES}",
        f"{new.base_url}/webhooks/twilio/fallback",
    )
    fake.send_inbound(from_="+13855550101", to="+18015550100", body="reaches the stack")
    assert [r["params"]["Body"] for r in new.requests] == ["reaches the stack"]
    assert new.requests[0]["url"] == new.base_url + "/webhooks/twilio/sms"

    again = point_twilio(["--base-url", new.base_url], fake.base_url, **LOCAL)
    assert again.returncode == 0 and again.stdout.count("already pointed here") == 2


def test_a_dry_run_with_credentials_shows_each_change_and_changes_nothing(fake, receivers):
    old, new = receivers
    done = point_twilio(["--base-url", new.base_url, "--dry-run"], fake.base_url, **LOCAL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("would update") == 2
    assert "sms_method: POST" not in done.stdout  # only what differs
    assert fake.number_webhooks("+18015550100") == (old.base_url + "/old", None)


def test_a_dry_run_needs_no_credentials_at_all():
    done = point_twilio(["--dry-run"], None)
    assert done.returncode == 0, done.stderr
    assert "<the stack's PublicBaseUrl>/webhooks/twilio/sms#rc=2" in done.stdout
    assert done.stdout.count("its settings now were not read") == 2


def test_the_credentials_the_stack_keeps_in_ssm_are_used_with_from_ssm(stack, receivers):
    _, new = receivers
    ssm = boto3.client("ssm")
    names = ("/clientcomm/demo/twilio/account_sid", "/clientcomm/demo/twilio/auth_token")
    stored = {
        p["Name"]: p["Value"]
        for p in ssm.get_parameters(Names=list(names), WithDecryption=True)["Parameters"]
    }
    if len(stored) < 2:  # another test may have stored the demo's already: use those
        stored = dict(zip(names, (LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN), strict=True))
        for name, value in stored.items():
            ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
    account = FakeTwilio(
        account_sid=stored[names[0]], auth_token=stored[names[1]], owned_numbers=DEMO_NUMBERS
    ).start()
    try:
        moto = environment()["AWS_ENDPOINT_URL"]
        args = ["--base-url", new.base_url, "--from-ssm", "--endpoint-url", moto]
        done = point_twilio(args, account.base_url)
    finally:
        account.stop()
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("updated") == 2


def test_credentials_twilio_refuses_end_in_one_line(fake, receivers):
    _, new = receivers
    wrong = {**LOCAL, "TWILIO_AUTH_TOKEN": "not-the-token-at-all"}
    done = point_twilio(["--base-url", new.base_url], fake.base_url, **wrong)
    assert done.returncode == 2
    assert "HTTP 401" in one_line_error(done, "point_twilio")


def test_a_twilio_that_cannot_be_reached_ends_in_one_line(receivers):
    _, new = receivers
    done = point_twilio(["--base-url", new.base_url], closed_port_url(), **LOCAL)
    assert done.returncode == 2
    assert "could not reach Twilio" in one_line_error(done, "point_twilio")


def test_without_twilio_credentials_a_real_run_says_what_to_set(receivers):
    _, new = receivers
    done = point_twilio(["--base-url", new.base_url], None)
    assert done.returncode == 1
    assert "set TWILIO_ACCOUNT_SID" in one_line_error(done, "point_twilio")


def test_a_longer_number_that_contains_a_department_number_is_never_pointed(receivers):
    old, new = receivers
    longer = "+180155501009"  # Twilio's PhoneNumber filter matches it for +18015550100
    account = FakeTwilio(
        owned_numbers={longer: "Someone else", "+18015550200": "Pretrial"},
        sms_webhook_url=old.base_url + "/theirs",
    ).start()
    try:
        done = point_twilio(["--base-url", new.base_url], account.base_url, **LOCAL)
        assert account.number_webhooks(longer) == (old.base_url + "/theirs", None)
    finally:
        account.stop()
    assert done.returncode == 1
    assert "+18015550100  probation        not in this Twilio account" in done.stdout
    assert "not in this Twilio account" in one_line_error(done, "point_twilio")
