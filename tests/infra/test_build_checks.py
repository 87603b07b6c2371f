"""The build refuses a template that would deploy half-configured (checks cfn-lint can't make)."""

from __future__ import annotations

import copy

import pytest

from infra.config_loader import load_stack_config
from infra.package.checks import problems
from infra.package.functions import Handler
from infra.package.merge import API_HANDLER, environment
from infra.package.permissions import DEFAULT
from infra.package.policy import function_policies
from infra.package.tables import table_resources
from tests.infra.packaging import EXTRA_HANDLER_ID, SCHEDULE_JURISDICTION, load


@pytest.fixture(scope="module")
def expectations() -> tuple[dict, set[str]]:
    config = load_stack_config(SCHEDULE_JURISDICTION)
    policies = function_policies(config, table_resources(config.table_prefix))
    return policies, set(environment(config, Handler("any", API_HANDLER, ())))


def test_the_packaged_template_passes_every_check(scheduled_template, expectations):
    assert problems(scheduled_template, *expectations) == []


def test_a_handler_missing_a_setting_is_named(scheduled_template, expectations):
    template = copy.deepcopy(scheduled_template)
    env = template["Resources"][EXTRA_HANDLER_ID]["Properties"]["Environment"]["Variables"]
    del env["COGNITO_USER_POOL_ID"]
    (found,) = problems(template, *expectations)
    assert EXTRA_HANDLER_ID in found and "COGNITO_USER_POOL_ID" in found


def test_a_scheduled_handler_without_a_heartbeat_is_named(scheduled_template, expectations):
    template = copy.deepcopy(scheduled_template)
    del template["Resources"][f"{EXTRA_HANDLER_ID}HeartbeatAlarm"]
    assert problems(template, *expectations) == [
        f"scheduled {EXTRA_HANDLER_ID} has no heartbeat alarm"
    ]


def test_a_role_with_any_other_policy_is_named(scheduled_template, expectations):
    template = copy.deepcopy(scheduled_template)
    role = template["Resources"][f"{EXTRA_HANDLER_ID}Role"]["Properties"]
    role["Policies"][0]["PolicyDocument"] = {"Version": "2012-10-17", "Statement": []}
    assert problems(template, *expectations) == [
        f"role {EXTRA_HANDLER_ID}Role does not carry the policy declared for the default"
    ]


def test_a_function_given_another_functions_policy_is_named(scheduled_template, expectations):
    policies, _ = expectations
    template = copy.deepcopy(scheduled_template)
    role = template["Resources"]["ApiHandlerRole"]["Properties"]
    role["Policies"][0]["PolicyDocument"] = policies[DEFAULT]
    assert problems(template, *expectations) == [
        "role ApiHandlerRole does not carry the policy declared for api_handler"
    ]


def test_an_environment_larger_than_lambda_allows_is_refused(scheduled_template, expectations):
    template = copy.deepcopy(scheduled_template)
    env = template["Resources"][EXTRA_HANDLER_ID]["Properties"]["Environment"]["Variables"]
    env["A_LARGE_SETTING"] = "x" * 4000
    (found,) = problems(template, *expectations)
    assert f"{EXTRA_HANDLER_ID}'s environment" in found and "Lambda allows 4096" in found


def test_a_fallback_queue_that_shows_a_text_to_a_second_replay_too_soon_is_refused(
    packaged, expectations
):
    template = load(packaged.examples["multnomah-county"].template)
    template["Resources"]["InboundFallbackQueue"]["Properties"]["VisibilityTimeout"] = 60
    (found,) = problems(template, *expectations)
    assert "InboundFallbackQueue hides a message 60 s" in found


def test_a_send_queue_that_shows_a_batch_to_a_second_sender_too_soon_is_refused(
    packaged, expectations
):
    template = load(packaged.examples["multnomah-county"].template)
    template["Resources"]["SendQueue"]["Properties"]["VisibilityTimeout"] = 300
    (found,) = problems(template, *expectations)
    assert "SendQueue hides a message 300 s, less than 6 x the send-scheduled" in found


def test_a_sender_left_reading_the_queue_chalice_named_by_guess_is_refused(packaged, expectations):
    """Chalice builds the ARN from app.py's queue name; no such queue exists in the account."""
    template = load(packaged.examples["multnomah-county"].template)
    (event,) = template["Resources"]["SendScheduled"]["Properties"]["Events"].values()
    event["Properties"]["Queue"] = {
        "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:clientcomm-send"
    }
    (found,) = problems(template, *expectations)
    assert "SendScheduled's event" in found
    assert "clientcomm-send, not a queue of this stack" in found


def test_event_source_settings_lambda_would_refuse_are_caught_before_deploying(
    packaged, expectations
):
    template = load(packaged.examples["multnomah-county"].template)
    (event,) = template["Resources"]["SendScheduled"]["Properties"]["Events"].values()
    event["Properties"]["ScalingConfig"]["MaximumConcurrency"] = 1
    event["Properties"]["BatchSize"] = 50
    event["Properties"].pop("MaximumBatchingWindowInSeconds", None)  # the release sets 1 s
    found = problems(template, *expectations)
    assert len(found) == 2
    assert "maximum concurrency 1 is outside 2-1000" in found[0]
    assert "a batch of 50 needs a batching window" in found[1]


def test_a_function_without_a_request_must_be_told_the_public_base_url(
    scheduled_template, expectations
):
    template = copy.deepcopy(scheduled_template)
    del template["Resources"][EXTRA_HANDLER_ID]["Properties"]["Environment"]["Variables"][
        "PUBLIC_BASE_URL"
    ]
    assert problems(template, *expectations) == [
        f"{EXTRA_HANDLER_ID} serves no request and lacks PUBLIC_BASE_URL"
    ]
