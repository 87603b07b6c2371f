"""Twilio's status callbacks: move a text's status forward, never back, and flag its client.

Every send asks for its callbacks at ``/webhooks/twilio/status/{outbound id}``, so even the
first callback, arriving before the send recorded Twilio's sid (or after the Lambda that
sent it died), finds its text: two round trips, a GetItem and a transaction. For a
scheduled text whose sender never recorded Twilio's answer, the same transaction settles
the scheduled text too (its one-time id row says so), so the two never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..domain.delivery import STATUS_RANK, effect_on_client
from ..store.outbound import OutboundRef, OutboundStore, StatusChange
from ..store.scheduled_steps import Reminded, callback_step

STATUS_PATH = "/webhooks/twilio/status/"
SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")
OUTBOUND_ID = re.compile(r"^[0-9a-f]{16,32}$")


@dataclass(frozen=True)
class StatusCallback:
    sid: str
    status: str
    error_code: int | None
    outbound_id: str = ""  # from the callback URL's path, when the send put it there

    @classmethod
    def from_form(cls, form: dict[str, str], outbound_id: str = "") -> StatusCallback:
        code = form.get("ErrorCode") or ""
        return cls(
            sid=form.get("MessageSid", ""),
            status=form.get("MessageStatus") or form.get("SmsStatus", ""),
            error_code=int(code) if code.isdigit() else None,
            outbound_id=outbound_id,
        )

    @classmethod
    def from_kept(cls, form: dict[str, str], url: str) -> StatusCallback:
        """A callback kept for replay: the outbound id is in the URL Twilio called."""
        _, found, rest = urlsplit(url).path.partition(STATUS_PATH)
        return cls.from_form(form, rest[:40] if found else "")

    @property
    def usable(self) -> bool:
        return bool(SID.match(self.sid)) and self.status in STATUS_RANK


def record_status(callback: StatusCallback, outbound: OutboundStore) -> str:
    """Returns what happened: "applied", "stale" (not forward: nothing changed), "early"
    (no text is known for it yet: parked), or "ignored" (not a status we act on)."""
    if not callback.usable:
        return "ignored"
    found = _find(callback, outbound)
    if found is None:
        if outbound.remember_early(callback.sid, callback.status, callback.error_code):
            return "early"
        found = _find(callback, outbound)  # filed meanwhile by the send
        if found is None:
            return "stale"  # a better status for this sid is parked already
    ref, adopt, schedule, reminds = found
    change = StatusChange(
        callback.status,
        callback.error_code,
        effect_on_client(callback.status, callback.error_code),
        sid=callback.sid if adopt else "",
    )
    step = callback_step(ref.client_id, callback.outbound_id, schedule) if adopt else None
    # any status but "failed" says Twilio took the text: a reminder marks its appointment
    took = reminds if adopt and callback.status != "failed" else None
    return "applied" if outbound.change_status(ref, change, step, took) else "stale"


def _find(
    callback: StatusCallback, outbound: OutboundStore
) -> tuple[OutboundRef, bool, str, Reminded | None] | None:
    """(where the text is, whether to file the sid under it, what the callback must also
    do to the scheduled text it is: a ``HINT_*`` or "", the appointment a reminder
    reminds of)."""
    if OUTBOUND_ID.match(callback.outbound_id):
        located = outbound.locate_text(callback.outbound_id)
        if located is not None:
            return located.ref, True, located.schedule, located.reminds
    by_sid = outbound.find_sid(callback.sid)
    return (by_sid.ref, False, "", None) if by_sid and by_sid.ref else None
