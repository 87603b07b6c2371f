"""Twilio's Messages REST resource (API 2010-04-01), as far as the app uses it, and the
account's IncomingPhoneNumbers (phone_numbers.py) under the same account path.

Paths, form fields, validation error codes, JSON field names and the paging envelope
follow real Twilio closely enough that the official SDK works against it unchanged.
"""

from __future__ import annotations

import hmac
import operator
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from chalicelib.domain.segments import count_segments

from . import constants as c
from .account import AuthTokens, basic_auth_user, unauthorised
from .media_fetch import OutboundMedia
from .phone_numbers import PhoneNumbers
from .replies import (
    Form,
    Reply,
    first_value,
    int_or,
    json_reply,
    not_allowed,
    not_found,
    page_size,
    twilio_error,
)
from .send_queues import Submit
from .store import Message, MessageStore, new_sid

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_ACCOUNT_PATH = re.compile(rf"^/{c.API_VERSION}/Accounts/(?P<account>[^/]+)(?P<rest>/.*)$")
_MESSAGE_PATH = re.compile(r"^/Messages/(?P<sid>[^/]+)\.json$")

# The SDK sends date_sent / date_sent_before / date_sent_after as these keys.
DATE_SENT_FILTERS: dict[str, Callable[[Any, Any], bool]] = {
    "DateSent": operator.eq,
    "DateSent<": operator.le,
    "DateSent>": operator.ge,
}
LIST_FILTERS = ("To", "From", *DATE_SENT_FILTERS)


class Outbox(Protocol):
    """Where created messages go (send_queues.SendQueues): their sender's queue."""

    def admits(self, number: str, segments: int) -> bool: ...

    def reserve(self) -> Submit: ...


def is_e164(number: str) -> bool:
    """Twilio wants +<country><number>, up to 15 digits."""
    return bool(E164.match(number))


