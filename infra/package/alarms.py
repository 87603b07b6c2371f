"""CloudWatch alarms, all sent to the alarm topic (and from there to the ops mailbox).

What each one means for the people on call is written in docs/operations.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from infra.definitions import (
    API_THROTTLED_METRIC,
    MESSAGES_FAILED_METRIC,
    MESSAGES_SENT_METRIC,
    SCHEDULED_NOT_QUEUED_METRIC,
    UNRESOLVED_OVERDUE_METRIC,
    WEBHOOK_THROTTLED_METRIC,
)

from . import metrics, names
from .backups import JOBS_UNMADE
from .functions import Handler, heartbeat_window
from .gradual import ALIAS
from .metrics import Metric
from .names import ref

FIVE_MINUTES = 300
# More than one text in ten failing for a quarter of an hour: numbers gone bad in bulk,
# a carrier filtering us, or the Twilio account suspended.
SEND_FAILURE_RATE = 0.1
API_5XX_PER_FIVE_MINUTES = 5
LAMBDA_ERRORS_PER_FIVE_MINUTES = 3
# The replay job runs every minute: a stored text older than this is not being replayed.
FALLBACK_OLDEST_SECONDS = 15 * 60
# A long code sends about one text a second, so a mass text of N texts from one department
# number keeps its last text waiting about N seconds, and the texts of other departments
# wait behind it. Two hours (7,200 texts from one long code) is more than a caseload's mass
# text; beyond it the sender is stuck or throttled, and texts go out hours late.
SEND_OLDEST_SECONDS = 2 * 3600
# Twilio never retries a status callback; one kept for replay waits at most a few minutes
# while the replay job works. Older: the job is failing, and texts show a stale status.
STATUS_OLDEST_SECONDS = 15 * 60
# Staff refused by the page limits for ten minutes (two 5-minute periods of at least this
# many 429s): a runaway script, or limits too low for the jurisdiction.
API_429_PER_FIVE_MINUTES = 20
# Lambda retries a throttled scheduled, queue or stream invocation by itself; throttling
# that lasts 15 minutes is work going out late. A throttled web request is refused at once.
BACKGROUND_THROTTLED_PERIODS = 3
# The SDK retries a throttled DynamoDB request, so one is noise; two of three 5-minute
# periods with throttles is a hot key or traffic above what on-demand has ramped up to.
TABLE_THROTTLED_PERIODS = (2, 3)
# A failed backup job leaves that day's copy missing until the next day's job: the alarm
# stays red for a day (any of 24 hourly periods), so its "OK" mail means a day without one.
HOUR = 3600
BACKUP_FAILURE_HOURS = 24


def alarm_resources(
    jurisdiction: str,
    handlers: Iterable[Handler],
    tables: Iterable[str] = (),
    *,
    webhooks: bool = False,
    backups: bool = False,
) -> dict[str, Any]:
    """Every alarm of the stack: ``tables`` are the tables' logical ids; ``webhooks`` says
    whether the access log counts the Twilio webhooks' 429s (the API has such routes);
    ``backups`` whether the stack has a backup vault (backups.py)."""
    alarms = {
        names.SEND_FAILURE_ALARM: send_failure_rate(jurisdiction),
        names.API_5XX_ALARM: api_5xx(jurisdiction),
        names.FALLBACK_DEAD_LETTERS_ALARM: fallback_dead_letters(),
        names.FALLBACK_BACKLOG_ALARM: fallback_backlog(),
        names.SEND_DEAD_LETTERS_ALARM: send_dead_letters(),
        names.SEND_BACKLOG_ALARM: send_backlog(),
        names.STATUS_DEAD_LETTERS_ALARM: status_dead_letters(),
        names.STATUS_BACKLOG_ALARM: status_backlog(),
        names.SCHEDULED_NOT_QUEUED_ALARM: scheduled_not_queued(jurisdiction),
        names.MEDIA_COPY_DEAD_LETTERS_ALARM: media_copy_dead_letters(),
        names.UNRESOLVED_SENDS_ALARM: unresolved_sends(jurisdiction),
        names.API_THROTTLING_ALARM: api_throttling(jurisdiction),
    }
    if webhooks:
        alarms[names.WEBHOOK_THROTTLING_ALARM] = webhook_throttling(jurisdiction)
    if backups:
        alarms[names.BACKUP_JOBS_ALARM] = backup_jobs_failed()
    for handler in handlers:
        alarms[names.errors_alarm_id(handler.logical_id)] = lambda_errors(handler)
        alarms[names.deploy_errors_alarm_id(handler.logical_id)] = deploy_errors(handler)
        alarms[names.throttles_alarm_id(handler.logical_id)] = lambda_throttles(handler)
        if handler.scheduled:
            alarms[names.heartbeat_alarm_id(handler.logical_id)] = heartbeat(handler)
    for table_id in tables:
        alarms[names.throttles_alarm_id(table_id)] = table_throttles(table_id)
    return alarms


def _alarm(description: str, **properties: Any) -> dict[str, Any]:
    topic = [ref(names.ALARM_TOPIC)]
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "AlarmActions": topic,
            "OKActions": topic,
            **properties,
        },
    }


def _on(metric: Metric, **properties: Any) -> dict[str, Any]:
    """An alarm's properties reading one metric."""
    return {**metric.cloudformation(), **properties}


