"""Local fake Twilio: Twilio's Messages REST API, signed webhooks and a phone simulator.

fake = FakeTwilio(owned_numbers={"+18015550100": "Probation"}, sms_webhook_url=...)
fake.start()
client = sdk_client(fake.base_url)  # the unchanged official SDK

Knobs for failure paths (each applies to the next `count` Messages.create requests, or only
to those To one number with `to=`; see faults.py):

    fake.hang_next_creates(30)                  # answer (and create) only after 30 s
    fake.drop_next_creates()                    # close the connection, nothing created
    fake.drop_next_creates(after_create=True)   # close it after creating: Twilio sent it
    fake.fail_next_creates(500, count=2)        # 500/503 in Twilio's JSON error shape
    fake.fail_next_creates(429, retry_after=2)  # 429, code 20429, Retry-After: 2
    fake.clear_faults(); fake.pending_faults

The same over HTTP on the fake's port (scripts, `make run`): POST /_fake/faults with JSON
{"fault": "hang" | "drop" | "error", "count", "to", "seconds", "after_create", "status",
"retry_after"}; GET lists pending faults, DELETE clears them.

Inbound texts are delivered like Twilio's webhooks: the webhook URL's fragment may carry
connection overrides (#ct=…&rt=…&tt=…&rc=…&rp=…, see overrides.py; without one Twilio's
defaults apply: one retry, only for a failed connection), and when the URL still fails the
request goes to `sms_fallback_url` with ErrorCode and ErrorUrl added. The fragment is not
part of the signed URL. Every attempt is recorded in `fake.callback_log`.
"""

from chalicelib.domain.segments import count_segments

from .constants import (
    DELIVERY_FAILURES,
    ERROR_AUTHENTICATE,
    ERROR_BODY_TOO_LONG,
    ERROR_FROM_NOT_OWNED,
    ERROR_HTTP_BAD_HOST,
    ERROR_HTTP_CONNECTION,
    ERROR_HTTP_RETRIEVAL,
    ERROR_HTTP_TOTAL_TIMEOUT,
    ERROR_INTERNAL,
    ERROR_INVALID_STATUS_CALLBACK,
    ERROR_INVALID_TO,
    ERROR_LANDLINE,
    ERROR_METHOD_NOT_ALLOWED,
    ERROR_MISSING_BODY,
    ERROR_MISSING_FROM,
    ERROR_MISSING_TO,
    ERROR_NOT_FOUND,
    ERROR_SAME_TO_FROM,
    ERROR_SERVICE_UNAVAILABLE,
    ERROR_TOO_MANY_REQUESTS,
    ERROR_UNREACHABLE,
    ERROR_UNSUBSCRIBED,
    FAULTS_PATH,
    LANDLINE_NUMBER,
    LOCAL_ACCOUNT_SID,
    LOCAL_AUTH_TOKEN,
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    OPTED_OUT_NUMBER,
    UNREACHABLE_NUMBER,
)
from .inbound import InboundResult
from .overrides import ConnectionOverrides, parse_overrides
from .sdk import sdk_client
from .server import FakeTwilio

__all__ = [
    "DELIVERY_FAILURES",
    "ERROR_AUTHENTICATE",
    "ERROR_BODY_TOO_LONG",
    "ERROR_FROM_NOT_OWNED",
    "ERROR_HTTP_BAD_HOST",
    "ERROR_HTTP_CONNECTION",
    "ERROR_HTTP_RETRIEVAL",
    "ERROR_HTTP_TOTAL_TIMEOUT",
    "ERROR_INTERNAL",
    "ERROR_INVALID_STATUS_CALLBACK",
    "ERROR_INVALID_TO",
    "ERROR_LANDLINE",
    "ERROR_METHOD_NOT_ALLOWED",
    "ERROR_MISSING_BODY",
    "ERROR_MISSING_FROM",
    "ERROR_MISSING_TO",
    "ERROR_NOT_FOUND",
    "ERROR_SAME_TO_FROM",
    "ERROR_SERVICE_UNAVAILABLE",
    "ERROR_TOO_MANY_REQUESTS",
    "ERROR_UNREACHABLE",
    "ERROR_UNSUBSCRIBED",
    "FAULTS_PATH",
    "LANDLINE_NUMBER",
    "LOCAL_ACCOUNT_SID",
    "LOCAL_AUTH_TOKEN",
    "OPTED_OUT_NUMBER",
    "OPT_IN_KEYWORDS",
    "OPT_OUT_KEYWORDS",
    "UNREACHABLE_NUMBER",
    "ConnectionOverrides",
    "FakeTwilio",
    "InboundResult",
    "count_segments",
    "parse_overrides",
    "sdk_client",
]
