"""The ops scripts against moto (Cognito, SSM, DynamoDB) and a stand-in Twilio account.

The session's moto server is shared with every other test, so these make their own user pool
and tables. create_admin runs as its own process, as ops run it: binding the PynamoDB models
to other tables inside this process would race with app threads other tests leave running.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import boto3
import pytest

from infra.ops import point_twilio, store_secrets
from infra.package.tables import table_resources
from tests.helpers import ROOT

REGION = "us-west-2"
SID = "AC" + "0123456789abcdef" * 2
TOKEN = "fedcba9876543210" * 2
BASE_URL = "https://clientcomm.example.gov"
RETRIES = "#rc=2&rp=all&ct=3000&rt=5000&tt=14000"
SMS_URL = f"{BASE_URL}/webhooks/twilio/sms{RETRIES}"
FALLBACK_URL = f"{BASE_URL}/webhooks/twilio/fallback"
WEBHOOKS = point_twilio.Webhooks(SMS_URL, FALLBACK_URL)
POINTED = {
    "sms_url": SMS_URL,
    "sms_method": "POST",
    "sms_fallback_url": FALLBACK_URL,
    "sms_fallback_method": "POST",
}


TABLE_ARGUMENTS = (
    "TableName",
    "AttributeDefinitions",
    "KeySchema",
    "BillingMode",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
)


@pytest.fixture()
def own_tables(stack):
    """A fresh user pool and the stack's tables as the template defines them."""
    prefix = f"ops-{uuid.uuid4().hex[:8]}-"
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for table in table_resources(prefix).values():
        properties = table["Properties"]
        dynamodb.create_table(**{k: properties[k] for k in TABLE_ARGUMENTS if k in properties})
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool_id = cognito.create_user_pool(PoolName=f"{prefix}users")["UserPool"]["Id"]
    return prefix, pool_id


def create_admin(*args: str) -> subprocess.CompletedProcess[str]:
    """The script as ops run it, against the session's moto (its environment is inherited)."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "infra.ops.create_admin", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def user_record(prefix: str, username: str) -> dict | None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    item = dynamodb.get_item(TableName=f"{prefix}users", Key={"user_id": {"S": username}})
    return item.get("Item")


@pytest.mark.parametrize("script", ["create_admin", "store_secrets", "point_twilio"])
def test_every_ops_script_explains_itself(script):
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", f"infra.ops.{script}", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "--jurisdiction" in done.stdout and "--dry-run" in done.stdout


def admin_args(prefix: str, pool_id: str, username: str, *extra: str) -> list[str]:
    return [
        "--jurisdiction", "demo", "--region", REGION, "--user-pool-id", pool_id,
        "--table-prefix", prefix, "--username", username, "--email", f"{username}@example.gov",
        "--name", "Ada Admin", "--department", "probation", *extra,
    ]  # fmt: skip


def test_create_admin_makes_the_cognito_user_and_the_admin_record(own_tables):
    prefix, pool_id = own_tables
    done = create_admin(*admin_args(prefix, pool_id, "ada"))
    assert done.returncode == 0, done.stderr
    assert "Created ada" in done.stdout
    cognito = boto3.client("cognito-idp", region_name=REGION)
    user = cognito.admin_get_user(UserPoolId=pool_id, Username="ada")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert {"Name": "email", "Value": "ada@example.gov"} in user["UserAttributes"]
    record = user_record(prefix, "ada")
    assert record["role"] == {"S": "admin"}
    assert record["department_id"] == {"S": "probation"}
    assert record["display_name"] == {"S": "Ada Admin"}


def test_create_admin_run_twice_keeps_the_cognito_user_and_rewrites_the_record(own_tables):
    prefix, pool_id = own_tables
    assert create_admin(*admin_args(prefix, pool_id, "bea")).returncode == 0
    again = create_admin(*admin_args(prefix, pool_id, "bea"))
    assert again.returncode == 0 and "already existed" in again.stdout
    assert user_record(prefix, "bea")["role"] == {"S": "admin"}


def test_create_admin_refuses_a_department_the_jurisdiction_does_not_have(own_tables):
    prefix, pool_id = own_tables
    args = admin_args(prefix, pool_id, "cy")
    args[args.index("probation")] = "parking"
    done = create_admin(*args)
    assert done.returncode == 1 and "probation, pretrial" in done.stderr
    cognito = boto3.client("cognito-idp", region_name=REGION)
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_create_admin_dry_run_changes_nothing(own_tables):
    prefix, pool_id = own_tables
    done = create_admin(*admin_args(prefix, pool_id, "dee"), "--dry-run")
    assert done.returncode == 0 and "Would create dee" in done.stdout
    cognito = boto3.client("cognito-idp", region_name=REGION)
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []
    assert user_record(prefix, "dee") is None


def read(ssm, name: str) -> str:
    return ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]


def test_store_secrets_writes_securestrings_and_keeps_the_session_secret(stack, monkeypatch):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    ssm = boto3.client("ssm", region_name=REGION)
    assert store_secrets.main(["--jurisdiction", "demo"]) == 0
    described = ssm.get_parameter(Name="/clientcomm/demo/twilio/auth_token")["Parameter"]
    assert described["Type"] == "SecureString"
    assert read(ssm, "/clientcomm/demo/twilio/account_sid") == SID
    assert read(ssm, "/clientcomm/demo/twilio/auth_token") == TOKEN
    session = read(ssm, "/clientcomm/demo/session_secret")
    assert len(session) >= 60
    assert store_secrets.main(["--jurisdiction", "demo", "--no-twilio"]) == 0
    assert read(ssm, "/clientcomm/demo/session_secret") == session
    assert store_secrets.main(["--jurisdiction", "demo", "--no-twilio",
                               "--rotate-session-secret"]) == 0  # fmt: skip
    assert read(ssm, "/clientcomm/demo/session_secret") != session


def test_store_secrets_dry_run_names_parameters_and_writes_nothing(stack):
    ssm = boto3.client("ssm", region_name=REGION)
    report = store_secrets.store_secrets(ssm, "dry-run-county", (SID, TOKEN), dry_run=True)
    assert report == [
        "would set /clientcomm/dry-run-county/twilio/account_sid",
        "would set /clientcomm/dry-run-county/twilio/auth_token",
        "would set /clientcomm/dry-run-county/session_secret",
    ]
    found = ssm.get_parameters_by_path(Path="/clientcomm/dry-run-county", Recursive=True)
    assert found["Parameters"] == []


def test_store_secrets_refuses_something_that_is_not_an_account_sid(stack, monkeypatch, capsys):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "my-account")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    assert store_secrets.main(["--jurisdiction", "demo"]) == 1
    assert "Account SID" in capsys.readouterr().err


@dataclass
class FakeNumber:
    phone_number: str
    sms_url: str | None
    sms_method: str = "POST"
    sms_fallback_url: str | None = None
    sms_fallback_method: str = "POST"
    status_callback: str = "https://status.example.gov/voice"
    updates: list[dict] = field(default_factory=list)

    def update(self, **changes: str) -> FakeNumber:
        self.updates.append(changes)
        for key, value in changes.items():
            setattr(self, key, value)
        return self


class FakeIncomingNumbers:
    """The ``client.incoming_phone_numbers`` list the twilio SDK offers, for owned numbers."""

    def __init__(self, numbers: list[FakeNumber]):
        self.numbers = numbers
        self.queries: list[str] = []

    def list(self, phone_number: str, limit: int | None = None) -> list[FakeNumber]:
        self.queries.append(phone_number)
        return [n for n in self.numbers if n.phone_number == phone_number][:limit]


class FakeTwilioAccount:
    def __init__(self, *numbers: FakeNumber):
        self.incoming_phone_numbers = FakeIncomingNumbers(list(numbers))


def test_the_sms_webhook_asks_twilio_for_retries_within_its_fifteen_seconds():
    fragment = dict(parse_qsl(urlsplit(WEBHOOKS.sms_url).fragment))
    assert fragment["rp"] == "all"  # 429 from throttling and 5xx both retried
    assert 1 <= int(fragment["rc"]) <= 5
    assert 100 <= int(fragment["ct"]) <= 10_000 and 100 <= int(fragment["rt"]) <= 15_000
    assert int(fragment["tt"]) <= 15_000
    assert urlsplit(WEBHOOKS.fallback_url).fragment == ""


def test_point_twilio_sets_the_sms_and_fallback_webhooks_on_every_department_number(capsys):
    probation = FakeNumber("+18015550100", "https://old.example.gov/sms", "GET")
    pretrial = FakeNumber("+18015550200", None)
    account = FakeTwilioAccount(probation, pretrial)
    code = point_twilio.main(["--jurisdiction", "demo", "--base-url", BASE_URL], client=account)
    assert code == 0
    assert probation.updates == [POINTED]
    assert pretrial.updates == [POINTED]
    assert probation.status_callback == "https://status.example.gov/voice"  # not touched
    out = capsys.readouterr().out
    assert "was https://old.example.gov/sms" in out and FALLBACK_URL in out


def test_point_twilio_leaves_numbers_already_pointed_at_the_stack_alone():
    probation = FakeNumber("+18015550100", SMS_URL, sms_fallback_url=FALLBACK_URL)
    pretrial = FakeNumber("+18015550200", SMS_URL, sms_fallback_url=FALLBACK_URL)
    account = FakeTwilioAccount(probation, pretrial)
    results = point_twilio.point_numbers(
        account, [("probation", "+18015550100"), ("pretrial", "+18015550200")], WEBHOOKS
    )
    assert {r.outcome for r in results} == {point_twilio.UNCHANGED}
    assert probation.updates == pretrial.updates == []


def test_a_number_pointed_without_retries_or_fallback_is_updated():
    plain = FakeNumber("+18015550100", f"{BASE_URL}/webhooks/twilio/sms", sms_fallback_url=None)
    account = FakeTwilioAccount(plain)
    (result,) = point_twilio.point_numbers(account, [("probation", "+18015550100")], WEBHOOKS)
    assert result.outcome == point_twilio.UPDATED
    assert plain.updates == [POINTED]


def test_point_twilio_dry_run_changes_nothing_and_a_missing_number_fails(capsys):
    probation = FakeNumber("+18015550100", "https://old.example.gov/sms")
    account = FakeTwilioAccount(probation)
    args = ["--jurisdiction", "demo", "--base-url", BASE_URL, "--dry-run"]
    assert point_twilio.main(args, client=account) == 1
    out = capsys.readouterr().out
    assert "would update" in out and "not in this Twilio account" in out
    assert probation.updates == []


def test_point_twilio_refuses_a_base_url_that_is_not_https(capsys):
    args = ["--jurisdiction", "demo", "--base-url", "http://example.gov"]
    assert point_twilio.main(args, client=FakeTwilioAccount()) == 1
    assert "https" in capsys.readouterr().err
