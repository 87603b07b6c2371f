"""The stack's CloudWatch dashboard, ``clientcomm-<jurisdiction>``: the morning look.

Every metric comes from ``metrics.py``, as the alarms' do, so the dashboard shows exactly
what the alarms read (and a little more: deliveries, latency, durations). The body is one
``Fn::Sub`` text: the region and the stack's own functions, queues, tables and alarms are
filled in by CloudFormation. What each widget means is in docs/operations.md, "Dashboard".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from infra.config_loader import StackConfig
from infra.definitions import (
    API_THROTTLED_METRIC,
    MESSAGES_FAILED_METRIC,
    MESSAGES_SENT_METRIC,
    SCHEDULED_NOT_QUEUED_METRIC,
    UNRESOLVED_OVERDUE_METRIC,
    WEBHOOK_THROTTLED_METRIC,
)

from . import metrics, names
from .backups import JOBS_COMPLETED, JOBS_UNMADE
from .functions import Handler
from .metrics import Metric, Reference, sub_text
from .queues import WORK_QUEUES

WIDTH, HEIGHT, FULL = 12, 6, 24
FIVE_MINUTES = 300
# What the app counts (chalicelib/observability.count) that a person reads in the morning.
TEXTS = (
    (MESSAGES_SENT_METRIC, "sent from a page"),
    ("ScheduledTextsSent", "scheduled sent"),
    ("MessagesDelivered", "delivered"),
    (MESSAGES_FAILED_METRIC, "failed"),
    ("InboundMessages", "received"),
)
KEPT = (
    ("InboundKeptForReplay", "inbound kept by the fallback"),
    ("InboundReplayed", "inbound replayed"),
    ("InboundNotStored", "inbound not stored (Twilio retries)"),
    ("StatusKeptForReplay", "statuses kept"),
    ("StatusesReplayed", "statuses replayed"),
    ("StatusLost", "statuses lost"),
    (UNRESOLVED_OVERDUE_METRIC, '"checking" over 30 min'),
)


def dashboard(
    config: StackConfig,
    handlers: Iterable[Handler],
    tables: Iterable[str],
    alarms: Iterable[str],
    *,
    webhooks: bool,
) -> dict[str, Any]:
    """The ``AWS::CloudWatch::Dashboard`` resource."""
    body = {
        "start": "-PT24H",
        "periodOverride": "inherit",
        "widgets": layout(widgets(config, list(handlers), list(tables), alarms, webhooks)),
    }
    return {
        "Type": "AWS::CloudWatch::Dashboard",
        "Properties": {
            "DashboardName": f"clientcomm-{config.name}",
            "DashboardBody": {"Fn::Sub": json.dumps(body, ensure_ascii=False)},
        },
    }


def widgets(
    config: StackConfig,
    handlers: list[Handler],
    tables: list[str],
    alarms: Iterable[str],
    webhooks: bool,
) -> list[dict[str, Any]]:
    name = config.name
    app = [(metrics.app(name, metric), label) for metric, label in TEXTS]
    kept = [(metrics.app(name, metric), label) for metric, label in KEPT]
    throttled = [(metrics.access_log(name, API_THROTTLED_METRIC), "429 throttled")]
    if webhooks:
        throttled.append((metrics.access_log(name, WEBHOOK_THROTTLED_METRIC), "429 webhooks"))
    scheduled = [h for h in handlers if h.scheduled]
    found = [
        text(
            f"# ClientComm {config.jurisdiction.display_name}\n"
            f"Stack `clientcomm-{name}`, the last 24 hours. What each alarm means and what "
            'to check first: docs/operations.md, "Alarms"; each widget: "Dashboard".'
        ),
        alarm_states(alarms),
        graph("Texts", app, "Sum"),
        graph("Texts kept, replayed or unsettled", kept, "Sum"),
        graph(
            "Scheduled texts: sweep and send queue",
            [
                (metrics.app(name, "ScheduledTextsQueued"), "queued by the sweep"),
                (metrics.app(name, SCHEDULED_NOT_QUEUED_METRIC), "due, not queued"),
                *[
                    (
                        metrics.queue(q.queue_id, "ApproximateNumberOfMessagesVisible"),
                        f"waiting on {q.base_name}",
                        "Maximum",
                    )
                    for q in WORK_QUEUES
                ],
            ],
            "Sum",
        ),
        graph(
            "Oldest message waiting (seconds)",
            [
                (metrics.queue(q.queue_id, "ApproximateAgeOfOldestMessage"), q.base_name)
                for q in WORK_QUEUES
            ],
            "Maximum",
        ),
        graph(
            "Dead letters",
            [
                (
                    metrics.queue(q.dead_letters_id, "ApproximateNumberOfMessagesVisible"),
                    f"{q.base_name} dead letters",
                )
                for q in WORK_QUEUES
            ],
            "Maximum",
        ),
        graph(
            "API requests and errors",
            [
                (metrics.api(name, "Count"), "requests"),
                (metrics.api(name, "4XXError"), "4xx"),
                (metrics.api(name, "5XXError"), "5xx"),
                *throttled,
            ],
            "Sum",
        ),
        graph(
            "API latency (ms)",
            [
                (metrics.api(name, "Latency"), "p50", "p50"),
                (metrics.api(name, "Latency"), "p99", "p99"),
                (metrics.api(name, "IntegrationLatency"), "p99 in the function", "p99"),
            ],
            "p99",
        ),
        per_function("Function errors", handlers, "Errors", "Sum"),
        per_function("Function throttles", handlers, "Throttles", "Sum"),
        per_function("Function duration, p99 (ms)", handlers, "Duration", "p99"),
        per_function("Scheduled job runs", scheduled, "Invocations", "Sum"),
        graph("Backup jobs", backup_jobs(config), "Sum"),
        graph(
            "DynamoDB throttled requests",
            [
                (metrics.table(table, metric), f"{table} {kind}")
                for table in tables
                for metric, kind in (
                    ("ReadThrottleEvents", "reads"),
                    ("WriteThrottleEvents", "writes"),
                )
            ],
            "Sum",
        ),
    ]
    return [w for w in found if w["type"] != "metric" or w["properties"]["metrics"]]


Line = tuple[Metric, str] | tuple[Metric, str, str]


def backup_jobs(config: StackConfig) -> list[Line]:
    """The vault's jobs: made, and not made (what the backup alarm reads); none when off."""
    if not config.backups.enabled:
        return []
    made: list[Line] = [(metrics.backup(names.BACKUP_VAULT, JOBS_COMPLETED), "completed")]
    return made + [
        (metrics.backup(names.BACKUP_VAULT, name), kind) for kind, name in JOBS_UNMADE.items()
    ]


