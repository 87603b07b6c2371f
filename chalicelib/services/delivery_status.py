"""Twilio's status callbacks: move a text's status forward, never back, and flag its client.

Every send asks for its callbacks at ``/webhooks/twilio/status/{outbound id}``, so even the
first callback, arriving before the send recorded Twilio's sid (or after the Lambda that
sent it died), finds its text: two round trips, a GetItem and a transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..domain.delivery import STATUS_RANK, effect_on_client
from ..store.outbound import OutboundRef, OutboundStore, StatusChange

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

    @property
    def usable(self) -> bool:
        return bool(SID.match(self.sid)) and self.status in STATUS_RANK


def record_status(callback: StatusCallback, outbound: OutboundStore) -> str:
    """Returns what happened: "applied", "stale" (not forward: nothing changed), "early"
    (no text is known for it yet: parked), or "ignored" (not a status we act on)."""
    if not callback.usable:
        return "ignored"
    ref, adopt = _find(callback, outbound)
    if ref is None:
        if outbound.remember_early(callback.sid, callback.status, callback.error_code):
            return "early"
        ref, adopt = _find(callback, outbound)  # filed meanwhile by the send
        if ref is None:
            return "stale"  # a better status for this sid is parked already
    change = StatusChange(
        callback.status,
        callback.error_code,
        effect_on_client(callback.status, callback.error_code),
        sid=callback.sid if adopt else "",
    )
    return "applied" if outbound.change_status(ref, change) else "stale"


def _find(callback: StatusCallback, outbound: OutboundStore) -> tuple[OutboundRef | None, bool]:
    """(where the text is, whether to file the sid under it)."""
    if OUTBOUND_ID.match(callback.outbound_id):
        ref = outbound.locate(callback.outbound_id)
        if ref is not None:
            return ref, True
    found = outbound.find_sid(callback.sid)
    return (found.ref if found else None), False
