"""The account's own numbers: Twilio's IncomingPhoneNumbers resource (API 2010-04-01), and
where each number's inbound texts go.

Every owned number is a resource in Twilio's JSON shape. Its ``sms_url`` and
``sms_fallback_url`` decide where the fake posts a text sent to that number, as on Twilio,
so ``infra/ops/point_twilio.py`` can be rehearsed against the local stack: list (filtered
by ``PhoneNumber``, partial numbers and ``*`` for a digit as Twilio allows), fetch and
update (form-encoded ``SmsUrl``, ``SmsMethod``, ``SmsFallbackUrl``, ``SmsFallbackMethod``,
``FriendlyName``...). Setting ``FakeTwilio.sms_webhook_url`` points every number at once.
The fake always POSTs; a number set to GET is recorded, not honoured.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from . import constants as c
from .overrides import parse_overrides
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
from .store import rfc2822_now

ERROR_INVALID_URL = 21402  # "You attempted to update the URL handler ... not valid"
NUMBERS_PATH = "/IncomingPhoneNumbers.json"
_NUMBER_PATH = re.compile(r"^/IncomingPhoneNumbers/(?P<sid>[^/]+)\.json$")
# Form field → resource field, for what an update may change.
URL_FIELDS = {"SmsUrl": "sms_url", "SmsFallbackUrl": "sms_fallback_url"}
METHOD_FIELDS = {"SmsMethod": "sms_method", "SmsFallbackMethod": "sms_fallback_method"}
TEXT_FIELDS = {"FriendlyName": "friendly_name"}

PhoneNumber = dict[str, Any]


def checked_url(url: str | None) -> str | None:
    """A webhook URL as stored: absolute http(s) with valid overrides, or None (unset)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url} is not a valid URL")
    parse_overrides(url)  # a bad connection override fails where it is set
    return url


