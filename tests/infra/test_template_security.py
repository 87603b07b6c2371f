"""Least privilege for the handlers; private media; a user pool only admins fill."""

from __future__ import annotations

import pytest

from infra.config_loader import load_stack_config
from infra.definitions import (
    ADMIN_CREATE_USER_CONFIG,
    APP_CLIENT_AUTH_FLOWS,
    ID_TOKEN_HOURS,
    MFA_METHODS,
    PASSWORD_POLICY,
    REFRESH_TOKEN_HOURS,
)
from tests.infra.packaging import EXAMPLES, FUNCTION, of_type


def role_statements(template: dict) -> list[dict]:
    found = []
    for role in of_type(template, "AWS::IAM::Role").values():
        for policy in role["Properties"]["Policies"]:
            found.extend(policy["PolicyDocument"]["Statement"])
    return found


def resources_of(statement: dict) -> list:
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


def statement(template: dict, sid: str) -> dict:
    return next(s for s in role_statements(template) if s.get("Sid") == sid)


@pytest.mark.parametrize("name", EXAMPLES)
def test_only_metrics_may_name_every_resource_and_only_in_our_namespace(templates, name):
    for found in role_statements(templates[name]):
        actions = found["Action"] if isinstance(found["Action"], list) else [found["Action"]]
        assert all(a != "*" and not a.endswith(":*") for a in actions), found
        if "*" in resources_of(found):
            assert actions == ["cloudwatch:PutMetricData"], found
            assert found["Condition"] == {"StringEquals": {"cloudwatch:namespace": "ClientComm"}}


def test_every_handler_role_carries_the_same_policy_including_later_handlers(
    scheduled_template,
):
    roles = of_type(scheduled_template, "AWS::IAM::Role")
    functions = of_type(scheduled_template, FUNCTION)
    assert {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()} == set(roles)
    assert "ProbeSweepRole" in roles
    documents = [
        [p["PolicyDocument"] for p in role["Properties"]["Policies"]] for role in roles.values()
    ]
    assert all(document == documents[0] for document in documents)


@pytest.mark.parametrize("name", EXAMPLES)
def test_table_access_is_limited_to_the_stacks_tables_and_their_indexes(templates, name):
    template = templates[name]
    tables = sorted(of_type(template, "AWS::DynamoDB::Table"))
    expected = [{"Fn::GetAtt": [t, "Arn"]} for t in tables] + [
        {"Fn::Sub": f"${{{t}.Arn}}/index/*"} for t in tables
    ]
    found = statement(template, "Tables")
    assert sorted(map(str, resources_of(found))) == sorted(map(str, expected))
    assert "dynamodb:Scan" not in found["Action"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_media_access_is_limited_to_objects_in_the_media_bucket(templates, name):
    found = statement(templates[name], "Media")
    assert resources_of(found) == [{"Fn::Sub": "${MediaBucket.Arn}/*"}]
    assert all(action.startswith("s3:") for action in found["Action"])


@pytest.mark.parametrize("name", EXAMPLES)
def test_secrets_are_readable_only_under_the_jurisdictions_path(templates, name):
    template = templates[name]
    path = f"parameter/clientcomm/{name}/*"
    found = statement(template, "Secrets")
    assert found["Action"] == ["ssm:GetParameter", "ssm:GetParameters"]
    assert resources_of(found)[0]["Fn::Sub"].endswith(path)
    decrypt = statement(template, "DecryptSecrets")
    assert decrypt["Condition"]["StringLike"]["kms:EncryptionContext:PARAMETER_ARN"][
        "Fn::Sub"
    ].endswith(path)


def test_user_actions_are_limited_to_the_stacks_user_pool(templates):
    for template in templates.values():
        found = statement(template, "Users")
        assert found["Resource"] == {"Fn::GetAtt": ["UserPool", "Arn"]}
        assert "cognito-idp:AdminDeleteUser" not in found["Action"]


def test_mail_may_only_be_sent_as_the_configured_sender(templates):
    with_sender = statement(templates["salt-lake-county"], "Mail")
    arns = [r["Fn::Sub"] for r in resources_of(with_sender)]
    assert arns[0].endswith(":identity/clientcomm@cjs.saltlakecounty.example")
    assert arns[1].endswith(":identity/cjs.saltlakecounty.example")
    without = [s.get("Sid") for s in role_statements(templates["multnomah-county"])]
    assert "Mail" not in without


@pytest.mark.parametrize("name", EXAMPLES)
def test_media_bucket_is_private_encrypted_tls_only_and_forgets_after_retention(templates, name):
    template = templates[name]
    bucket = template["Resources"]["MediaBucket"]
    properties = bucket["Properties"]
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    encryption = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == load_stack_config(name).retention_days
    assert bucket["DeletionPolicy"] == "Retain"
    policy = template["Resources"]["MediaBucketPolicy"]["Properties"]["PolicyDocument"]
    (deny,) = policy["Statement"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("name", EXAMPLES)
def test_user_pool_takes_only_admin_created_users_with_the_shared_policies(templates, name):
    resources = templates[name]["Resources"]
    pool = resources["UserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"] == ADMIN_CREATE_USER_CONFIG
    assert pool["Policies"] == {"PasswordPolicy": PASSWORD_POLICY}
    mfa = load_stack_config(name).mfa
    assert pool["MfaConfiguration"] == mfa
    assert pool.get("EnabledMfas") == (None if mfa == "OFF" else MFA_METHODS)
    assert resources["UserPool"]["DeletionPolicy"] == "Retain"
    client = resources["UserPoolClient"]["Properties"]
    assert client["ExplicitAuthFlows"] == APP_CLIENT_AUTH_FLOWS
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["GenerateSecret"] is False
    assert client["IdTokenValidity"] == ID_TOKEN_HOURS
    assert client["RefreshTokenValidity"] == REFRESH_TOKEN_HOURS
    assert client["TokenValidityUnits"]["RefreshToken"] == "hours"
