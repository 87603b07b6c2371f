"""Runs the app's scheduled Lambda handlers locally, as EventBridge would on AWS.

``chalice local`` never runs ``@app.schedule`` handlers, so the local stack runs every one
the app declares (the e-mail notifier, the scheduled-text sweep, ...) at its Rate, each call
with a CloudWatch scheduled-event dict like the real one. ``make run`` may run them more
often (``LOCAL_SCHEDULE_SECONDS``): a text scheduled for the next minute should not wait a
whole extra minute for the sweep on a laptop. Every job tolerates running early and often
(its writes are conditional, as EventBridge may run it twice in AWS); the one visible change
is that the e-mail notifier may mail more than once a minute (to moto's SES).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)
SECONDS = {"MINUTES": 60, "HOURS": 3600, "DAYS": 86400}
DEFAULT_LOCAL_SCHEDULE_SECONDS = 5.0  # make run's sweep: a text is at most this late
STOP_GRACE = 10.0  # seconds a job in flight gets to finish when the stack stops


def scheduled_handlers(app_module: Any) -> list[tuple[str, Any, int]]:
    """(name, handler, period in seconds) for each Rate schedule the app declares."""
    from chalice.app import Rate, ScheduledEventConfig

    found = []
    for source in app_module.app.event_sources:
        if not isinstance(source, ScheduledEventConfig):
            continue
        expression = source.schedule_expression
        if not isinstance(expression, Rate):
            log.warning("schedule %s is not a Rate; not run locally", source.name)
            continue
        period = expression.value * SECONDS[expression.unit]
        handler = app_module.app.handler_map[source.name]  # blueprints' handlers too
        found.append((source.name, handler, period))
    return found


def scheduled_event(name: str) -> dict:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-west-2",
        "resources": [f"arn:aws:events:us-west-2:000000000000:rule/{name}"],
        "detail": {},
    }


def local_schedule_seconds(env: Mapping[str, str]) -> float | None:
    """``LOCAL_SCHEDULE_SECONDS`` (default 5): how often at least every job runs under
    ``make run``; 0 runs each at its declared Rate, as in AWS."""
    raw = env.get("LOCAL_SCHEDULE_SECONDS", "").strip()
    try:
        seconds = float(raw) if raw else DEFAULT_LOCAL_SCHEDULE_SECONDS
    except ValueError as exc:
        raise ValueError(
            f"LOCAL_SCHEDULE_SECONDS must be a number of seconds, not {raw!r}"
        ) from exc
    if seconds < 0:
        raise ValueError("LOCAL_SCHEDULE_SECONDS must not be negative")
    return seconds or None


class LocalScheduler:
    """Calls each job every period on one thread, one job at a time, until ``stop()``."""

    def __init__(self, app_module: Any, at_most_seconds: float | None = None):
        self.jobs: list[tuple[str, Callable[[dict, Any], Any], float]] = [
            (name, handler, min(period, at_most_seconds) if at_most_seconds else period)
            for name, handler, period in scheduled_handlers(app_module)
        ]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="local-scheduler", daemon=True)

    def start(self) -> LocalScheduler:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Run no further job; wait a little for one in flight (it may be mid-write to moto)."""
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(STOP_GRACE)
        if self.thread.is_alive():
            log.warning("a scheduled job was still running at stop")

    def describe(self) -> list[str]:
        """One line per period: "every 5 s: sweep-scheduled, settle-sends"."""
        by_period: dict[float, list[str]] = {}
        for name, _, period in self.jobs:
            by_period.setdefault(period, []).append(name)
        return [f"every {p:g} s: {', '.join(names)}" for p, names in sorted(by_period.items())]

    def _run(self) -> None:
        due = {name: time.monotonic() + period for name, _, period in self.jobs}
        while not self.stopped.wait(self._until_next(due)):
            for name, handler, period in self.jobs:
                now = time.monotonic()
                if now < due[name] or self.stopped.is_set():
                    continue
                while due[name] <= now:  # skip ticks missed meanwhile, as EventBridge does
                    due[name] += period
                try:
                    handler(scheduled_event(name), None)
                except Exception:  # a failing job must not stop the others locally
                    log.exception("scheduled handler %s failed", name)

    def _until_next(self, due: dict[str, float]) -> float:
        if not due:
            return 3600.0
        return max(0.0, min(due.values()) - time.monotonic())
