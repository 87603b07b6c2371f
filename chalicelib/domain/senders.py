"""Who a text came from, as Twilio wrote it, in the one form we route and store by.

Twilio normally sends E.164 (+18015550101), but a carrier or a forwarding service can hand
over the same number written another way, and short codes or alphanumeric sender ids are
not phone numbers at all. A known client's number must find the client however it was
written; anything else waits in Unclaimed under a key that its page can be reached by.
"""

from __future__ import annotations

import re

from .errors import ValidationFailed
from .phones import DEFAULT_REGION, normalise_phone

MAX_SENDER = 32
SENDER_ID = re.compile(r"^[0-9A-Za-z]{1,20}$")


class NotASender(ValidationFailed):
    """The From field is empty or not something any phone network sends."""


def normalise_sender(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 for any valid way of writing a phone number, else the bare sender id
    (a short code like 12345, or letters), else NotASender."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_SENDER:
        raise NotASender({"From": "The sender is missing or too long."})
    try:
        return normalise_phone(text, region, field="From")
    except ValidationFailed:
        pass
    bare = text.lstrip("+")
    if SENDER_ID.match(bare):
        return bare
    raise NotASender({"From": "The sender is not a phone number or a sender id."})


def sender_in_path(sender: str) -> str:
    """A URL path segment for a sender: the digits of an E.164 number (no "+" to mangle),
    or the sender id as it is."""
    return sender.lstrip("+")


def sender_from_path(segment: str) -> str:
    """The inverse of ``sender_in_path``; ValidationFailed for anything it cannot produce."""
    if not SENDER_ID.match(segment or ""):
        raise ValidationFailed({"sender": "There is no such sender."})
    if segment.isdigit():
        try:
            number = normalise_phone("+" + segment, field="sender")
        except ValidationFailed:
            return segment  # a short code
        if number == "+" + segment:
            return number
    return segment
