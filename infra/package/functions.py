"""Which Lambda handlers the app declares, read from Chalice's own template.

Chalice decides the handlers (routes → ``APIHandler``; each ``@app.schedule`` → a function
with a ``Schedule`` event, which becomes an EventBridge rule; each ``@app.on_sqs_message`` → a
function with an ``SQS`` event, which becomes an event source mapping). Reading its output
rather than re-deriving its naming rules means a handler added to app.py is found with no
change here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .names import function_logical_id

FUNCTION_TYPE = "AWS::Serverless::Function"
RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
# CloudWatch alarms may look back at most one day (periods x evaluation periods).
ALARM_WINDOW_LIMIT = 86400


@dataclass(frozen=True)
class QueueEvent:
    """An ``SQS`` event of a function: its name in ``Events`` and the queue app.py named.

    Chalice builds the queue's ARN from that name alone (this account and region), so the
    merge must point the event at the stack's own queue (``queues.APP_QUEUES``).
    """

    event_id: str
    queue_name: str
    queue: Any = field(hash=False)  # the ``Queue`` property as it stands (often a dict)


@dataclass(frozen=True)
class StreamEvent:
    """A ``DynamoDB`` event of a function: the table app.py's placeholder ARN names."""

    event_id: str
    table_base_name: str


@dataclass(frozen=True)
class Handler:
    """One Lambda function of the app, by its logical id in the template."""

    logical_id: str
    handler: str
    schedules: tuple[str, ...]
    timeout: int | None = None
    queue_events: tuple[QueueEvent, ...] = ()
    stream_events: tuple[StreamEvent, ...] = ()

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
        events = properties.get("Events") or {}
        schedules = tuple(
            event["Properties"]["Schedule"]
            for event in events.values()
            if event.get("Type") == "Schedule"
        )
        queue_events = tuple(
            queue_event(event_id, event["Properties"]["Queue"])
            for event_id, event in sorted(events.items())
            if event.get("Type") == "SQS"
        )
        stream_events = tuple(
            StreamEvent(event_id, stream_table(event["Properties"]["Stream"]))
            for event_id, event in sorted(events.items())
            if event.get("Type") == "DynamoDB"
        )
        timeout = properties.get("Timeout")
        found.append(
            Handler(
                logical_id,
                properties.get("Handler", ""),
                schedules,
                timeout if isinstance(timeout, int) else None,
                queue_events,
                stream_events,
            )
        )
    return found


def stream_table(stream: Any) -> str:
    """``arn:…:table/{name}/stream/…`` → ``{name}`` ("" for anything but a literal ARN)."""
    if not isinstance(stream, str) or ":table/" not in stream:
        return ""
    return stream.split(":table/", 1)[1].split("/", 1)[0]


def queue_event(event_id: str, queue: Any) -> QueueEvent:
    return QueueEvent(event_id, queue_name(queue), queue)


def queue_name(queue: Any) -> str:
    """The queue name at the end of an ARN, literal or in a ``Fn::Sub`` ("" if neither)."""
    text = queue.get("Fn::Sub", "") if isinstance(queue, dict) else queue
    if isinstance(text, list):
        text = text[0] if text else ""
    if not isinstance(text, str) or not text.startswith("arn:"):
        return ""
    return text.rsplit(":", 1)[-1]


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
