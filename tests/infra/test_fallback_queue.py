"""The inbound fallback queue: encrypted, kept 14 days, hidden long enough per replay,
dead letters after five tries, both watched by alarms, and every function told its URL."""

from __future__ import annotations

import json

import pytest

from infra.config_loader import load_stack_config
from infra.package.functions import Handler
from infra.package.queues import (
    VISIBILITY_TIMEOUTS_PER_RUN,
    fallback_queue,
    replay_timeout,
)
from infra.package.staging import chalice_config
from tests.helpers import ROOT
from tests.infra.packaging import EXAMPLES, FUNCTION, of_type

FOURTEEN_DAYS = 14 * 24 * 3600


def queues(template: dict) -> dict[str, dict]:
    return {
        q["Properties"]["QueueName"]: q["Properties"]
        for q in of_type(template, "AWS::SQS::Queue").values()
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_queue_is_named_for_the_stack_encrypted_and_kept_fourteen_days(templates, name):
    found = queues(templates[name])
    main = found[f"clientcomm-{name}-inbound-fallback"]
    dead = found[f"clientcomm-{name}-inbound-fallback-dlq"]
    for queue in (main, dead):
        assert queue["SqsManagedSseEnabled"] is True
        assert queue["MessageRetentionPeriod"] == FOURTEEN_DAYS
    assert main["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["InboundFallbackDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_received_text_stays_hidden_for_six_of_the_replay_functions_timeouts(templates, name):
    template = templates[name]
    main = template["Resources"]["InboundFallbackQueue"]["Properties"]
    replay = template["Resources"].get("ReplayFallback", {}).get("Properties", {})
    slowest = replay.get("Timeout") or max(
        f["Properties"]["Timeout"] for f in of_type(template, FUNCTION).values()
    )
    assert main["VisibilityTimeout"] >= 6 * slowest


def test_the_visibility_follows_the_replay_functions_own_timeout():
    handlers = [Handler("APIHandler", "app.app", (), 30), Handler("ReplayFallback", "x", (), 50)]
    timeout = replay_timeout(handlers, default_timeout=30)
    assert timeout == 50
    properties = fallback_queue("p-", timeout)["Properties"]
    assert properties["VisibilityTimeout"] == VISIBILITY_TIMEOUTS_PER_RUN * 50 == 300
    assert replay_timeout(handlers[:1], default_timeout=30) == 30


@pytest.mark.parametrize("name", EXAMPLES)
def test_both_queues_refuse_requests_without_tls(templates, name):
    policy = templates[name]["Resources"]["InboundFallbackQueuePolicy"]["Properties"]
    assert policy["Queues"] == [
        {"Ref": "InboundFallbackQueue"},
        {"Ref": "InboundFallbackDeadLetterQueue"},
    ]
    (deny,) = policy["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_function_is_told_the_queues_url(templates, name):
    for function in of_type(templates[name], FUNCTION).values():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["FALLBACK_QUEUE_URL"] == {"Ref": "InboundFallbackQueue"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_dead_letter_or_a_stale_text_alarms_the_ops_mailbox(templates, name):
    resources = templates[name]["Resources"]
    dead = resources["InboundFallbackDeadLettersAlarm"]["Properties"]
    assert dead["MetricName"] == "ApproximateNumberOfMessagesVisible"
    dead_letters = {"Fn::GetAtt": ["InboundFallbackDeadLetterQueue", "QueueName"]}
    assert dead["Dimensions"] == [{"Name": "QueueName", "Value": dead_letters}]
    assert (dead["ComparisonOperator"], dead["Threshold"]) == ("GreaterThanThreshold", 0)
    stale = resources["InboundFallbackBacklogAlarm"]["Properties"]
    assert stale["MetricName"] == "ApproximateAgeOfOldestMessage"
    assert stale["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["InboundFallbackQueue", "QueueName"]}
    assert (stale["ComparisonOperator"], stale["Threshold"]) == ("GreaterThanThreshold", 900)
    for alarm in (dead, stale):
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


@pytest.mark.parametrize("name", EXAMPLES)
def test_outputs_name_the_queues_and_the_fallback_webhook(templates, name):
    outputs = templates[name]["Outputs"]
    assert outputs["FallbackQueueUrl"]["Value"] == {"Ref": "InboundFallbackQueue"}
    assert outputs["FallbackDeadLetterQueueUrl"]["Value"] == {
        "Ref": "InboundFallbackDeadLetterQueue"
    }


def test_a_functions_own_timeout_in_the_repo_config_beats_the_stages_default(tmp_path):
    (tmp_path / ".chalice").mkdir()
    own = {"lambda_functions": {"replay-fallback": {"lambda_timeout": 60}}}
    (tmp_path / ".chalice" / "config.json").write_text(json.dumps(own))
    stage = chalice_config(tmp_path, load_stack_config("multnomah-county"))["stages"]
    functions = stage["multnomah-county"]["lambda_functions"]
    assert functions["replay-fallback"] == {
        "lambda_timeout": 60,
        "iam_policy_file": "policy-multnomah-county-replay-fallback.json",
    }
    api_policy = "policy-multnomah-county-api_handler.json"
    assert functions["api_handler"] == {"iam_policy_file": api_policy}


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_packaged_replay_function_has_the_timeout_the_repo_config_gives_it(templates, name):
    own = json.loads((ROOT / ".chalice" / "config.json").read_text()).get("lambda_functions", {})
    wanted = own.get("replay-fallback", {}).get("lambda_timeout")
    replay = templates[name]["Resources"].get("ReplayFallback")
    if wanted is None or replay is None:
        pytest.skip("the app or its config does not declare the replay function's timeout")
    assert replay["Properties"]["Timeout"] == wanted
