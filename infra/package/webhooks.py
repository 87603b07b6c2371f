"""The URLs Twilio is given, in one place: the stack's outputs and ``point_twilio`` use them.

Twilio does not retry an inbound-message webhook that failed unless the URL asks for it with
connection overrides in its fragment (twilio.com/docs/usage/webhooks/webhooks-connection-
overrides; times in milliseconds). Ours ask for:

- ``rc=2``: two retries (0-5 allowed), so three tries in all;
- ``rp=all``: retry on a refused or timed-out connection, a slow answer, 5xx *and* 4xx, which
  covers API Gateway's 429 when it throttles and a 5xx while a deploy or a cold start fails;
- ``ct=3000``: three seconds to connect (100-10000; Twilio's default is 5000);
- ``rt=5000``: five seconds for the answer to start (100-15000): a cold start plus a
  transaction, with room; the webhook is idempotent by MessageSid, so a late first try and
  its retry still record one text;
- ``tt=14000``: all tries together within 14 s, inside the 15 s Twilio allows (the most it
  accepts is 15000). After the last failed try Twilio calls the number's fallback URL, whose
  route only stores the signed request for the replay job.

A fragment never reaches the server (clients do not send it), so the signature check stays on
the URL without it, as Twilio's own signing does.
"""

from __future__ import annotations

from typing import Any

from .names import join_url

TWILIO_PREFIX = "/webhooks/twilio/"
SMS_PATH = "/webhooks/twilio/sms"
STATUS_PATH = "/webhooks/twilio/status"
FALLBACK_PATH = "/webhooks/twilio/fallback"
CONNECTION_OVERRIDES = "#rc=2&rp=all&ct=3000&rt=5000&tt=14000"


def sms_url(base: Any) -> Any:
    """The "A message comes in" URL (POST), retries asked for in its fragment."""
    return join_url(base, SMS_PATH + CONNECTION_OVERRIDES)


def fallback_url(base: Any) -> Any:
    """The number's "Primary handler fails" URL (POST): Twilio's last try."""
    return join_url(base, FALLBACK_PATH)


def status_url(base: Any) -> Any:
    return join_url(base, STATUS_PATH)
