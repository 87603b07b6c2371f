"""The status-callback queue (a callback the app could not store, kept for replay) and the
alarms of the scheduled-text state machine: every state a text can wait in has an alarm
for when its job cannot move it on (chalicelib/store/scheduled.py)."""

from __future__ import annotations

import pytest

from infra.definitions import SCHEDULED_NOT_QUEUED_METRIC, UNRESOLVED_OVERDUE_METRIC
from tests.helpers import ROOT
from tests.infra.packaging import EXAMPLES, FUNCTION, of_type
from tests.infra.test_template_security import function_statements, statement

FOURTEEN_DAYS = 14 * 24 * 3600


def queues(template: dict) -> dict[str, dict]:
    return {
        q["Properties"]["QueueName"]: q["Properties"]
        for q in of_type(template, "AWS::SQS::Queue").values()
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_status_queue_is_encrypted_kept_fourteen_days_with_dead_letters(templates, name):
    found = queues(templates[name])
    main = found[f"clientcomm-{name}-status-callbacks"]
    dead = found[f"clientcomm-{name}-status-callbacks-dlq"]
    for queue in (main, dead):
        assert queue["SqsManagedSseEnabled"] is True
        assert queue["MessageRetentionPeriod"] == FOURTEEN_DAYS
    assert main["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["StatusCallbackDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
    replay = templates[name]["Resources"]["ReplayStatuses"]["Properties"]
    assert main["VisibilityTimeout"] >= 6 * replay["Timeout"]
    policy = templates[name]["Resources"]["StatusCallbackQueuePolicy"]["Properties"]
    (deny,) = policy["PolicyDocument"]["Statement"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("name", EXAMPLES)
def test_only_the_web_function_keeps_statuses_and_only_the_replay_takes_them(templates, name):
    template = templates[name]
    kept = statement(template, "StatusQueueSend")
    assert kept["Action"] == ["sqs:SendMessage"]
    assert kept["Resource"] == {"Fn::GetAtt": ["StatusCallbackQueue", "Arn"]}
    replay = statement(template, "StatusQueueReplay", "ReplayStatuses")
    assert sorted(replay["Action"]) == ["sqs:DeleteMessage", "sqs:ReceiveMessage"]
    for function in of_type(template, FUNCTION):
        sids = {s["Sid"] for s in function_statements(template, function)}
        assert ("StatusQueueSend" in sids) is (function == "APIHandler"), function
        assert ("StatusQueueReplay" in sids) is (function == "ReplayStatuses"), function


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_function_is_told_the_status_queue_and_ops_get_its_urls(templates, name):
    for function in of_type(templates[name], FUNCTION).values():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["STATUS_QUEUE_URL"] == {"Ref": "StatusCallbackQueue"}
    outputs = templates[name]["Outputs"]
    assert outputs["StatusQueueUrl"]["Value"] == {"Ref": "StatusCallbackQueue"}
    assert outputs["StatusDeadLetterQueueUrl"]["Value"] == {"Ref": "StatusCallbackDeadLetterQueue"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_kept_status_waiting_or_given_up_on_alarms(templates, name):
    resources = templates[name]["Resources"]
    dead = resources["StatusCallbackDeadLettersAlarm"]["Properties"]
    assert dead["Dimensions"][0]["Value"] == {
        "Fn::GetAtt": ["StatusCallbackDeadLetterQueue", "QueueName"]
    }
    stale = resources["StatusCallbackBacklogAlarm"]["Properties"]
    assert stale["MetricName"] == "ApproximateAgeOfOldestMessage"
    assert stale["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["StatusCallbackQueue", "QueueName"]}
    assert stale["Threshold"] == 900


@pytest.mark.parametrize(
    ("alarm", "metric"),
    [
        ("ScheduledNotQueuedAlarm", SCHEDULED_NOT_QUEUED_METRIC),
        ("UnresolvedSendsAlarm", UNRESOLVED_OVERDUE_METRIC),
    ],
)
def test_a_scheduled_text_its_job_cannot_move_on_alarms_on_a_metric_the_app_emits(
    templates, alarm, metric
):
    found = templates["salt-lake-county"]["Resources"][alarm]["Properties"]
    assert (found["Namespace"], found["MetricName"]) == ("ClientComm/salt-lake-county", metric)
    assert (found["ComparisonOperator"], found["Threshold"]) == ("GreaterThanThreshold", 0)
    assert found["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    jobs = (ROOT / "chalicelib" / "jobs" / "entry_points.py").read_text()
    assert f'count("{metric}"' in jobs
