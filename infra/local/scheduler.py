"""Runs the app's scheduled Lambda handlers locally, as EventBridge would on AWS.

``chalice local`` never runs ``@app.schedule`` handlers, so the local stack runs every one
the app declares (the e-mail notifier today, the reminder sweep later) at its Rate,
each call with a CloudWatch scheduled-event dict like the real one.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)
SECONDS = {"MINUTES": 60, "HOURS": 3600, "DAYS": 86400}


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
        handler = getattr(app_module, source.handler_string.split(".", 1)[1])
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


class LocalScheduler:
    def __init__(self, app_module: Any):
        self.jobs = scheduled_handlers(app_module)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="local-scheduler", daemon=True)

    def start(self) -> LocalScheduler:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        due = {name: time.monotonic() + period for name, _, period in self.jobs}
        while not self.stopped.wait(1.0):
            for name, handler, period in self.jobs:
                if time.monotonic() >= due[name]:
                    due[name] += period
                    try:
                        handler(scheduled_event(name), None)
                    except Exception:  # a failing job must not stop the others locally
                        log.exception("scheduled handler %s failed", name)
