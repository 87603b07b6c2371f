"""Local fake Twilio: Twilio's Messages REST API, signed webhooks and a phone simulator.

fake = FakeTwilio(owned_numbers={"+18015550100": "Probation"}, sms_webhook_url=...)
fake.start()
client = sdk_client(fake.base_url)  # the unchanged official SDK
"""

from chalicelib.domain.segments import count_segments

from .constants import (
    DELIVERY_FAILURES,
    ERROR_AUTHENTICATE,
    ERROR_BODY_TOO_LONG,
    ERROR_FROM_NOT_OWNED,
    ERROR_INVALID_STATUS_CALLBACK,
    ERROR_INVALID_TO,
    ERROR_LANDLINE,
    ERROR_METHOD_NOT_ALLOWED,
    ERROR_MISSING_BODY,
    ERROR_MISSING_FROM,
    ERROR_MISSING_TO,
    ERROR_NOT_FOUND,
    ERROR_SAME_TO_FROM,
    ERROR_UNREACHABLE,
    ERROR_UNSUBSCRIBED,
    LANDLINE_NUMBER,
    LOCAL_ACCOUNT_SID,
    LOCAL_AUTH_TOKEN,
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    OPTED_OUT_NUMBER,
    UNREACHABLE_NUMBER,
)
from .inbound import InboundResult
from .sdk import sdk_client
from .server import FakeTwilio

__all__ = [
    "DELIVERY_FAILURES",
    "ERROR_AUTHENTICATE",
    "ERROR_BODY_TOO_LONG",
    "ERROR_FROM_NOT_OWNED",
    "ERROR_INVALID_STATUS_CALLBACK",
    "ERROR_INVALID_TO",
    "ERROR_LANDLINE",
    "ERROR_METHOD_NOT_ALLOWED",
    "ERROR_MISSING_BODY",
    "ERROR_MISSING_FROM",
    "ERROR_MISSING_TO",
    "ERROR_NOT_FOUND",
    "ERROR_SAME_TO_FROM",
    "ERROR_UNREACHABLE",
    "ERROR_UNSUBSCRIBED",
    "LANDLINE_NUMBER",
    "LOCAL_ACCOUNT_SID",
    "LOCAL_AUTH_TOKEN",
    "OPTED_OUT_NUMBER",
    "OPT_IN_KEYWORDS",
    "OPT_OUT_KEYWORDS",
    "UNREACHABLE_NUMBER",
    "FakeTwilio",
    "InboundResult",
    "count_segments",
    "sdk_client",
]
