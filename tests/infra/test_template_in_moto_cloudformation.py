"""The packaged template, translated to plain CloudFormation offline, created as a stack in
moto's CloudFormation: what moto could not create (and why), and what it did, checked.

moto does not run the SAM transform, so ``infra/package/plain_template.py`` runs it here, as
CloudFormation would on deploy. The stack is made on a moto server of its own that reports
each resource it cannot create and goes on (moto_stack.py), and makes each function's alias
``live`` with moto's Lambda (moto's CloudFormation has no model for it), so the schedules,
mappings and permissions that name the alias are made and checked. What it could not create is
printed and compared with ``EXPECTED_GAPS``, and the properties it accepts but drops with
``DROPPED``, so a new gap is noticed, and so is one moto closes. Everything else is read back
from the services and compared with the template. The functions' code is a stand-in zip
under the key the deploy would give the real one (moto keeps each function's code; fourteen
copies of 34 MB would only slow this down).

One stack for the module, a few seconds; every test only reads it.
"""

from __future__ import annotations

import ast
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.store.models import ALL_MODELS
from infra.package import plain_template
from tests.infra.moto_process import REGION
from tests.infra.moto_stack import Stack, created_stack
from tests.infra.packaging import load

JURISDICTION = "multnomah-county"  # its aws_region is moto_process.REGION
ALIAS = "live"  # every function's, which its callers invoke
NO_MODEL = "moto has no CloudFormation model for {}"

# (type, reason) of what moto 5.2.5 cannot create of our stack; docs/operations.md, "What a
# stack rehearsal in moto checks (and can't)", says the same in words.
EXPECTED_GAPS = {
    (kind, NO_MODEL.format(kind))
    for kind in (
        "AWS::ApiGateway::Account",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGatewayV2::Api",
        "AWS::ApiGatewayV2::Deployment",
        "AWS::ApiGatewayV2::Integration",
        "AWS::ApiGatewayV2::Route",
        "AWS::ApiGatewayV2::Stage",
        "AWS::Backup::BackupPlan",
        "AWS::Backup::BackupSelection",
        "AWS::Backup::BackupVault",
        "AWS::CloudWatch::Alarm",
        # The gradual deployment of each function's alias (checked in the template by
        # test_gradual_deployment.py): moto's CodeDeploy has no CloudFormation model.
        "AWS::CodeDeploy::Application",
        "AWS::CodeDeploy::DeploymentGroup",
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Logs::MetricFilter",
        "AWS::S3::BucketPolicy",
        "AWS::SQS::QueuePolicy",
    )
} | {
    # moto makes the REST API but ignores its OpenAPI Body, so there is nothing to deploy.
    ("AWS::ApiGateway::Deployment", "NoMethodDefined: The REST API doesn't contain any methods"),
    # The dashboard shows the alarms' states, and moto made no alarm.
    ("AWS::CloudWatch::Dashboard", "Fn::GetAtt of an AWS::CloudWatch::Alarm moto did not create"),
}
# Properties moto's CloudFormation accepts and does not apply (the resource is made without).
# SSESpecification: CloudFormation's ``SSEEnabled`` is read as the API's ``Enabled``.
DROPPED = {
    "AWS::DynamoDB::Table": {
        "PointInTimeRecoverySpecification",
        "SSESpecification",
        "TimeToLiveSpecification",
    },
    "AWS::IAM::Role": {"ManagedPolicyArns"},
    "AWS::S3::Bucket": {
        "PublicAccessBlockConfiguration",
        "OwnershipControls",
        "LifecycleConfiguration",
    },
}


@pytest.fixture(scope="module")
def rehearsal(packaged) -> Iterator[Stack]:
    packaged_template = load(packaged.examples[JURISDICTION].template)
    bucket = f"artifacts-{uuid.uuid4().hex[:8]}"
    code_key = plain_template.placeholder_key(packaged_template, None)
    plain = plain_template.translate(  # the media layer's content: the same stand-in zip
        plain_template.with_code_in(packaged_template, bucket, code_key, code_key), REGION
    )
    with created_stack(plain, bucket, code_key) as created:
        yield created


def as_moto_applies(kind: str, matches: dict[str, bool]) -> dict[str, bool]:
    """``matches`` (property -> found as the template says) against what moto applies:
    each property is either found, or one moto is known to drop and is not found."""
    return {name: found != (name in DROPPED.get(kind, set())) for name, found in matches.items()}


