"""The deploy's change-set review on CloudFormation answers moto cannot give (replacements,
failures, outputs of a stack made through a change set), through botocore's Stubber: each
call the deploy makes must be the one expected, with those parameters, in that order."""

from __future__ import annotations

import argparse
import io
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import ANY, Stubber

from chalicelib.version import Release
from infra.package import changes, deploy

STACK = "clientcomm-multnomah-county"
URL = "https://s3.us-west-2.amazonaws.com/bucket/clientcomm/multnomah-county/0.17.0/t.json"
CHANGE_SET = "arn:aws:cloudformation:us-west-2:123456789012:changeSet/c/1"
STACK_ID = "arn:aws:cloudformation:us-west-2:123456789012:stack/clientcomm-multnomah-county/1"
WHEN = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


@pytest.fixture()
def cloudformation():
    made = boto3.client(
        "cloudformation",
        region_name="us-west-2",
        aws_access_key_id="stub",
        aws_secret_access_key="stub",
    )
    with Stubber(made) as stubber:
        yield made, stubber
        stubber.assert_no_pending_responses()


def arguments(**overrides) -> argparse.Namespace:
    values = {
        "stack_name": STACK,
        "jurisdiction": "multnomah-county",
        "allow_replacement": False,
        "no_execute": False,
        "yes": True,
    }
    return argparse.Namespace(**{**values, **overrides})


def stack(status: str, outputs: list | None = None) -> dict:
    found = {"StackName": STACK, "StackStatus": status, "CreationTime": WHEN}
    if outputs is not None:
        found["Outputs"] = outputs
    return {"Stacks": [found]}


def event(event_id: str, logical_id: str, status: str, reason: str = "") -> dict:
    found = {
        "StackId": STACK_ID,
        "EventId": event_id,
        "StackName": STACK,
        "LogicalResourceId": logical_id,
        "ResourceStatus": status,
        "Timestamp": WHEN,
    }
    if reason:
        found["ResourceStatusReason"] = reason
    return found


def expect_change_set(stubber: Stubber, kind: str, changes_listed: list[dict]) -> None:
    """describe_stacks (UPDATE) or its absence (CREATE), then the change set made and listed."""
    if kind == "CREATE":
        stubber.add_client_error(
            "describe_stacks",
            service_error_code="ValidationError",
            service_message=f"Stack with id {STACK} does not exist",
            expected_params={"StackName": STACK},
        )
    else:
        stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"), {"StackName": STACK})
    stubber.add_response(
        "create_change_set",
        {"Id": CHANGE_SET, "StackId": STACK_ID},
        {
            "StackName": STACK,
            "ChangeSetName": ANY,
            "ChangeSetType": kind,
            "TemplateURL": URL,
            "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
            "Description": ANY,
            "Tags": [
                {"Key": "app", "Value": "clientcomm"},
                {"Key": "jurisdiction", "Value": "multnomah-county"},
            ],
        },
    )
    stubber.add_response(
        "describe_change_set", {"Status": "CREATE_COMPLETE"}, {"ChangeSetName": CHANGE_SET}
    )
    stubber.add_response(
        "describe_change_set",
        {"Status": "CREATE_COMPLETE", "Changes": changes_listed},
        {"ChangeSetName": CHANGE_SET},
    )


def resource_change(logical_id: str, kind: str, action: str = "Modify", **more) -> dict:
    detail = {"Action": action, "LogicalResourceId": logical_id, "ResourceType": kind, **more}
    return {"Type": "Resource", "ResourceChange": detail}


def test_a_change_set_that_would_replace_a_table_is_refused_and_not_executed(cloudformation):
    client, stubber = cloudformation
    expect_change_set(
        stubber,
        "UPDATE",
        [
            resource_change("APIHandler", "AWS::Serverless::Function", Replacement="False"),
            resource_change("ClientsTable", "AWS::DynamoDB::Table", Replacement="True"),
        ],
    )
    printed: list[str] = []
    code = deploy.review_and_execute(client, arguments(), URL, Release("0.17.0"), printed.append)
    assert code == 1  # and no execute_change_set was called: the Stubber had none to give
    text = "\n".join(printed)
    assert "ClientsTable" in text and "REPLACES DATA" in text
    assert "Refused: it would replace ClientsTable (a table, Replacement: True)" in text


@pytest.mark.parametrize("replacement", ["True", "Conditional"])
def test_replacing_the_user_pool_the_bucket_or_a_queue_counts_as_replacing_data(replacement):
    for kind in ("AWS::Cognito::UserPool", "AWS::S3::Bucket", "AWS::SQS::Queue"):
        assert changes.refusal([changes.Change("Modify", "X", kind, replacement)])
    assert not changes.refusal([changes.Change("Modify", "X", "AWS::IAM::Role", "True")])
    assert not changes.refusal([changes.Change("Remove", "X", "AWS::DynamoDB::Table")])


