"""The send queue of scheduled texts: the stack's own queue feeds the sender in batches of up
to 250 (gathered for at most a second), two at a time; a batch stays hidden for six of the
sender's timeouts; dead letters and a two-hour backlog alarm; every function told its URL."""

from __future__ import annotations

import json

import pytest

from chalicelib.config import SEND_BATCH_SIZE, SEND_CONCURRENCY, SEND_QUEUE_NAME
from infra.config_loader import load_stack_config
from infra.package.functions import Handler, handlers_in, queue_event, queue_name
from infra.package.merge import function_patch
from infra.package.names import function_logical_id
from infra.package.queues import event_source_queue
from tests.helpers import ROOT
from tests.infra.packaging import EXAMPLES, FUNCTION, of_type

FOURTEEN_DAYS = 14 * 24 * 3600
CHALICE_QUEUE = {
    "Fn::Sub": f"arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{SEND_QUEUE_NAME}"
}


def queues(template: dict) -> dict[str, dict]:
    return {
        q["Properties"]["QueueName"]: q["Properties"]
        for q in of_type(template, "AWS::SQS::Queue").values()
    }


def sender(template: dict) -> dict:
    return template["Resources"]["SendScheduled"]["Properties"]


def own_timeouts() -> dict[str, int]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {
        name: settings["lambda_timeout"]
        for name, settings in config.get("lambda_functions", {}).items()
        if "lambda_timeout" in settings
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_send_queue_is_named_for_the_stack_encrypted_and_kept_fourteen_days(templates, name):
    found = queues(templates[name])
    main = found[f"clientcomm-{name}-send"]
    dead = found[f"clientcomm-{name}-send-dlq"]
    for queue in (main, dead):
        assert queue["SqsManagedSseEnabled"] is True
        assert queue["MessageRetentionPeriod"] == FOURTEEN_DAYS
    assert main["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["SendDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_sender_reads_the_stacks_own_queue_250_at_a_time_with_at_most_two_running(
    templates, name
):
    (event,) = sender(templates[name])["Events"].values()
    assert event["Type"] == "SQS"
    assert event["Properties"]["Queue"] == {"Fn::Sub": "${SendQueue.Arn}"}
    assert (SEND_BATCH_SIZE, SEND_CONCURRENCY) == (250, 2)
    assert event["Properties"]["BatchSize"] == 250
    # SQS requires a batching window above ten messages; a lone reminder waits at most 1 s
    assert event["Properties"]["MaximumBatchingWindowInSeconds"] == 1
    assert event["Properties"]["ScalingConfig"] == {"MaximumConcurrency": 2}


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_batch_stays_hidden_for_six_of_the_senders_two_minute_timeouts(templates, name):
    assert sender(templates[name])["Timeout"] == 120
    main = templates[name]["Resources"]["SendQueue"]["Properties"]
    assert main["VisibilityTimeout"] == 6 * 120


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_function_keeps_the_timeout_the_repo_config_gives_it(templates, name):
    wanted = own_timeouts()
    assert {"send-scheduled", "sweep-scheduled", "settle-sends"} <= set(wanted)
    packaged = {h.logical_id: h.timeout for h in handlers_in(templates[name])}
    for function, seconds in wanted.items():
        assert packaged[function_logical_id(function)] == seconds, function


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_send_queues_refuse_requests_without_tls(templates, name):
    policy = templates[name]["Resources"]["SendQueuePolicy"]["Properties"]
    assert policy["Queues"] == [{"Ref": "SendQueue"}, {"Ref": "SendDeadLetterQueue"}]
    (deny,) = policy["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_dead_letter_or_a_text_waiting_two_hours_alarms_the_ops_mailbox(templates, name):
    resources = templates[name]["Resources"]
    dead = resources["SendDeadLettersAlarm"]["Properties"]
    assert dead["MetricName"] == "ApproximateNumberOfMessagesVisible"
    dead_letters = {"Fn::GetAtt": ["SendDeadLetterQueue", "QueueName"]}
    assert dead["Dimensions"] == [{"Name": "QueueName", "Value": dead_letters}]
    assert (dead["ComparisonOperator"], dead["Threshold"]) == ("GreaterThanThreshold", 0)
    backlog = resources["SendBacklogAlarm"]["Properties"]
    assert backlog["MetricName"] == "ApproximateAgeOfOldestMessage"
    assert backlog["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["SendQueue", "QueueName"]}
    assert (backlog["ComparisonOperator"], backlog["Threshold"]) == ("GreaterThanThreshold", 7200)
    for alarm in (dead, backlog):
        assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": "AlarmTopic"}]


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_sender_has_an_errors_alarm_but_no_heartbeat_as_it_runs_only_when_texts_are_due(
    templates, name
):
    resources = templates[name]["Resources"]
    assert "SendScheduledErrorsAlarm" in resources
    assert "SendScheduledHeartbeatAlarm" not in resources
    assert "SweepScheduledHeartbeatAlarm" in resources


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_function_is_told_the_send_queues_url_and_outputs_name_both_queues(templates, name):
    for function in of_type(templates[name], FUNCTION).values():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["SEND_QUEUE_URL"] == {"Ref": "SendQueue"}
    outputs = templates[name]["Outputs"]
    assert outputs["SendQueueUrl"]["Value"] == {"Ref": "SendQueue"}
    assert outputs["SendDeadLetterQueueUrl"]["Value"] == {"Ref": "SendDeadLetterQueue"}


def test_the_queue_name_is_read_from_the_arn_chalice_builds():
    assert queue_name(CHALICE_QUEUE) == SEND_QUEUE_NAME
    assert queue_name("arn:aws:sqs:us-west-2:123456789012:elsewhere") == "elsewhere"
    assert queue_name({"Fn::GetAtt": ["SendQueue", "Arn"]}) == ""


def test_only_a_queue_name_the_stack_knows_is_pointed_at_its_own_queue():
    known = Handler("Sender", "app.send", (), 120, (queue_event("Ev", CHALICE_QUEUE),))
    unknown_queue = {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:1:other"}
    unknown = Handler("Other", "app.other", (), 60, (queue_event("Ev", unknown_queue),))
    config = load_stack_config("multnomah-county")
    patched = function_patch(config, known)["Properties"]["Events"]
    assert patched == {
        "Ev": {
            "Properties": {
                "Queue": {"Fn::Sub": "${SendQueue.Arn}"},
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            }
        }
    }
    assert "Events" not in function_patch(config, unknown)["Properties"]
    assert event_source_queue("other") is None
