"""infra/package/plain_template.py: the SAM transform run on a laptop, with no network.

Every test here blocks outgoing connections, so a lookup the translator tried to make
(IAM's managed policies, a region from the instance metadata) would fail the test.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from infra.package import plain_template
from infra.package.artifacts import LOCAL_CODE

REGION = "us-west-2"
CODE = {"Bucket": "county-artifacts", "Key": "clientcomm/x/0.19.0/app.zip"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"a network connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)


def sam_template(**function: Any) -> dict[str, Any]:
    """A small SAM template with each kind of event and resource our stacks use."""
    properties = {
        "CodeUri": CODE,
        "Handler": "app.app",
        "Runtime": "python3.11",
        "Layers": [{"Ref": "Dependencies"}],
        "Policies": ["AWSLambdaBasicExecutionRole"],
        "Events": {
            "Page": {
                "Type": "Api",
                "Properties": {"RestApiId": {"Ref": "Rest"}, "Path": "/", "Method": "get"},
            },
            "Due": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}},
            "Sends": {
                "Type": "SQS",
                "Properties": {"Queue": {"Fn::GetAtt": ["Queue", "Arn"]}, "BatchSize": 10},
            },
            "Changes": {
                "Type": "DynamoDB",
                "Properties": {
                    "Stream": {"Fn::GetAtt": ["Table", "StreamArn"]},
                    "StartingPosition": "LATEST",
                },
            },
        },
        **function,
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": plain_template.SAM_TRANSFORM,
        "Resources": {
            "Handler": {"Type": "AWS::Serverless::Function", "Properties": properties},
            "Dependencies": {
                "Type": "AWS::Serverless::LayerVersion",
                "Properties": {"ContentUri": CODE},
            },
            "Rest": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "api"}},
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST",
                    "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
                },
            },
        },
    }


def types_of(template: dict[str, Any]) -> list[str]:
    return sorted(resource["Type"] for resource in template["Resources"].values())


def test_every_sam_resource_and_event_becomes_plain_cloudformation_without_a_network():
    plain = plain_template.translate(sam_template(), REGION)
    assert "Transform" not in plain
    assert not [t for t in types_of(plain) if t.startswith("AWS::Serverless::")]
    kinds = types_of(plain)
    assert kinds.count("AWS::Lambda::EventSourceMapping") == 2  # the queue and the stream
    for kind in (
        "AWS::Events::Rule",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Deployment",
        "AWS::Lambda::LayerVersion",
        "AWS::Lambda::Function",
        "AWS::IAM::Role",
    ):
        assert kind in kinds
    [role] = [r for r in plain["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    managed = json.dumps(role["Properties"]["ManagedPolicyArns"])
    assert "service-role/AWSLambdaBasicExecutionRole" in managed  # from the bundled list


def test_the_template_given_is_left_as_it_was():
    template = sam_template()
    before = json.dumps(template, sort_keys=True)
    plain_template.translate(template, REGION)
    assert json.dumps(template, sort_keys=True) == before


def test_a_managed_policy_the_translator_does_not_know_is_refused_not_looked_up_in_iam():
    template = sam_template(Policies=["NoSuchPolicyAnywhere"])
    with pytest.raises(plain_template.OnlineLookupRefused):
        plain_template.translate(template, REGION)


def test_what_the_transform_refuses_is_said_resource_by_resource():
    template = sam_template()
    del template["Resources"]["Handler"]["Properties"]["CodeUri"]
    with pytest.raises(plain_template.TranslationError, match="Handler"):
        plain_template.translate(template, REGION)


def test_a_template_fresh_from_make_package_gets_its_code_from_the_bucket():
    template = sam_template(CodeUri=LOCAL_CODE)
    placed = plain_template.with_code_in(template, "county-artifacts", "app.zip")
    code = placed["Resources"]["Handler"]["Properties"]["CodeUri"]
    assert code == {"Bucket": "county-artifacts", "Key": "app.zip"}
    uploaded = sam_template()
    assert plain_template.with_code_in(uploaded, "elsewhere", "other.zip") is uploaded


def test_the_command_writes_the_plain_template_named_for_its_release(tmp_path: Path, capsys):
    template = sam_template(CodeUri=LOCAL_CODE)
    template["Metadata"] = {"ClientComm": {"Version": "0.19.0", "Jurisdiction": "demo"}}
    source, out = tmp_path / "template.json", tmp_path / "plain.json"
    source.write_text(json.dumps(template))
    assert plain_template.main([str(source), "--region", REGION, "--out", str(out)]) == 0
    plain = json.loads(out.read_text())
    [function] = [r for r in plain["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    assert function["Properties"]["Code"] == {
        "S3Bucket": plain_template.PLACEHOLDER_BUCKET,
        "S3Key": "clientcomm/demo/0.19.0/clientcomm-demo-0.19.0-not-uploaded.zip",
    }
    assert "plain CloudFormation" in capsys.readouterr().out