def test_moto_could_not_create_only_the_known_gaps(rehearsal):
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for logical_id, gap in rehearsal.gaps.items():
        grouped[gap].append(logical_id)
    for (kind, reason), ids in sorted(grouped.items()):
        print(f"moto could not create {len(ids)} {kind} ({', '.join(sorted(ids))}): {reason}")
    for kind, names in sorted(DROPPED.items()):
        print(f"moto created each {kind} without its {', '.join(sorted(names))}")
    assert set(grouped) == EXPECTED_GAPS
    assert set(rehearsal.template["Resources"]) == set(rehearsal.physical) | set(rehearsal.gaps)


def test_every_table_has_its_keys_indexes_stream_and_time_to_live(rehearsal):
    tables = rehearsal.resources("AWS::DynamoDB::Table")
    dynamodb = rehearsal.client("dynamodb")
    assert len(tables) == len(ALL_MODELS)
    for logical_id, resource in tables.items():
        wanted = resource["Properties"]
        name = rehearsal.physical[logical_id]
        assert name == wanted["TableName"]
        table = dynamodb.describe_table(TableName=name)["Table"]
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        backups = dynamodb.describe_continuous_backups(TableName=name)
        recovery = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        matches = {
            "KeySchema": table["KeySchema"] == wanted["KeySchema"],
            "AttributeDefinitions": sorted_by(table["AttributeDefinitions"], "AttributeName")
            == sorted_by(wanted["AttributeDefinitions"], "AttributeName"),
            "BillingMode": table["BillingModeSummary"]["BillingMode"] == wanted["BillingMode"],
            "GlobalSecondaryIndexes": indexes(table.get("GlobalSecondaryIndexes"))
            == indexes(wanted.get("GlobalSecondaryIndexes")),
            "LocalSecondaryIndexes": indexes(table.get("LocalSecondaryIndexes"))
            == indexes(wanted.get("LocalSecondaryIndexes")),
            "StreamSpecification": stream(table) == wanted.get("StreamSpecification"),
            "SSESpecification": table.get("SSEDescription", {}).get("Status") == "ENABLED",
            "TimeToLiveSpecification": time_to_live(ttl) == wanted.get("TimeToLiveSpecification"),
            "PointInTimeRecoverySpecification": recovery["PointInTimeRecoveryStatus"] == "ENABLED",
        }
        if "TimeToLiveSpecification" not in wanted:
            del matches["TimeToLiveSpecification"]
        wrong = [k for k, ok in as_moto_applies("AWS::DynamoDB::Table", matches).items() if not ok]
        assert not wrong, (logical_id, wrong)


def sorted_by(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: str(item[key]))


def indexes(found: list[dict[str, Any]] | None) -> list[tuple[str, str, str]]:
    """Name, keys and projection of each index, comparable between template and table."""
    return sorted(
        (
            index["IndexName"],
            json.dumps(index["KeySchema"]),
            json.dumps(index["Projection"], sort_keys=True),
        )
        for index in found or []
    )


def stream(table: dict[str, Any]) -> dict[str, str] | None:
    found = table.get("StreamSpecification")
    if not found or not found.get("StreamEnabled"):
        return None
    return {"StreamViewType": found["StreamViewType"]}


def time_to_live(found: dict[str, Any]) -> dict[str, Any] | None:
    if found.get("TimeToLiveStatus") != "ENABLED":
        return None
    return {"AttributeName": found["AttributeName"], "Enabled": True}


def test_every_queue_has_its_settings_and_dead_letter_queue(rehearsal):
    queues = rehearsal.resources("AWS::SQS::Queue")
    sqs = rehearsal.client("sqs")
    assert queues
    for logical_id, resource in queues.items():
        wanted = resource["Properties"]
        url = rehearsal.physical[logical_id]
        assert url.endswith(f"/{wanted['QueueName']}")
        found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        for name in ("VisibilityTimeout", "MessageRetentionPeriod"):
            if name in wanted:
                assert found[name] == str(wanted[name]), (logical_id, name)
        assert found["SqsManagedSseEnabled"] == str(wanted["SqsManagedSseEnabled"]).lower()
        if "RedrivePolicy" in wanted:
            assert json.loads(found["RedrivePolicy"]) == rehearsal.resolve(wanted["RedrivePolicy"])
        else:
            assert "RedrivePolicy" not in found, logical_id
    arns = {rehearsal.attribute(logical_id, "Arn") for logical_id in queues}
    dead_letter_queues = {
        rehearsal.resolve(q["Properties"]["RedrivePolicy"])["deadLetterTargetArn"]
        for q in queues.values()
        if "RedrivePolicy" in q["Properties"]
    }
    assert dead_letter_queues, "no queue has a dead-letter queue"
    assert dead_letter_queues <= arns
    assert len(dead_letter_queues) * 2 == len(queues)  # each queue has its own


