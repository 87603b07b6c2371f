"""store_secrets: a dry run needs no credentials and no terminal; a failure is one line and
exit 2, never a traceback; it reaches the local stack with --endpoint-url; and it rotates the
Twilio auth token in steps that are safe to repeat and to interrupt, under the names the app
reads. (Rotations use their own jurisdiction names: the demo's parameters are shared.)"""

from __future__ import annotations

import secrets

import boto3
import pytest

from chalicelib.adapters.twilio_secrets import read_from_ssm
from infra.definitions import PREVIOUS_AUTH_TOKEN_VARIABLE, rotation_parameters, secret_parameters
from infra.ops import store_secrets
from infra.ops.common import OpsError
from tests.infra.ops_runs import environment, one_line_error, run_script

SID = "AC" + "0123456789abcdef" * 2
OLD = "01d70ce0" * 4
NEW = "0e770ce0" * 4
NEWER = "0e7e770c" * 4


def test_a_dry_run_needs_no_credentials_no_terminal_and_no_twilio_values():
    done = run_script(
        "store_secrets", ["--jurisdiction", "demo", "--dry-run"], environment(aws=False)
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "would set /clientcomm/demo/twilio/auth_token (asked for at the real run)" in done.stdout
    assert "/clientcomm/demo/session_secret unless it exists" in done.stdout


def test_a_dry_run_of_a_rotation_needs_no_credentials_either():
    args = ["--jurisdiction", "demo", "--dry-run", "--rotate-twilio-token"]
    done = run_script("store_secrets", args, environment(aws=False))
    assert done.returncode == 0, done.stderr
    assert "would set /clientcomm/demo/twilio/previous_auth_token" in done.stdout


def test_without_a_terminal_or_the_values_in_the_environment_it_says_which_to_set():
    done = run_script("store_secrets", ["--jurisdiction", "demo"], environment(aws=False))
    assert done.returncode == 2
    assert "set TWILIO_ACCOUNT_SID" in one_line_error(done, "store_secrets")


def test_without_aws_credentials_a_real_run_ends_in_one_line_not_a_traceback():
    env = environment(aws=False, extra={"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": OLD})
    done = run_script("store_secrets", ["--jurisdiction", "demo"], env)
    assert done.returncode == 2
    assert "no AWS credentials" in one_line_error(done, "store_secrets")


def test_an_endpoint_option_reaches_the_local_stack_without_an_aws_profile(stack):
    moto = environment()["AWS_ENDPOINT_URL"]
    args = ["--jurisdiction", "demo", "--no-twilio", "--endpoint-url", moto]
    done = run_script("store_secrets", args, environment(aws=False))
    assert done.returncode == 0, done.stderr
    assert "/clientcomm/demo/session_secret" in done.stdout
    ssm = boto3.client("ssm")
    assert ssm.get_parameter(Name="/clientcomm/demo/session_secret")["Parameter"]["Value"]


@pytest.fixture()
def county(stack) -> str:
    """A jurisdiction name of its own, with its Twilio secrets stored once (OLD)."""
    name = f"rotating-{secrets.token_hex(4)}"
    assert store_secrets.store_secrets(boto3.client("ssm"), name, (SID, OLD))
    return name


def held(county: str) -> tuple[str, ...]:
    """The tokens the app reads from these parameters (as its template names them)."""
    names = {**secret_parameters(county), **rotation_parameters(county)}
    stored = read_from_ssm(
        boto3.client("ssm"),
        names["TWILIO_ACCOUNT_SID_PARAMETER"],
        names["TWILIO_AUTH_TOKEN_PARAMETER"],
        names[PREVIOUS_AUTH_TOKEN_VARIABLE],
    )
    return stored.signing_tokens


def test_a_rotation_stores_the_new_token_as_current_and_keeps_the_old_as_previous(county):
    ssm = boto3.client("ssm")
    report = store_secrets.rotate_twilio_token(ssm, county, NEW)
    assert report[0].endswith("previous_auth_token (the token being replaced)")
    assert held(county) == (NEW, OLD)

    again = store_secrets.rotate_twilio_token(ssm, county, NEW)  # run twice: nothing changes
    assert "already is the new token" in again[0]
    assert held(county) == (NEW, OLD)

    assert store_secrets.end_twilio_rotation(ssm, county) == [
        f"deleted  /clientcomm/{county}/twilio/previous_auth_token"
    ]
    assert held(county) == (NEW,)
    assert "is not there" in store_secrets.end_twilio_rotation(ssm, county)[0]


def test_a_rotation_interrupted_after_keeping_the_previous_token_is_finished_by_a_rerun(county):
    ssm = boto3.client("ssm")
    previous = rotation_parameters(county)[PREVIOUS_AUTH_TOKEN_VARIABLE]
    ssm.put_parameter(Name=previous, Value=OLD, Type="SecureString", Overwrite=True)  # step 1
    assert held(county) == (OLD,)  # what the app accepts meanwhile: still Twilio's token
    store_secrets.rotate_twilio_token(ssm, county, NEW)
    assert held(county) == (NEW, OLD)


def test_a_second_rotation_keeps_only_the_token_it_replaces(county):
    ssm = boto3.client("ssm")
    store_secrets.rotate_twilio_token(ssm, county, NEW)
    store_secrets.rotate_twilio_token(ssm, county, NEWER)
    assert held(county) == (NEWER, NEW)


def test_storing_a_different_token_over_the_stored_one_is_refused_unless_asked(county):
    ssm = boto3.client("ssm")
    with pytest.raises(OpsError, match="--rotate-twilio-token"):
        store_secrets.store_secrets(ssm, county, (SID, NEW))
    assert held(county) == (OLD,)
    store_secrets.store_secrets(ssm, county, (SID, NEW), replace_twilio=True)
    assert held(county) == (NEW,)


def test_a_rotation_before_any_token_is_stored_is_refused(stack):
    with pytest.raises(OpsError, match="store the secrets first"):
        store_secrets.rotate_twilio_token(boto3.client("ssm"), f"new-{secrets.token_hex(4)}", NEW)