class PhoneNumbers:
    """Owned numbers by E.164, each a resource dict; one lock guards them all."""

    def __init__(
        self,
        account_sid: str,
        owned: Mapping[str, str],
        sms_url: str | None = None,
        fallback_url: str | None = None,
    ) -> None:
        self._account_sid = account_sid
        self._lock = threading.Lock()
        self._default = (checked_url(sms_url), checked_url(fallback_url))
        now = rfc2822_now()
        self._numbers: dict[str, PhoneNumber] = {
            number: self._resource(number, label, now) for number, label in owned.items()
        }

    # the fake's own settings ------------------------------------------------------------
    @property
    def sms_url(self) -> str | None:
        """The URL last set for every number (``FakeTwilio.sms_webhook_url``)."""
        return self._default[0]

    @property
    def fallback_url(self) -> str | None:
        return self._default[1]

    def point_all(self, *, sms_url: str | None, fallback_url: str | None) -> None:
        """Point every number (and any the fake starts with) at these URLs."""
        wanted = (checked_url(sms_url), checked_url(fallback_url))
        with self._lock:
            self._default = wanted
            for resource in self._numbers.values():
                resource["sms_url"], resource["sms_fallback_url"] = wanted

    def webhooks(self, number: str) -> tuple[str | None, str | None]:
        """Where a text to ``number`` is posted: its SMS URL and its fallback URL."""
        with self._lock:
            found = self._numbers.get(number)
            return (found["sms_url"], found["sms_fallback_url"]) if found else (None, None)

    # the REST resource ------------------------------------------------------------------
    def handle(self, method: str, rest: str, form: Form) -> Reply | None:
        """Answer a request under /Accounts/{sid}; None when it is not for phone numbers."""
        if rest == NUMBERS_PATH:
            if method == "GET":
                return self._list(form)
            return not_allowed(method, rest)  # buying numbers is not faked
        match = _NUMBER_PATH.match(rest)
        if match is None:
            return None
        if method == "GET":
            found = self._get(match["sid"])
            return json_reply(200, found) if found else not_found(rest)
        if method == "POST":
            return self._update(match["sid"], form, rest)
        return not_allowed(method, rest)

    def _list(self, query: Form) -> Reply:
        pattern = first_value(query, "PhoneNumber")
        name = first_value(query, "FriendlyName")
        with self._lock:
            found = [
                copy.deepcopy(r)
                for r in self._numbers.values()
                if _number_matches(pattern, r["phone_number"])
                and (not name or r["friendly_name"] == name)
            ]
        size = page_size(query)
        page = max(int_or(first_value(query, "Page"), 0), 0)
        chunk = found[page * size : (page + 1) * size]
        filters = {k: v for k, v in (("PhoneNumber", pattern), ("FriendlyName", name)) if v}

        def uri(number: int) -> str:
            query_string = urlencode({**filters, "PageSize": size, "Page": number})
            return f"{self._base_uri()}.json?{query_string}"

        more = (page + 1) * size < len(found)
        return json_reply(
            200,
            {
                "end": page * size + max(len(chunk) - 1, 0),
                "first_page_uri": uri(0),
                "incoming_phone_numbers": chunk,
                "next_page_uri": uri(page + 1) if more else None,
                "page": page,
                "page_size": size,
                "previous_page_uri": uri(page - 1) if page > 0 else None,
                "start": page * size,
                "uri": uri(page),
            },
        )

    def _get(self, sid: str) -> PhoneNumber | None:
        with self._lock:
            found = next((r for r in self._numbers.values() if r["sid"] == sid), None)
            return copy.deepcopy(found) if found else None

    def _update(self, sid: str, form: Form, path: str) -> Reply:
        changes: dict[str, str | None] = {}
        for field, key in URL_FIELDS.items():
            if field in form:
                try:
                    changes[key] = checked_url(first_value(form, field).strip())
                except ValueError as exc:
                    return twilio_error(ERROR_INVALID_URL, 400, f"{field}: {exc}")
        for field, key in METHOD_FIELDS.items():
            if field in form:
                method = first_value(form, field).strip().upper()
                if method not in ("GET", "POST"):
                    return twilio_error(c.ERROR_BAD_REQUEST, 400, f"{field} must be GET or POST")
                changes[key] = method
        for field, key in TEXT_FIELDS.items():
            if field in form:
                changes[key] = first_value(form, field)
        with self._lock:
            found = next((r for r in self._numbers.values() if r["sid"] == sid), None)
            if found is None:
                return not_found(path)
            found.update(changes)
            found["date_updated"] = rfc2822_now()
            return json_reply(200, copy.deepcopy(found))

    def _base_uri(self) -> str:
        return f"/{c.API_VERSION}/Accounts/{self._account_sid}/IncomingPhoneNumbers"

    def _resource(self, number: str, label: str, now: str) -> PhoneNumber:
        """A number as Twilio shows it; the SID stays the same from one start to the next."""
        digest = hashlib.sha256(f"{self._account_sid}{number}".encode()).hexdigest()
        sid = "PN" + digest[:32]
        sms_url, fallback_url = self._default
        return {
            "account_sid": self._account_sid,
            "address_requirements": "none",
            "address_sid": None,
            "api_version": c.API_VERSION,
            "beta": False,
            "bundle_sid": None,
            "capabilities": {"fax": False, "mms": True, "sms": True, "voice": True},
            "date_created": now,
            "date_updated": now,
            "emergency_address_sid": None,
            "emergency_address_status": "unregistered",
            "emergency_status": "Inactive",
            "friendly_name": label,
            "identity_sid": None,
            "origin": "twilio",
            "phone_number": number,
            "sid": sid,
            "sms_application_sid": "",
            "sms_fallback_method": "POST",
            "sms_fallback_url": fallback_url,
            "sms_method": "POST",
            "sms_url": sms_url,
            "status": "in-use",
            "status_callback": "",
            "status_callback_method": "POST",
            "subresource_uris": {
                "assigned_add_ons": f"{self._base_uri()}/{sid}/AssignedAddOns.json"
            },
            "trunk_sid": None,
            "type": "local",
            "uri": f"{self._base_uri()}/{sid}.json",
            "voice_application_sid": "",
            "voice_caller_id_lookup": False,
            "voice_fallback_method": "POST",
            "voice_fallback_url": None,
            "voice_method": "POST",
            "voice_receive_mode": "voice",
            "voice_url": None,
        }


def _number_matches(pattern: str, number: str) -> bool:
    """Twilio's PhoneNumber filter: a part of the number, ``*`` standing for any digit."""
    if not pattern:
        return True
    regex = "".join(r"\d" if ch == "*" else re.escape(ch) for ch in pattern.strip())
    return re.search(regex, number) is not None
