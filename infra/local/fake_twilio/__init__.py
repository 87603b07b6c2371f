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

MMS (media.py, media_store.py, media_fetch.py, samples.py): `fake.send_inbound(...,
media=["jpeg", MediaFile("application/pdf", data)])` (or the simulator's file input, or
POST /simulator/api/inbound with "media": [{"sample": "png"} | {"content_type", "data"
(base64)}]) posts an MMS: MessageSid MM…, NumMedia, MediaUrl{i} =
{base}/2010-04-01/Accounts/{AC}/Messages/{MM}/Media/{ME}, MediaContentType{i}. A media
URL needs basic auth while `fake.media_basic_auth` is on (the default; POST /_fake/media
{"basic_auth": false} turns it off) and redirects (307) to a CDN URL with the bytes; the
Media resource, its list (`media_list`) and DELETE follow Twilio. `fake.media_events()`,
`fake.media_deleted_at(sid)` and GET /_fake/media tell GETs and DELETEs apart, in order.
`fake.fail_next_media_gets(500, count=2)`, `slow_next_media_gets(5)`,
`lose_next_media_gets()` (404), `drop_next_media_gets()`, or POST /_fake/faults with
"on": "media", make the media GET misbehave. An outbound create with MediaUrl (at most 10,
http(s): else 21623 / 21620) is answered at once; the fake then fetches each URL (10 s)
and the message fails (11200 unreachable/non-2xx, 12300 type, 30019 over 5 MB) through
the status callback, or goes on with its media kept (`fake.media_of(sid)`) and shown on
the simulator.

Each owned number is an IncomingPhoneNumbers resource (phone_numbers.py): the SDK's
`client.incoming_phone_numbers.list(phone_number=...)`, `(sid).fetch()` and `.update(
sms_url=..., sms_fallback_url=...)` work, and a text goes to its number's URLs
(`fake.sms_webhook_url = ...` points every number). The auth token rotates as Twilio's
(account.py): `fake.create_secondary_auth_token()` adds a token that opens the REST API,
`fake.promote_secondary_auth_token()` makes it sign every request and retires the old one
(the SDK's `accounts.v1` calls reach the same, at /v1/AuthTokens/...).

Under load it behaves as Twilio does (concurrency.py, pacing.py, send_queues.py, load.py):

    FakeTwilio(max_concurrent_requests=100)    # REST requests in flight (create, fetch,
                                               # list); beyond: 429, code 20429,
                                               # Retry-After: 1. None = no limit
    FakeTwilio(rates={"+18015550100": 1.0})    # segments/s per number; default unpaced
    fake.set_rate("+18015550100", 20)          # ... or None to stop pacing
    fake.validity_period = 2                   # stands in for Twilio's 10 h queue limit

A paced number releases its messages oldest first, spaced by their segments: "queued" ->
"sending" when released -> "sent" -> "delivered" (or undelivered), the callbacks as
before. A message still queued when its validity runs out turns "failed" with a status
callback: 30036 when the create set ValidityPeriod (1-36000 s, else 400/21624), 30001
("Queue overflow") when it hit the fake-wide validity_period or Twilio's 36000 s. A
create that would put more than 10 hours of segments in its number's queue is refused
with 400/21611. Unpaced numbers hand messages on at once, exactly as before.

    fake.load()                  # LoadReport: too_many_requests, peak_in_flight, and per
                                 # number created/released/expired/refused, depth,
                                 # max_depth, releases (sid, queued_at, released_at; epoch s)
    fake.reset_load_counts()     # between benchmark runs

Over HTTP: GET /_fake/load (?releases=0 to leave out per-message times) reports; POST
{"max_concurrent_requests", "rates": {number: rate or null}, "validity_period"} changes
the knobs (all or nothing); DELETE starts the counts afresh. `python -m
infra.local.fake_twilio --rate +18015550100=1 --max-concurrent-requests 100` sets them
at start.
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
    ERROR_INVALID_MEDIA_URL,
    ERROR_INVALID_STATUS_CALLBACK,
    ERROR_INVALID_TO,
    ERROR_INVALID_VALIDITY_PERIOD,
    ERROR_LANDLINE,
    ERROR_MEDIA_CONTENT_TYPE,
    ERROR_MEDIA_TOO_LARGE,
    ERROR_METHOD_NOT_ALLOWED,
    ERROR_MISSING_BODY,
    ERROR_MISSING_FROM,
    ERROR_MISSING_TO,
    ERROR_NOT_FOUND,
    ERROR_QUEUE_FULL,
    ERROR_QUEUE_OVERFLOW,
    ERROR_SAME_TO_FROM,
    ERROR_SERVICE_UNAVAILABLE,
    ERROR_TOO_MANY_MEDIA,
    ERROR_TOO_MANY_REQUESTS,
    ERROR_UNREACHABLE,
    ERROR_UNSUBSCRIBED,
    ERROR_VALIDITY_EXPIRED,
    FAULTS_PATH,
    LANDLINE_NUMBER,
    LOAD_PATH,
    LOCAL_ACCOUNT_SID,
    LOCAL_AUTH_TOKEN,
    LONG_CODE_RATE,
    MEDIA_PATH,
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    OPTED_OUT_NUMBER,
    SHORT_CODE_RATE,
    TOLL_FREE_RATE,
    UNREACHABLE_NUMBER,
)
from .inbound import InboundResult
from .load import LoadReport
from .media_store import MediaEvent, MediaFile
from .overrides import ConnectionOverrides, parse_overrides
from .pacing import NumberLoad, Release
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
    "ERROR_INVALID_MEDIA_URL",
    "ERROR_INVALID_STATUS_CALLBACK",
    "ERROR_INVALID_TO",
    "ERROR_INVALID_VALIDITY_PERIOD",
    "ERROR_LANDLINE",
    "ERROR_MEDIA_CONTENT_TYPE",
    "ERROR_MEDIA_TOO_LARGE",
    "ERROR_METHOD_NOT_ALLOWED",
    "ERROR_MISSING_BODY",
    "ERROR_MISSING_FROM",
    "ERROR_MISSING_TO",
    "ERROR_NOT_FOUND",
    "ERROR_QUEUE_FULL",
    "ERROR_QUEUE_OVERFLOW",
    "ERROR_SAME_TO_FROM",
    "ERROR_SERVICE_UNAVAILABLE",
    "ERROR_TOO_MANY_MEDIA",
    "ERROR_TOO_MANY_REQUESTS",
    "ERROR_UNREACHABLE",
    "ERROR_UNSUBSCRIBED",
    "ERROR_VALIDITY_EXPIRED",
    "FAULTS_PATH",
    "LANDLINE_NUMBER",
    "LOAD_PATH",
    "LOCAL_ACCOUNT_SID",
    "LOCAL_AUTH_TOKEN",
    "LONG_CODE_RATE",
    "MEDIA_PATH",
    "OPTED_OUT_NUMBER",
    "OPT_IN_KEYWORDS",
    "OPT_OUT_KEYWORDS",
    "SHORT_CODE_RATE",
    "TOLL_FREE_RATE",
    "UNREACHABLE_NUMBER",
    "ConnectionOverrides",
    "FakeTwilio",
    "InboundResult",
    "LoadReport",
    "MediaEvent",
    "MediaFile",
    "NumberLoad",
    "Release",
    "count_segments",
    "parse_overrides",
    "sdk_client",
]