class RestApi:
    """Routes /2010-04-01/Accounts/{AccountSid}/Messages… requests to handlers."""

    def __init__(
        self,
        store: MessageStore,
        account_sid: str,
        tokens: AuthTokens,
        owned_numbers: Mapping[str, str],
        outbox: Outbox,
        numbers: PhoneNumbers | None = None,
        media: OutboundMedia | None = None,
    ) -> None:
        self._store = store
        self._account_sid = account_sid
        self._tokens = tokens
        self._owned = owned_numbers
        self._outbox = outbox
        self._numbers = numbers or PhoneNumbers(account_sid, owned_numbers)
        self._media = media

    def handles(self, path: str) -> bool:
        return path.startswith(f"/{c.API_VERSION}/")

    def is_create(self, method: str, path: str) -> bool:
        """A Messages.create request (the one faults apply to)."""
        match = _ACCOUNT_PATH.match(path)
        return method == "POST" and match is not None and match["rest"] == "/Messages.json"

    def handle(self, method: str, target: str, form: Form, authorization: str | None) -> Reply:
        """Authenticate, then dispatch on path and method."""
        parts = urlsplit(target)
        if not self._authorised(authorization):
            return unauthorised()
        match = _ACCOUNT_PATH.match(parts.path)
        if not match or match["account"] != self._account_sid:
            return not_found(parts.path)
        rest = match["rest"]
        numbers_reply = self._numbers.handle(method, rest, form)
        if numbers_reply is not None:
            return numbers_reply
        if rest == "/Messages.json":
            if method == "POST":
                return self._create(form)
            if method == "GET":
                return self._list(form)
            return not_allowed(method, parts.path)
        message_match = _MESSAGE_PATH.match(rest)
        if message_match:
            sid = message_match["sid"]
            if method == "GET":
                found = self._store.get(sid)
                return json_reply(200, found) if found else not_found(parts.path)
            if method == "DELETE":
                if not self._store.delete(sid):
                    return not_found(parts.path)
                if self._media is not None:
                    self._media.forget(sid)  # Twilio deletes a message's media with it
                return Reply(204, content_type="")
            return not_allowed(method, parts.path)
        return not_found(parts.path)

    def _authorised(self, header: str | None) -> bool:
        """HTTP Basic with AccountSid and the primary or secondary auth token."""
        user = basic_auth_user(header, self._tokens)
        return user is not None and hmac.compare_digest(user.encode(), self._account_sid.encode())

    def _create(self, form: Form) -> Reply:
        """POST Messages.json: validate like Twilio, store as queued, queue at its sender."""
        to, from_ = first_value(form, "To").strip(), first_value(form, "From").strip()
        body, media = first_value(form, "Body"), [u for u in form.get("MediaUrl", []) if u]
        callback = first_value(form, "StatusCallback").strip() or None
        error = self._validate(to, from_, body, media, callback, form)
        if error:
            return error
        try:
            validity = validity_period(first_value(form, "ValidityPeriod").strip())
        except ValueError as exc:
            return twilio_error(c.ERROR_INVALID_VALIDITY_PERIOD, 400, str(exc))
        if not self._outbox.admits(from_, max(count_segments(body), 1)):
            return twilio_error(
                c.ERROR_QUEUE_FULL,
                400,
                "This 'From' number has exceeded the maximum number of queued messages",
            )
        message = self._store.add(
            to=to,
            from_=from_,
            body=body,
            direction="outbound-api",
            status="queued",
            media_urls=tuple(media),
            sid=new_sid("MM") if media else None,
        )
        submit = self._outbox.reserve()  # pending before the client can see the response

        def hand_on() -> None:
            """After the answer went out: fetch the media (as Twilio does), then send."""
            failed = self._media.take(message["sid"], media) if media and self._media else None
            submit(message, callback, validity, failed)

        return json_reply(201, message, after=hand_on)

    def _validate(
        self, to: str, from_: str, body: str, media: list[str], callback: str | None, form: Form
    ) -> Reply | None:
        """First failing rule wins, each with Twilio's real error code."""
        if not to:
            return twilio_error(c.ERROR_MISSING_TO, 400, "A 'To' phone number is required.")
        if not from_:
            note = (
                " The local fake supports From only."
                if first_value(form, "MessagingServiceSid")
                else ""
            )
            return twilio_error(
                c.ERROR_MISSING_FROM, 400, "A 'From' phone number is required." + note
            )
        if not body and not media:
            return twilio_error(c.ERROR_MISSING_BODY, 400, "Message body is required.")
        if len(media) > c.MAX_MEDIA:
            return twilio_error(
                c.ERROR_TOO_MANY_MEDIA, 400, "Number of media files exceeds allowed limit"
            )
        if any(urlsplit(url).scheme not in ("http", "https") for url in media):
            return twilio_error(c.ERROR_INVALID_MEDIA_URL, 400, "Invalid media URL(s)")
        if len(body) > c.MAX_BODY_CHARS:
            return twilio_error(
                c.ERROR_BODY_TOO_LONG,
                400,
                "The concatenated message body exceeds the 1600 character limit.",
            )
        if not is_e164(to):
            return twilio_error(
                c.ERROR_INVALID_TO, 400, f"The 'To' number {to} is not a valid phone number."
            )
        if from_ not in self._owned:
            return twilio_error(
                c.ERROR_FROM_NOT_OWNED,
                400,
                f"The From phone number {from_} is not a valid, SMS-capable inbound phone "
                "number or short code for your account.",
            )
        if to == from_:
            return twilio_error(
                c.ERROR_SAME_TO_FROM, 400, "'To' and 'From' number cannot be the same."
            )
        if callback and urlsplit(callback).scheme not in ("http", "https"):
            return twilio_error(
                c.ERROR_INVALID_STATUS_CALLBACK, 400, f"Invalid StatusCallback url: {callback}"
            )
        if self._store.is_opted_out(to, from_):
            return twilio_error(
                c.ERROR_UNSUBSCRIBED, 400, "Attempt to send to unsubscribed recipient"
            )
        return None

    def _list(self, query: Form) -> Reply:
        """GET Messages.json with To/From/DateSent filters and Twilio's paging envelope."""
        filters = {k: first_value(query, k) for k in LIST_FILTERS if first_value(query, k)}
        items = self._store.snapshot(to=filters.get("To"), from_=filters.get("From"))
        try:
            items = filter_by_date_sent(items, filters)
        except ValueError as exc:
            return twilio_error(c.ERROR_BAD_REQUEST, 400, str(exc))
        size = page_size(query)
        page = max(int_or(first_value(query, "Page"), 0), 0)
        token = first_value(query, "PageToken")
        start = _token_start(token, items, size, page)
        chunk = items[start : start + size]

        def uri(page_no: int, page_token: str | None = None) -> str:
            params = {**filters, "PageSize": size, "Page": page_no}
            if page_token:
                params["PageToken"] = page_token
            return f"{self._store.messages_uri()}?{urlencode(params)}"

        has_next = start + size < len(items) and bool(chunk)
        has_prev = start > 0 and bool(chunk)
        return json_reply(
            200,
            {
                "end": start + max(len(chunk) - 1, 0),
                "first_page_uri": uri(0),
                "messages": chunk,
                "next_page_uri": uri(page + 1, "PA" + chunk[-1]["sid"]) if has_next else None,
                "page": page,
                "page_size": size,
                "previous_page_uri": uri(max(page - 1, 0), "PB" + chunk[0]["sid"])
                if has_prev
                else None,
                "start": start,
                "uri": uri(page, token or None),
            },
        )


