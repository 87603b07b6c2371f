"""Fixed values of the local fake Twilio.

Credentials, special phone numbers and Twilio error codes live here so the fake, its
tests and the local-stack README all agree on one set of values. The credentials are
published for local use only; they are not secrets and never work against real Twilio.
"""

from __future__ import annotations

API_VERSION = "2010-04-01"

# "AC" + 32 lowercase hex, like a real Account SID; recognisable as the local one.
LOCAL_ACCOUNT_SID = "AC" + "c11e47c0" + "0" * 24
LOCAL_AUTH_TOKEN = "10ca1" * 6 + "00"

# Special recipients that let the app exercise Twilio's failure paths locally.
LANDLINE_NUMBER = "+18015550106"
UNREACHABLE_NUMBER = "+18015550103"
OPTED_OUT_NUMBER = "+18015550121"

# Twilio error codes the fake returns (https://www.twilio.com/docs/api/errors).
ERROR_BAD_REQUEST = 400
ERROR_AUTHENTICATE = 20003
ERROR_METHOD_NOT_ALLOWED = 20004
ERROR_NOT_FOUND = 20404
ERROR_TOO_MANY_REQUESTS = 20429
ERROR_INTERNAL = 20500
ERROR_SERVICE_UNAVAILABLE = 20503
ERROR_INVALID_TO = 21211
ERROR_SAME_TO_FROM = 21266
ERROR_QUEUE_FULL = 21611  # the From number's queue already holds 10 hours of segments
ERROR_MISSING_BODY = 21602
ERROR_MISSING_FROM = 21603
ERROR_MISSING_TO = 21604
ERROR_FROM_NOT_OWNED = 21606
ERROR_INVALID_STATUS_CALLBACK = 21609
ERROR_UNSUBSCRIBED = 21610
ERROR_BODY_TOO_LONG = 21617
ERROR_INVALID_MEDIA_URL = 21620  # a MediaUrl that is not an http(s) URL
ERROR_TOO_MANY_MEDIA = 21623  # more than MAX_MEDIA MediaUrl values
ERROR_INVALID_VALIDITY_PERIOD = 21624
ERROR_QUEUE_OVERFLOW = 30001  # waited in the queue past Twilio's limit (10 h by default)
ERROR_UNREACHABLE = 30003
ERROR_LANDLINE = 30006
ERROR_VALIDITY_EXPIRED = 30036  # waited in the queue past the message's own ValidityPeriod

# Why a webhook request failed: logged by Twilio, sent to the fallback URL as ErrorCode.
ERROR_HTTP_RETRIEVAL = 11200  # the URL answered, but not with 2xx
ERROR_HTTP_TOTAL_TIMEOUT = 11203  # the fragment's tt ran out
ERROR_HTTP_CONNECTION = 11205  # no connection, or no answer in time
ERROR_HTTP_BAD_HOST = 11210  # the host name does not resolve

# Why an outbound MMS failed after it was accepted: Twilio fetches each MediaUrl itself.
ERROR_MEDIA_CONTENT_TYPE = 12300  # the MediaUrl answered a type Twilio does not accept
ERROR_MEDIA_TOO_LARGE = 30019  # more than MAX_MEDIA_BYTES of media in one message
# (a MediaUrl that could not be fetched, or answered non-2xx, fails with 11200 above)

# The fake's own control API (fault injection); no Twilio path starts with an underscore.
FAULTS_PATH = "/_fake/faults"
LOAD_PATH = "/_fake/load"
MEDIA_PATH = "/_fake/media"  # media settings (basic auth) and the record of GETs and DELETEs

# MMS: Twilio takes up to 10 media, 5 MB in all, fetches an outbound MediaUrl with a 10 s
# timeout, and (basic auth for media on) redirects a media GET to a CDN URL valid 4 hours.
MAX_MEDIA = 10
MAX_MEDIA_BYTES = 5 * 1024 * 1024
MEDIA_FETCH_TIMEOUT = 10.0
MEDIA_CDN_PREFIX = "/mms-cdn/"
MEDIA_CDN_SECONDS = 4 * 3600
# Content types Twilio accepts on an outbound MediaUrl ("Accepted Content Types for Media").
ACCEPTED_MEDIA_TYPES = frozenset(
    {
        "image/jpeg",
        "image/jpg",
        "image/gif",
        "image/png",
        "image/bmp",
        "image/tiff",
        "audio/basic",
        "audio/L24",
        "audio/mp4",
        "audio/mpeg",
        "audio/ogg",
        "audio/vorbis",
        "audio/vnd.rn-realaudio",
        "audio/vnd.wave",
        "audio/3gpp",
        "audio/3gpp2",
        "audio/ac3",
        "audio/webm",
        "audio/amr-nb",
        "audio/amr",
        "audio/aac",
        "video/mpeg",
        "video/mp4",
        "video/quicktime",
        "video/webm",
        "video/3gpp",
        "video/3gpp2",
        "video/3gpp-tt",
        "video/H261",
        "video/H263",
        "video/H263-1998",
        "video/H263-2000",
        "video/H264",
        "text/vcard",
        "text/x-vcard",
        "text/csv",
        "text/rtf",
        "text/richtext",
        "text/calendar",
        "text/directory",
        "application/pdf",
        "application/vcard",
    }
)

# Twilio under load: an account-wide cap on REST requests in flight (answered 429/20429
# beyond it), and a queue per sender released at its rate in segments per second.
DEFAULT_MAX_CONCURRENT_REQUESTS = 100
CONCURRENCY_RETRY_AFTER = 1  # seconds, in the Retry-After header of a 429
MAX_VALIDITY_SECONDS = 36000  # ValidityPeriod's default and maximum; also the queue's depth
LONG_CODE_RATE = 1.0
TOLL_FREE_RATE = 3.0
SHORT_CODE_RATE = 100.0

# Delivery failures by recipient: number -> (error code, error message).
DELIVERY_FAILURES: dict[str, tuple[int, str]] = {
    LANDLINE_NUMBER: (ERROR_LANDLINE, "Landline or unreachable carrier"),
    UNREACHABLE_NUMBER: (ERROR_UNREACHABLE, "Unreachable destination handset"),
}

MAX_BODY_CHARS = 1600
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

# Twilio's default opt-out handling for long codes: keyword -> auto reply it sends.
OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})
OPT_OUT_REPLY = (
    "You have successfully been unsubscribed. You will not receive any more messages "
    "from this number. Reply START to resubscribe."
)
OPT_IN_REPLY = (
    "You have successfully been re-subscribed to messages from this number. "
    "Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply."
)
HELP_REPLY = "Reply STOP to unsubscribe. Msg&Data Rates May Apply."


def more_info(code: int) -> str:
    """Twilio points every error at its documentation page; clients may show it."""
    return f"https://www.twilio.com/docs/errors/{code}"


def error_body(code: int, status: int, message: str) -> dict[str, object]:
    """Twilio's legacy JSON error shape, which the SDK turns into TwilioRestException."""
    return {"code": code, "message": message, "more_info": more_info(code), "status": status}
