"""Which Lambda handlers the app declares, read from Chalice's own template.

Chalice decides the handlers (routes → ``APIHandler``; each ``@app.schedule`` → a function
with a ``Schedule`` event, which becomes an EventBridge rule). Reading its output rather than
re-deriving its naming rules means a handler added to app.py is found with no change here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .names import function_logical_id

FUNCTION_TYPE = "AWS::Serverless::Function"
RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
# CloudWatch alarms may look back at most one day (periods x evaluation periods).
ALARM_WINDOW_LIMIT = 86400


@dataclass(frozen=True)
class Handler:
    """One Lambda function of the app, by its logical id in the template."""

    logical_id: str
    handler: str
    schedules: tuple[str, ...]
    timeout: int | None = None

    @property
    def scheduled(self) -> bool:
        return bool(self.schedules)


def handlers_in(template: dict[str, Any]) -> list[Handler]:
    """Every function in ``template``, with the schedule expressions that trigger it."""
    found = []
    for logical_id, resource in sorted(template.get("Resources", {}).items()):
        if resource.get("Type") != FUNCTION_TYPE:
            continue
        properties = resource.get("Properties", {})
        schedules = tuple(
            event["Properties"]["Schedule"]
            for event in (properties.get("Events") or {}).values()
            if event.get("Type") == "Schedule"
        )
        timeout = properties.get("Timeout")
        found.append(
            Handler(
                logical_id,
                properties.get("Handler", ""),
                schedules,
                timeout if isinstance(timeout, int) else None,
            )
        )
    return found


def function_name(handler: Handler, known: Iterable[str]) -> str | None:
    """Which of the ``known`` Chalice function names ``handler`` is, if any."""
    return next((name for name in known if function_logical_id(name) == handler.logical_id), None)


def interval_seconds(expression: str) -> int | None:
    """How often ``rate(...)`` fires; None for ``cron(...)`` (no fixed interval)."""
    match = RATE.match(expression.strip())
    if not match:
        return None
    count, unit = int(match.group(1)), match.group(2).rstrip("s")
    return count * UNIT_SECONDS[unit]


def heartbeat_window(expressions: tuple[str, ...]) -> tuple[int, int]:
    """``(period seconds, evaluation periods)`` long enough to expect at least one invocation.

    Every-minute sweeps get 3 x 5 minutes: one missed minute is noise, fifteen is an outage.
    Slower rates get three of their own intervals (capped at a day); ``cron`` schedules are
    assumed to run at least daily.
    """
    intervals = [interval_seconds(e) for e in expressions]
    if any(i is None for i in intervals):
        return ALARM_WINDOW_LIMIT, 1
    longest = max(i for i in intervals if i is not None)
    period = max(300, math.ceil(longest / 60) * 60)
    if period * 3 <= ALARM_WINDOW_LIMIT:
        return period, 3
    return ALARM_WINDOW_LIMIT, 1