def test_every_role_has_its_trust_and_policies(rehearsal):
    roles = rehearsal.resources("AWS::IAM::Role")
    iam = rehearsal.client("iam")
    assert roles
    for logical_id, resource in roles.items():
        wanted = resource["Properties"]
        name = rehearsal.physical[logical_id]
        role = iam.get_role(RoleName=name)["Role"]
        assert role["AssumeRolePolicyDocument"] == wanted["AssumeRolePolicyDocument"], logical_id
        inline = {
            policy["PolicyName"]: rehearsal.resolve(policy["PolicyDocument"])
            for policy in wanted.get("Policies", [])
        }
        assert set(iam.list_role_policies(RoleName=name)["PolicyNames"]) == set(inline)
        for policy_name, document in inline.items():
            found = iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
            assert as_document(found) == document, (logical_id, policy_name)
        if "ManagedPolicyArns" in wanted:
            attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
            same = {p["PolicyArn"] for p in attached} == set(
                rehearsal.resolve(wanted["ManagedPolicyArns"])
            )
            assert as_moto_applies("AWS::IAM::Role", {"ManagedPolicyArns": same})[
                "ManagedPolicyArns"
            ]


def as_document(found: Any) -> Any:
    """moto keeps a policy CloudFormation gave it as ``str(dict)``, which it returns as is."""
    if isinstance(found, str):
        return ast.literal_eval(found)
    return found


def test_every_function_runs_its_handler_with_its_role(rehearsal):
    functions = rehearsal.resources("AWS::Lambda::Function")
    client = rehearsal.client("lambda")
    handlers = {
        logical_id
        for logical_id, resource in rehearsal.template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
    }
    assert set(functions) == handlers  # the SAM functions, every one created
    for logical_id, resource in functions.items():
        wanted = resource["Properties"]
        found = client.get_function(FunctionName=rehearsal.physical[logical_id])["Configuration"]
        assert found["Role"] == rehearsal.resolve(wanted["Role"]), logical_id
        for name in ("Handler", "Runtime", "MemorySize", "Timeout", "Architectures"):
            assert found[name] == wanted[name], (logical_id, name)
        variables = found["Environment"]["Variables"]
        resolved = {k: v for k, v in rehearsal.resolve(wanted["Environment"]["Variables"]).items()}
        assert variables == {k: v for k, v in resolved.items() if v is not None}, logical_id


def test_every_function_runs_behind_its_alias_live_on_the_version_published(rehearsal):
    aliases = rehearsal.resources("AWS::Lambda::Alias")
    client = rehearsal.client("lambda")
    aliased = {resource["Properties"]["FunctionName"]["Ref"] for resource in aliases.values()}
    assert aliased == set(rehearsal.resources("AWS::Lambda::Function"))
    assert len(aliased) == len(aliases)  # one alias each
    for logical_id in aliases:
        alias = live_alias(rehearsal, {"Ref": logical_id})
        versions = client.list_versions_by_function(FunctionName=alias["Function"])["Versions"]
        published = [v["Version"] for v in versions if v["Version"] != "$LATEST"]
        assert published == [alias["FunctionVersion"]], logical_id


def live_alias(rehearsal: Stack, reference: dict[str, str]) -> dict[str, Any]:
    """The alias ``live`` that ``reference`` (a Ref in the template) names, as Lambda reports
    it, with its function's name under ``Function``."""
    logical_id = reference["Ref"]
    properties = rehearsal.template["Resources"][logical_id]["Properties"]
    assert rehearsal.template["Resources"][logical_id]["Type"] == "AWS::Lambda::Alias", logical_id
    assert properties["Name"] == ALIAS, logical_id
    function = rehearsal.physical[properties["FunctionName"]["Ref"]]
    alias = rehearsal.client("lambda").get_alias(FunctionName=function, Name=ALIAS)
    assert alias["AliasArn"] == rehearsal.physical[logical_id], logical_id
    return {**alias, "Function": function}