def send_failure_rate(jurisdiction: str) -> dict[str, Any]:
    """Failed / sent texts, from the metrics the app publishes (Powertools, EMF)."""

    def metric(metric_id: str, name: str) -> dict[str, Any]:
        return {
            "Id": metric_id,
            "ReturnData": False,
            "MetricStat": {
                "Metric": metrics.app(jurisdiction, name).cloudformation(),
                "Period": FIVE_MINUTES,
                "Stat": "Sum",
            },
        }

    return _alarm(
        "More than 10% of texts failed over 15 minutes (Twilio account, carrier filtering, "
        "or numbers gone bad).",
        Metrics=[
            metric("failed", MESSAGES_FAILED_METRIC),
            metric("sent", MESSAGES_SENT_METRIC),
            {
                "Id": "rate",
                "Label": "Failed / sent",
                "Expression": "IF(sent > 0, FILL(failed, 0) / sent, 0)",
                "ReturnData": True,
            },
        ],
        ComparisonOperator="GreaterThanThreshold",
        Threshold=SEND_FAILURE_RATE,
        EvaluationPeriods=3,
        DatapointsToAlarm=3,
        TreatMissingData="notBreaching",
    )


def api_5xx(jurisdiction: str) -> dict[str, Any]:
    """The app answered with server errors: staff see error pages, Twilio retries webhooks."""
    return _alarm(
        "API Gateway returned 5xx answers (the app failed or timed out).",
        **_on(metrics.api(jurisdiction, "5XXError")),
        Statistic="Sum",
        Period=FIVE_MINUTES,
        EvaluationPeriods=1,
        Threshold=API_5XX_PER_FIVE_MINUTES,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
    )


def lambda_errors(handler: Handler) -> dict[str, Any]:
    """A handler raised (or timed out) several times in five minutes."""
    return _alarm(
        f"{handler.logical_id} ({handler.handler}) failed repeatedly; see its logs.",
        **_on(metrics.function(handler.logical_id, "Errors")),
        Statistic="Sum",
        Period=FIVE_MINUTES,
        EvaluationPeriods=1,
        Threshold=LAMBDA_ERRORS_PER_FIVE_MINUTES,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
    )


def deploy_errors(handler: Handler) -> dict[str, Any]:
    """The version being deployed raised: CodeDeploy shifts the alias back (gradual.py).

    It reads only that version's invocations through the alias (``ExecutedVersion``, which
    SAM resolves to the version it publishes), so the old version's errors during a canary
    roll nothing back, and an errors alarm already red before a fix is deployed does not
    roll the fix back: this one starts afresh with each version. The canary sends a tenth of
    a quiet hour's traffic, so one error in a minute is enough. It mails nobody: after the
    deploy the version ``live`` points at keeps these metrics, and one error a minute would
    be noise; ``lambda_errors`` pages, and a rolled-back deploy says why in its output.
    """
    function = handler.logical_id
    alarm = _alarm(
        f"The version of {function} ({handler.handler}) being deployed failed: the "
        "deployment is rolled back (docs/operations.md, during a deploy and a rollback).",
        Namespace="AWS/Lambda",
        MetricName="Errors",
        Dimensions=[
            {"Name": "FunctionName", "Value": ref(function)},
            {"Name": "Resource", "Value": names.sub(f"${{{function}}}:{ALIAS}")},
            {
                "Name": "ExecutedVersion",
                "Value": {"Fn::GetAtt": [f"{function}.Version", "Version"]},
            },
        ],
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
    )
    for actions in ("AlarmActions", "OKActions"):
        del alarm["Properties"][actions]
    return alarm


