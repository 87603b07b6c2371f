"""Faults injected into Messages.create, so the app's failure paths can be exercised.

Real Twilio sometimes hangs, drops a connection, or answers 429/500/503. Each fault
applies to the next ``count`` create requests (optionally only those To one number):

- ``hang``: wait ``seconds`` (or until the fake stops), then answer normally. The message
  is created when the answer is finally written, as a slow Twilio would.
- ``drop``: close the connection without a byte of answer; with ``after_create`` the
  message is created first and goes on to be sent (Twilio took it, the client never knew).
- ``error``: answer ``status`` (429, 500 or 503) in Twilio's JSON error shape; 429 carries
  code 20429 and a Retry-After header (``retry_after``, 1 s unless given).

Set them with ``FakeTwilio.hang_next_creates`` / ``drop_next_creates`` /
``fail_next_creates``, or over HTTP on the fake's port (see ``FaultControl``).

A fault with ``on="media"`` applies instead to the next ``count`` GETs of a media URL
(``/Messages/{MessageSid}/Media/{MediaSid}``, optionally only ``sid=`` one MediaSid), as the
app downloads an inbound MMS: ``hang`` answers late, ``drop`` closes the connection,
``error`` answers 429/500/503, and ``not_found`` answers 404 (code 20404), as Twilio does
for media it has not finished storing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from . import constants as c
from .replies import Reply, json_reply, twilio_error

HANG, DROP, ERROR, NOT_FOUND = "hang", "drop", "error", "not_found"
CREATE, MEDIA = "create", "media"  # what a fault applies to
ERROR_ANSWERS = {
    429: (c.ERROR_TOO_MANY_REQUESTS, "Too Many Requests"),
    500: (c.ERROR_INTERNAL, "Internal Server Error"),
    503: (c.ERROR_SERVICE_UNAVAILABLE, "Service Unavailable"),
}
MAX_HANG_SECONDS = 600.0


@dataclass(frozen=True)
class Fault:
    """One kind of misbehaviour for the next ``count`` matching create requests."""

    fault: str
    count: int = 1
    to: str | None = None
    seconds: float = 30.0
    after_create: bool = False
    status: int = 500
    retry_after: int | None = None
    on: str = CREATE
    sid: str | None = None  # on=media: only GETs of this MediaSid

    def __post_init__(self) -> None:
        if self.on not in (CREATE, MEDIA):
            raise ValueError(f"on must be {CREATE} or {MEDIA}, not {self.on!r}")
        kinds = (HANG, DROP, ERROR, NOT_FOUND) if self.on == MEDIA else (HANG, DROP, ERROR)
        if self.fault not in kinds:
            raise ValueError(f"fault must be one of {', '.join(kinds)}, not {self.fault!r}")
        if self.on == CREATE and self.sid is not None:
            raise ValueError("sid is for media faults; a create fault takes to=")
        if self.on == MEDIA and self.to is not None:
            raise ValueError("to is for create faults; a media fault takes sid=")
        if self.count < 1:
            raise ValueError("count must be at least 1")
        if not 0 < self.seconds <= MAX_HANG_SECONDS:
            raise ValueError(f"seconds must be between 0 and {MAX_HANG_SECONDS:g}")
        if self.fault == ERROR and self.status not in ERROR_ANSWERS:
            raise ValueError(f"status must be one of {sorted(ERROR_ANSWERS)}")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after must not be negative")

    def applies_to(self, to: str, on: str = CREATE) -> bool:
        """For a create, ``to`` is its To number; for a media GET, its MediaSid."""
        if on != self.on:
            return False
        wanted = self.sid if on == MEDIA else self.to
        return wanted is None or wanted == to

    def describe(self) -> dict[str, Any]:
        """The fields that matter for this kind, as the control API shows them."""
        shown: dict[str, Any] = {"fault": self.fault, "count": self.count}
        if self.on == MEDIA:
            shown.update(on=MEDIA, sid=self.sid)
        else:
            shown["to"] = self.to
        if self.fault == HANG:
            shown["seconds"] = self.seconds
        elif self.fault == DROP and self.on == CREATE:
            shown["after_create"] = self.after_create
        elif self.fault == ERROR:
            shown.update(status=self.status, retry_after=self.retry_after)
        return shown


class FaultPlan:
    """Pending faults in the order they were set; the first that applies is used up first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, to: str, on: str = CREATE) -> Fault | None:
        """Use up one occurrence of the first fault that applies to a create To ``to``
        (or, ``on="media"``, to a GET of the media ``to``)."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.applies_to(to, on):
                    if fault.count > 1:
                        self._faults[index] = replace(fault, count=fault.count - 1)
                    else:
                        del self._faults[index]
                    return replace(fault, count=1)
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.describe() for fault in self._faults]


def faulty_reply(fault: Fault, handle: Callable[[], Reply], stopping: threading.Event) -> Reply:
    """What the server does with a create request that drew ``fault``."""
    if fault.fault == HANG:
        if stopping.wait(fault.seconds):
            return Reply(0, drop=True)  # the fake is stopping: answer nothing
        return handle()
    if fault.fault == DROP:
        if not fault.after_create:
            return Reply(0, drop=True)
        created = handle()  # the message exists and goes on to be sent
        return Reply(0, drop=True, after=created.after)
    if fault.fault == NOT_FOUND:
        return twilio_error(c.ERROR_NOT_FOUND, 404, "The requested resource was not found")
    code, message = ERROR_ANSWERS[fault.status]
    reply = twilio_error(code, fault.status, message)
    retry_after = fault.retry_after
    if retry_after is None and fault.status == 429:
        retry_after = 1
    if retry_after is not None:
        reply.headers["Retry-After"] = str(retry_after)
    return reply


class FaultControl:
    """``/_fake/faults`` on the fake's own port: GET lists, POST adds, DELETE clears.

    POST a JSON object: ``{"fault": "hang", "seconds": 30}``,
    ``{"fault": "drop", "after_create": true}``, ``{"fault": "error", "status": 429,
    "retry_after": 2}``; each may add ``"count": N`` and ``"to": "+1..."``. For media
    GETs add ``"on": "media"`` (and optionally ``"sid": "ME..."``); ``{"fault":
    "not_found", "on": "media"}`` answers 404.
    """

    def __init__(self, plan: FaultPlan) -> None:
        self._plan = plan

    def handle(self, method: str, body: bytes) -> Reply:
        if method == "GET":
            return self._listing(200)
        if method == "DELETE":
            self._plan.clear()
            return self._listing(200)
        if method != "POST":
            return json_reply(405, {"error": "use GET, POST or DELETE"})
        try:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise TypeError("expected a JSON object")
            self._plan.add(Fault(**data))
        except (ValueError, TypeError) as exc:
            return json_reply(400, {"error": str(exc), "fields": list(asdict(Fault(HANG)))})
        return self._listing(201)

    def _listing(self, status: int) -> Reply:
        return json_reply(status, {"faults": self._plan.pending()}, {"Cache-Control": "no-store"})