def test_a_first_deploy_executes_deletes_what_it_made_if_it_fails_and_prints_outputs(
    cloudformation,
):
    client, stubber = cloudformation
    expect_change_set(
        stubber, "CREATE", [resource_change("ClientsTable", "AWS::DynamoDB::Table", "Add")]
    )
    stubber.add_response("describe_stack_events", {"StackEvents": []}, {"StackName": STACK})
    stubber.add_response(
        "execute_change_set",
        {},
        {"ChangeSetName": CHANGE_SET, "RetainExceptOnCreate": True},
    )
    stubber.add_response(
        "describe_stack_events",
        {"StackEvents": [event("e1", "ClientsTable", "CREATE_COMPLETE")]},
        {"StackName": STACK},
    )
    stubber.add_response("describe_stacks", stack("CREATE_COMPLETE"), {"StackName": STACK})
    outputs = [
        {"OutputKey": "Version", "OutputValue": "0.17.0"},
        {"OutputKey": "AppUrl", "OutputValue": "https://example.gov/"},
    ]
    stubber.add_response("describe_stacks", stack("CREATE_COMPLETE", outputs), {"StackName": STACK})
    printed: list[str] = []
    code = deploy.review_and_execute(client, arguments(), URL, Release("0.17.0"), printed.append)
    assert code == 0
    assert "  AppUrl   https://example.gov/" in printed
    assert "  Version  0.17.0" in printed


def test_an_update_that_fails_names_each_failed_resource_and_its_reason(cloudformation):
    client, stubber = cloudformation
    stubber.add_response(
        "describe_stack_events",
        {"StackEvents": [event("old", STACK, "CREATE_COMPLETE")]},
        {"StackName": STACK},
    )
    stubber.add_response(
        "execute_change_set", {}, {"ChangeSetName": CHANGE_SET, "RetainExceptOnCreate": False}
    )
    stubber.add_response(
        "describe_stack_events",
        {
            "StackEvents": [
                event("e2", "SendQueue", "UPDATE_FAILED", "Queue name already taken"),
                event("old", STACK, "CREATE_COMPLETE"),
            ]
        },
        {"StackName": STACK},
    )
    stubber.add_response("describe_stacks", stack("UPDATE_ROLLBACK_COMPLETE"), {"StackName": STACK})
    printed: list[str] = []
    with pytest.raises(changes.DeployError) as failed:
        changes.execute_and_watch(client, STACK, CHANGE_SET, printed.append, poll=0)
    assert "UPDATE_ROLLBACK_COMPLETE" in str(failed.value)
    assert "SendQueue: Queue name already taken" in str(failed.value)
    assert not any("old" in line for line in printed)  # earlier events are not repeated


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("ROLLBACK_COMPLETE", "first deploy failed"),
        ("UPDATE_ROLLBACK_FAILED", "could not be rolled back"),
        ("UPDATE_IN_PROGRESS", "busy"),
    ],
)
def test_a_stack_that_cannot_take_a_change_set_is_refused_before_one_is_made(
    cloudformation, status, words
):
    client, stubber = cloudformation
    stubber.add_response("describe_stacks", stack(status), {"StackName": STACK})
    with pytest.raises(changes.DeployError, match=words):
        changes.change_set_type(client, STACK)


def test_a_stack_only_ever_reviewed_is_created_not_updated(cloudformation):
    client, stubber = cloudformation
    stubber.add_response("describe_stacks", stack("REVIEW_IN_PROGRESS"), {"StackName": STACK})
    assert changes.change_set_type(client, STACK) == "CREATE"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("yes\n", True), ("YES\n", True), ("y\n", False), ("\n", False), ("", None)],
)
def test_only_yes_deploys_and_no_answer_is_not_a_no(answer, expected):
    assert deploy.ask("Deploy?", io.StringIO(answer)) is expected


def test_change_set_names_are_what_cloudformation_accepts_and_never_repeat():
    first = changes.change_set_name("1.2.3-rc.1+build", WHEN)
    second = changes.change_set_name("1.2.3-rc.1+build", WHEN)
    for name in (first, second):
        assert name[0].isalpha() and all(c.isalnum() or c == "-" for c in name)
        assert len(name) <= 128
        assert name.startswith("clientcomm-1-2-3-rc-1-build-20261201-170000-")
    assert first != second