def graph(title: str, lines: Iterable[Line], stat: str) -> dict[str, Any]:
    """A time series of ``lines`` (metric, label[, its own statistic]), 5-minute points."""
    entries = []
    for line in lines:
        options: dict[str, str] = {"label": sub_text(line[1])}
        if len(line) == 3:
            options["stat"] = line[2]
        entries.append([*line[0].widget(), options])
    return {
        "type": "metric",
        "properties": {
            "title": sub_text(title),
            "view": "timeSeries",
            "stacked": False,
            "region": "${AWS::Region}",
            "stat": stat,
            "period": FIVE_MINUTES,
            "metrics": entries,
        },
    }


def per_function(title: str, handlers: Iterable[Handler], name: str, stat: str) -> dict[str, Any]:
    lines = [(metrics.function(h.logical_id, name), h.logical_id) for h in handlers]
    return graph(title, lines, stat)


def alarm_states(alarms: Iterable[str]) -> dict[str, Any]:
    """Every alarm of the stack, red ones first."""
    return {
        "type": "alarm",
        "properties": {
            "title": "Alarms",
            "sortBy": "stateUpdatedTimestamp",
            "alarms": [Reference(a, "Arn").sub() for a in sorted(alarms)],
        },
    }


def text(markdown: str) -> dict[str, Any]:
    return {"type": "text", "properties": {"markdown": sub_text(markdown)}}


def layout(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two graphs a row; the heading and the alarm list across the page."""
    x = y = 0
    placed = []
    for widget in found:
        wide = widget["type"] != "metric"
        width = FULL if wide else WIDTH
        height = 2 if widget["type"] == "text" else HEIGHT
        if x + width > FULL:
            x, y = 0, y + HEIGHT
        placed.append({**widget, "x": x, "y": y, "width": width, "height": height})
        x += width
        if x >= FULL:
            x, y = 0, y + height
    return placed