def heartbeat(handler: Handler) -> dict[str, Any]:
    """A scheduled handler stopped running (rule disabled, throttled, deleted): nothing is sent
    on time while it is silent, so no data counts as breaching."""
    period, evaluations = heartbeat_window(handler.schedules)
    return _alarm(
        f"{handler.logical_id} ({', '.join(handler.schedules)}) has not run: scheduled texts "
        "and reminders are not going out.",
        **_on(metrics.function(handler.logical_id, "Invocations")),
        Statistic="Sum",
        Period=period,
        EvaluationPeriods=evaluations,
        DatapointsToAlarm=evaluations,
        Threshold=1,
        ComparisonOperator="LessThanThreshold",
        TreatMissingData="breaching",
    )


def dead_letters(queue_id: str, description: str) -> dict[str, Any]:
    """Any message in a dead-letter queue is work the app gave up on: no quiet period."""
    return _alarm(
        description,
        **_on(metrics.queue(queue_id, "ApproximateNumberOfMessagesVisible")),
        Statistic="Maximum",
        Period=FIVE_MINUTES,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )


def oldest_message(queue_id: str, seconds: int, description: str) -> dict[str, Any]:
    """The oldest message has waited longer than ``seconds``: its consumer is falling behind."""
    return _alarm(
        description,
        **_on(metrics.queue(queue_id, "ApproximateAgeOfOldestMessage")),
        Statistic="Maximum",
        Period=FIVE_MINUTES,
        EvaluationPeriods=1,
        Threshold=seconds,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )


def fallback_dead_letters() -> dict[str, Any]:
    return dead_letters(
        names.FALLBACK_DEAD_LETTERS,
        "Inbound texts failed every replay and sit in the fallback dead-letter queue: "
        "they are not in any conversation yet (docs/operations.md, fallback queue).",
    )


def fallback_backlog() -> dict[str, Any]:
    """Texts wait in the fallback queue: the replay job is not running or not succeeding."""
    return oldest_message(
        names.FALLBACK_QUEUE,
        FALLBACK_OLDEST_SECONDS,
        "A text has waited more than 15 minutes in the inbound fallback queue: the replay "
        "job is failing or not running, and staff don't see those texts.",
    )


def send_dead_letters() -> dict[str, Any]:
    return dead_letters(
        names.SEND_DEAD_LETTERS,
        "Scheduled texts failed five sends and sit in the send dead-letter queue: they "
        "have not gone out (docs/operations.md, send queue).",
    )


def send_backlog() -> dict[str, Any]:
    """Scheduled texts wait on the send queue far longer than any mass text explains."""
    return oldest_message(
        names.SEND_QUEUE,
        SEND_OLDEST_SECONDS,
        "A scheduled text has waited more than 2 hours on the send queue: the sender is "
        "failing, throttled or not consuming, and texts are going out late.",
    )


def media_copy_dead_letters() -> dict[str, Any]:
    return dead_letters(
        names.MEDIA_COPY_DEAD_LETTERS,
        "Inbound photo copies failed even to be marked failed and sit in the media-copy "
        "dead-letter queue: those items still show arriving (docs/operations.md, media copy).",
    )


def status_dead_letters() -> dict[str, Any]:
    return dead_letters(
        names.STATUS_DEAD_LETTERS,
        "Status callbacks failed every replay and sit in the status dead-letter queue: "
        "those texts show an old status (docs/operations.md, status callbacks).",
    )


def status_backlog() -> dict[str, Any]:
    """Kept status callbacks wait: the replay job is not running or not succeeding."""
    return oldest_message(
        names.STATUS_QUEUE,
        STATUS_OLDEST_SECONDS,
        "A status callback has waited more than 15 minutes to be replayed: the "
        "replay-statuses job is failing or not running; texts show an old status.",
    )


def scheduled_not_queued(jurisdiction: str) -> dict[str, Any]:
    """The sweep found due texts it could not put on the send queue, for 15 minutes."""
    return _alarm(
        "Due scheduled texts could not be put on the send queue for 15 minutes (SQS "
        "refusing the sweep): they are waiting, and going out late.",
        **_on(metrics.app(jurisdiction, SCHEDULED_NOT_QUEUED_METRIC)),
        Statistic="Sum",
        Period=FIVE_MINUTES,
        EvaluationPeriods=3,
        DatapointsToAlarm=3,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )


def unresolved_sends(jurisdiction: str) -> dict[str, Any]:
    """settle-sends keeps finding texts it cannot settle (Twilio not answering it)."""
    return _alarm(
        'Texts have shown "checking" for more than half an hour: settle-sends cannot '
        "find out from Twilio what became of them (docs/operations.md, settling).",
        **_on(metrics.app(jurisdiction, UNRESOLVED_OVERDUE_METRIC)),
        Statistic="Maximum",
        Period=FIVE_MINUTES,
        EvaluationPeriods=2,
        DatapointsToAlarm=2,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )


