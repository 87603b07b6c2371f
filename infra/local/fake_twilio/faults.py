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
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from . import constants as c
from .replies import Reply, json_reply, twilio_error

HANG, DROP, ERROR = "hang", "drop", "error"
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

    def __post_init__(self) -> None:
        if self.fault not in (HANG, DROP, ERROR):
            raise ValueError(f"fault must be {HANG}, {DROP} or {ERROR}, not {self.fault!r}")
        if self.count < 1:
            raise ValueError("count must be at least 1")
        if not 0 < self.seconds <= MAX_HANG_SECONDS:
            raise ValueError(f"seconds must be between 0 and {MAX_HANG_SECONDS:g}")
        if self.fault == ERROR and self.status not in ERROR_ANSWERS:
            raise ValueError(f"status must be one of {sorted(ERROR_ANSWERS)}")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after must not be negative")

    def applies_to(self, to: str) -> bool:
        return self.to is None or self.to == to

    def describe(self) -> dict[str, Any]:
        """The fields that matter for this kind, as the control API shows them."""
        shown = {"fault": self.fault, "count": self.count, "to": self.to}
        if self.fault == HANG:
            shown["seconds"] = self.seconds
        elif self.fault == DROP:
            shown["after_create"] = self.after_create
        else:
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

    def take(self, to: str) -> Fault | None:
        """Use up one occurrence of the first fault that applies to a create To ``to``."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.applies_to(to):
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
    "retry_after": 2}``; each may add ``"count": N`` and ``"to": "+1..."``.
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