def test_the_media_bucket_is_encrypted(rehearsal):
    [(logical_id, resource)] = rehearsal.resources("AWS::S3::Bucket").items()
    wanted = resource["Properties"]
    s3 = rehearsal.client("s3")
    name = rehearsal.physical[logical_id]
    assert name == rehearsal.resolve(wanted["BucketName"])
    rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    wanted_rules = wanted["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert [r["ApplyServerSideEncryptionByDefault"] for r in rules] == [
        r["ServerSideEncryptionByDefault"] for r in wanted_rules
    ]
    matches = {
        "PublicAccessBlockConfiguration": found_or_none(s3.get_public_access_block, name)
        is not None,
        "OwnershipControls": found_or_none(s3.get_bucket_ownership_controls, name) is not None,
        "LifecycleConfiguration": found_or_none(s3.get_bucket_lifecycle_configuration, name)
        is not None,
    }
    wrong = [k for k, ok in as_moto_applies("AWS::S3::Bucket", matches).items() if not ok]
    assert not wrong


def found_or_none(read: Any, bucket: str) -> Any:
    """A bucket setting, or None when S3 answers that the bucket has none."""
    try:
        return read(Bucket=bucket)
    except ClientError:
        return None


def test_every_schedule_starts_its_function(rehearsal):
    rules = rehearsal.resources("AWS::Events::Rule")
    events = rehearsal.client("events")
    assert rules
    for logical_id, resource in rules.items():
        wanted = resource["Properties"]
        name = rehearsal.physical[logical_id]
        rule = events.describe_rule(Name=name)
        assert rule["ScheduleExpression"] == wanted["ScheduleExpression"], logical_id
        assert rule["State"] == wanted.get("State", "ENABLED")
        targets = events.list_targets_by_rule(Rule=name)["Targets"]
        assert [(t["Id"], t["Arn"]) for t in targets] == [
            (t["Id"], live_alias(rehearsal, t["Arn"])["AliasArn"]) for t in wanted["Targets"]
        ]


def test_every_queue_and_stream_feeds_its_function(rehearsal):
    mappings = rehearsal.resources("AWS::Lambda::EventSourceMapping")
    client = rehearsal.client("lambda")
    assert mappings
    for logical_id, resource in mappings.items():
        wanted = resource["Properties"]
        found = client.get_event_source_mapping(UUID=rehearsal.physical[logical_id])
        alias = live_alias(rehearsal, wanted["FunctionName"])
        version = client.get_function(
            FunctionName=alias["Function"], Qualifier=alias["FunctionVersion"]
        )["Configuration"]["FunctionArn"]
        # Lambda reports a mapping made on an alias by the alias's ARN; moto by the ARN of
        # the version the alias points to. Either way, never the function's latest code.
        assert found["FunctionArn"] in {alias["AliasArn"], version}, logical_id
        assert found["EventSourceArn"] == rehearsal.resolve(wanted["EventSourceArn"]), logical_id
        assert found["BatchSize"] == wanted["BatchSize"]
        if "ScalingConfig" in wanted:
            assert found["ScalingConfig"] == wanted["ScalingConfig"]


def test_every_function_lets_its_callers_invoke_it(rehearsal):
    permissions = rehearsal.resources("AWS::Lambda::Permission")
    client = rehearsal.client("lambda")
    assert permissions
    for logical_id, resource in permissions.items():
        wanted = resource["Properties"]
        alias = live_alias(rehearsal, wanted["FunctionName"])
        # The alias's policy, as Lambda keeps it (moto keeps one per function, whatever the
        # qualifier: that the grant names the alias is live_alias's check of the template).
        found = client.get_policy(FunctionName=alias["Function"], Qualifier=ALIAS)
        policy = json.loads(found["Policy"])
        granted = [(s["Action"], s["Principal"]["Service"]) for s in policy["Statement"]]
        assert (wanted["Action"], wanted["Principal"]) in granted, logical_id
        if rehearsal.names_a_gap(wanted["SourceArn"]):
            continue  # the WebSocket API's: moto did not make it, so there is no ARN to compare
        sources = [s["Condition"]["ArnLike"]["AWS:SourceArn"] for s in policy["Statement"]]
        assert rehearsal.resolve(wanted["SourceArn"]) in sources, logical_id