def api_throttling(jurisdiction: str) -> dict[str, Any]:
    """API Gateway answered 429 again and again: its limits refuse people (or Twilio)."""
    return _alarm(
        "API Gateway refused requests with 429 (throttled) for 10 minutes: staff see error "
        "pages; see the access log's resourcePath and ip (docs/operations.md, API throttling).",
        **_on(metrics.access_log(jurisdiction, API_THROTTLED_METRIC)),
        Statistic="Sum",
        Period=FIVE_MINUTES,
        EvaluationPeriods=2,
        DatapointsToAlarm=2,
        Threshold=API_429_PER_FIVE_MINUTES,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
    )


def webhook_throttling(jurisdiction: str) -> dict[str, Any]:
    """Any Twilio webhook refused: an inbound text retried or sent to the fallback, or a
    status callback lost for good."""
    return _alarm(
        "API Gateway throttled a Twilio webhook: inbound texts are retried or kept by the "
        "fallback, status callbacks are lost (docs/operations.md, API throttling).",
        **_on(metrics.access_log(jurisdiction, WEBHOOK_THROTTLED_METRIC)),
        Statistic="Sum",
        Period=FIVE_MINUTES,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )


def lambda_throttles(handler: Handler) -> dict[str, Any]:
    """Lambda refused to run a function (its concurrency, or the account's, is used up).

    A function with no event of its own answers requests (the API, the WebSocket routes):
    one throttle is a refused request. Scheduled, queue and stream invocations are retried
    by Lambda, so only throttling that lasts means work is late.
    """
    background = handler.scheduled or handler.queue_events or handler.stream_events
    periods = BACKGROUND_THROTTLED_PERIODS if background else 1
    what = "its work is going out late" if background else "requests are being refused"
    return _alarm(
        f"Lambda throttled {handler.logical_id} ({handler.handler}): {what}. Check the "
        "account's concurrent executions (docs/operations.md, alarms).",
        **_on(metrics.function(handler.logical_id, "Throttles")),
        Statistic="Sum",
        Period=FIVE_MINUTES,
        EvaluationPeriods=periods,
        DatapointsToAlarm=periods,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )


def table_throttles(table_id: str) -> dict[str, Any]:
    """DynamoDB throttled reads or writes of one table, beyond what the SDK's retries hide."""

    def read(metric_id: str, name: str) -> dict[str, Any]:
        return {
            "Id": metric_id,
            "ReturnData": False,
            "MetricStat": {
                "Metric": metrics.table(table_id, name).cloudformation(),
                "Period": FIVE_MINUTES,
                "Stat": "Sum",
            },
        }

    datapoints, periods = TABLE_THROTTLED_PERIODS
    return _alarm(
        f"DynamoDB throttled requests to {table_id} in {datapoints} of {periods} 5-minute "
        "periods: pages slow down or fail (docs/operations.md, alarms).",
        Metrics=[
            read("reads", "ReadThrottleEvents"),
            read("writes", "WriteThrottleEvents"),
            {
                "Id": "throttled",
                "Label": "Throttled reads and writes",
                "Expression": "FILL(reads, 0) + FILL(writes, 0)",
                "ReturnData": True,
            },
        ],
        EvaluationPeriods=periods,
        DatapointsToAlarm=datapoints,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )


def backup_jobs_failed() -> dict[str, Any]:
    """A backup job of the stack's vault failed, was stopped or never started: a table has
    no copy of that day (AWS/Backup's job counts, by vault)."""

    def read(metric_id: str, name: str) -> dict[str, Any]:
        return {
            "Id": metric_id,
            "ReturnData": False,
            "MetricStat": {
                "Metric": metrics.backup(names.BACKUP_VAULT, name).cloudformation(),
                "Period": HOUR,
                "Stat": "Sum",
            },
        }

    total = " + ".join(f"FILL({metric_id}, 0)" for metric_id in JOBS_UNMADE)
    return _alarm(
        "A backup job of the stack's vault failed, was aborted or expired in the last 24 "
        "hours: a table has no backup of that day (docs/operations.md, backups).",
        Metrics=[
            *(read(metric_id, name) for metric_id, name in JOBS_UNMADE.items()),
            {
                "Id": "unmade",
                "Label": "Backup jobs not made",
                "Expression": total,
                "ReturnData": True,
            },
        ],
        EvaluationPeriods=BACKUP_FAILURE_HOURS,
        DatapointsToAlarm=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )
