"""Settings for the running stage, read from the environment when a call needs them.

Nothing here runs at import: Chalice's test client and ``chalice local`` set stage variables
only around a call, and the deployed Lambda gets them from its CloudFormation template.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .domain.errors import ValidationFailed
from .domain.jurisdiction import Jurisdiction, parse_jurisdiction

# The send queue's name as app.py declares it for its SQS event source. Packaging points the
# event source at the stack's own queue; the local stack maps it to its moto queue.
SEND_QUEUE_NAME = "clientcomm-send"
# A sender's batch: big enough that the last send's wait for Twilio (~165 ms, when the
# sender's slots go unused) is small beside the batch's slots at a short code's rate
# (250 x 2 / 225 = 2.2 s); a slow number's texts beyond 20 s are handed back to the queue.
# bench/mass_text.py part 2 measured it (docs/decisions.md, "A fair send queue").
SEND_BATCH_SIZE = 250
SEND_CONCURRENCY = 2  # the event source's maximum concurrency (AWS's minimum for it)
# Texts one sender has in flight at once (services/send_batches.py): R = 225 needs ~20 each;
# the DynamoDB and Twilio connection pools keep as many connections open.
SEND_WORKERS = 32
SEND_BATCHING_WINDOW_SECONDS = 1  # a batch above ten waits this long at most to fill
# Inbound MMS files wait here to be copied into the media bucket (services/media_copy.py).
MEDIA_COPY_QUEUE_NAME = "clientcomm-media-copy"
MEDIA_COPY_BATCH_SIZE = 5  # a few 5 MB downloads per invocation, well inside its timeout
MEDIA_COPY_MAX_RECEIVES = 5  # the queue's redrive count: the last try marks the item failed
# The streams app.py listens to, named by table. Chalice wants an ARN when app.py is read;
# packaging points each event source at the stack's own table's stream, and the local stack
# at moto's (infra/local/stream_source.py), both by the table name in these placeholders.
CLIENTS_STREAM = "arn:aws:dynamodb:us-west-2:000000000000:table/clients/stream/declared"
CONVERSATIONS_STREAM = "arn:aws:dynamodb:us-west-2:000000000000:table/conversations/stream/declared"
UNCLAIMED_STREAM = "arn:aws:dynamodb:us-west-2:000000000000:table/unclaimed/stream/declared"
PUSH_BATCH_SIZE = 50
COUNT_BATCH_SIZE = 100  # the dashboard's counters: one transaction per event
MASS_TEXTS_STREAM = "arn:aws:dynamodb:us-west-2:000000000000:table/mass-texts/stream/declared"
FAN_OUT_BATCH_SIZE = 1  # one mass text per invocation: up to 2,000 recipients' texts
DEPARTMENT_SETTINGS_STREAM = (
    "arn:aws:dynamodb:us-west-2:000000000000:table/department-settings/stream/declared"
)
AUDIT_STREAM = "arn:aws:dynamodb:us-west-2:000000000000:table/audit/stream/declared"
CHAIN_BATCH_SIZE = 100  # rows linked per invocation (two round trips each, one when in order)
# The jurisdiction's settings: the file the build packages beside this module, unless
# JURISDICTION_FILE names another (see get_jurisdiction).
PACKAGED_JURISDICTION = Path(__file__).with_name("jurisdiction.json")
FILE_VARIABLE = "JURISDICTION_FILE"
RETIRED_VARIABLE = "JURISDICTION_CONFIG"


class ConfigurationError(RuntimeError):
    """The stage is missing a setting it needs; the message names it."""


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_prefix: str
    user_pool_id: str
    user_pool_client_id: str
    aws_endpoint_url: str | None
    cookie_secure: bool
    idle_timeout_seconds: int
    session_secret_parameter: str | None
    media_bucket: str
    public_base_url: str
    notify_from_email: str
    fallback_queue_url: str = ""
    send_queue_url: str = ""
    status_queue_url: str = ""
    # Pushed updates: where pages connect (wss://…/stage) and where the app posts to them
    # (https://…/stage, API Gateway's management API). Empty: pages fall back to polling.
    websocket_url: str = ""
    websocket_push_url: str = ""
    media_copy_queue_url: str = ""  # inbound MMS files waiting to be copied

    @property
    def token_issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        """Cognito's public keys; locally moto serves them under the same path."""
        base = self.aws_endpoint_url.rstrip("/") if self.aws_endpoint_url else self.token_issuer
        if self.aws_endpoint_url:
            return f"{base}/{self.user_pool_id}/.well-known/jwks.json"
        return f"{base}/.well-known/jwks.json"


def get_settings() -> Settings:
    env = os.environ
    return Settings(
        stage=env.get("STAGE", "local"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-west-2",
        table_prefix=env.get("TABLE_PREFIX", "clientcomm-local-"),
        user_pool_id=env.get("COGNITO_USER_POOL_ID", ""),
        user_pool_client_id=env.get("COGNITO_CLIENT_ID", ""),
        aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        cookie_secure=env.get("COOKIE_SECURE", "true").lower() != "false",
        idle_timeout_seconds=int(env.get("IDLE_TIMEOUT_MINUTES", "30")) * 60,
        session_secret_parameter=env.get("SESSION_SECRET_PARAMETER") or None,
        media_bucket=env.get("MEDIA_BUCKET", ""),
        public_base_url=env.get("PUBLIC_BASE_URL", ""),
        notify_from_email=env.get("NOTIFY_FROM_EMAIL", "clientcomm@localhost.invalid"),
        fallback_queue_url=env.get("FALLBACK_QUEUE_URL", ""),
        send_queue_url=env.get("SEND_QUEUE_URL", ""),
        status_queue_url=env.get("STATUS_QUEUE_URL", ""),
        websocket_url=env.get("WEBSOCKET_URL", ""),
        websocket_push_url=env.get("WEBSOCKET_PUSH_URL", ""),
        media_copy_queue_url=env.get("MEDIA_COPY_QUEUE_URL", ""),
    )


def get_jurisdiction() -> Jurisdiction:
    """The jurisdiction from its JSON file, read and validated once per path.

    A deployed stack's file is packaged into the zip (``PACKAGED_JURISDICTION``, written by
    ``make package``): Lambda's 4 KB of environment cannot hold it, and a deploy stays the
    only way it changes. ``JURISDICTION_FILE`` names another file (the local stack's, a test's).
    """
    if os.environ.get(RETIRED_VARIABLE):
        raise ConfigurationError(
            f"{RETIRED_VARIABLE} is no longer read: write the JSON to a file and set "
            f"{FILE_VARIABLE} to its path"
        )
    return _parse_jurisdiction_file(os.environ.get(FILE_VARIABLE) or str(PACKAGED_JURISDICTION))


@lru_cache(maxsize=4)
def _parse_jurisdiction_file(path: str) -> Jurisdiction:
    """Cached by path: a file is read once per process (a test that changes a setting
    writes a new file, see tests/jurisdiction_files.py)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"no jurisdiction file at {path} ({exc.strerror}): make package writes it into "
            f"the zip; elsewhere set {FILE_VARIABLE}"
        ) from exc
    try:
        # make package and make check-jurisdiction parse the file in full first
        return parse_jurisdiction(json.loads(text), checked_at_build=True)
    except (json.JSONDecodeError, ValidationFailed) as exc:
        raise ConfigurationError(f"the jurisdiction file {path} is invalid: {exc}") from exc


def get_session_secret() -> bytes:
    """The key that signs session and CSRF cookies.

    Deployed stacks keep it in SSM (SecureString) and read it once per container through
    Powertools Parameters; locally ``SESSION_SECRET`` holds it directly.
    """
    direct = os.environ.get("SESSION_SECRET")
    if direct:
        return direct.encode()
    name = os.environ.get("SESSION_SECRET_PARAMETER")
    if not name:
        raise ConfigurationError("Set SESSION_SECRET or SESSION_SECRET_PARAMETER")
    from aws_lambda_powertools.utilities import parameters  # only deployed stacks need it

    return str(parameters.get_parameter(name, decrypt=True, max_age=3600)).encode()


def reminder_minutes_per_day() -> int | None:
    """``REMINDER_MINUTES_PER_DAY``: for trying reminders out locally, a reminder "d days
    before" goes d times this many minutes before instead. Unset (every deployed stack): days."""
    raw = os.environ.get("REMINDER_MINUTES_PER_DAY", "").strip()
    if not raw:
        return None
    try:
        minutes = int(raw)
    except ValueError as exc:
        raise ConfigurationError("REMINDER_MINUTES_PER_DAY must be a whole number") from exc
    return minutes if minutes > 0 else None


def mail_configured() -> bool:
    """A sender was configured (the jurisdiction's ``mail_from``, or the local stack's): only
    then may a function send mail (without one its role has no ``ses:SendEmail``)."""
    return bool(os.environ.get("NOTIFY_FROM_EMAIL", "").strip())