def filter_by_date_sent(items: list[Message], filters: Mapping[str, str]) -> list[Message]:
    """Twilio's DateSent (same day or second), DateSent< (on or before), DateSent> (on or after).

    A value is a date (YYYY-MM-DD, compared by day) or a UTC time (YYYY-MM-DDTHH:MM:SSZ,
    as the SDK sends it). Messages not sent yet (still queued) have no DateSent and never
    match, as on Twilio.
    """
    tests = []
    for key, compare in DATE_SENT_FILTERS.items():
        if key in filters:
            tests.append(_date_test(filters[key], compare))
    if not tests:
        return items
    kept = []
    for message in items:
        sent = message["date_sent"]
        when = parsedate_to_datetime(sent) if sent else None
        if when is not None and all(test(when) for test in tests):
            kept.append(message)
    return kept


def _date_test(value: str, compare: Callable[[Any, Any], bool]) -> Callable[[datetime], bool]:
    """One DateSent condition: by whole day for a date, to the second for a time."""
    try:
        if len(value) == len("YYYY-MM-DD"):
            day = date.fromisoformat(value)
            return lambda when: compare(when.date(), day)
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"DateSent must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ: {value}") from None
    return lambda when: compare(when, moment)


def _token_start(token: str, items: list[Message], size: int, page: int) -> int:
    """Twilio-style cursor: PA<sid> = after that sid, PB<sid> = the page before it.

    Cursors keep paging stable while new messages arrive at the front of the list;
    without (or with an unknown) token the plain Page * PageSize offset is used.
    """
    sids = [m["sid"] for m in items]
    sid = token[2:]
    if token.startswith("PA") and sid in sids:
        return sids.index(sid) + 1
    if token.startswith("PB") and sid in sids:
        return max(sids.index(sid) - size, 0)
    return page * size


def validity_period(value: str) -> int | None:
    """Seconds a message may wait in its sender's queue (None: Twilio's default)."""
    if not value:
        return None
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= c.MAX_VALIDITY_SECONDS:
        raise ValueError(
            f"ValidityPeriod must be a whole number of seconds from 1 to "
            f"{c.MAX_VALIDITY_SECONDS}, not {value!r}"
        )
    return seconds
