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


def function_roles(template: dict) -> dict[str, dict]:
    """Each function's role resource, by the function's logical id."""
    resources = template["Resources"]
    return {
        function_id: resources[function["Properties"]["Role"]["Fn::GetAtt"][0]]
        for function_id, function in of_type(template, FUNCTION).items()
    }


def role_statements(template: dict) -> list[dict]:
    found = []
    for role in of_type(template, "AWS::IAM::Role").values():
        for policy in role["Properties"].get("Policies", []):  # API Gateway's: managed only
            found.extend(policy["PolicyDocument"]["Statement"])
    return found


def resources_of(statement: dict) -> list:
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


def function_statements(template: dict, function: str) -> list[dict]:
    (policy,) = function_roles(template)[function]["Properties"]["Policies"]
    return policy["PolicyDocument"]["Statement"]


AUDIT_ONLY = "ChainAudit"


def statement(template: dict, sid: str, function: str = "APIHandler") -> dict:
    return next(s for s in function_statements(template, function) if s["Sid"] == sid)


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_statement_names_every_resource_or_every_action_of_a_service(templates, name):
    for found in role_statements(templates[name]):
        actions = found["Action"] if isinstance(found["Action"], list) else [found["Action"]]
        assert all(a != "*" and not a.endswith(":*") for a in actions), found
        assert "*" not in resources_of(found), found


@pytest.mark.parametrize("name", EXAMPLES)
def test_nothing_is_granted_for_s3_or_cloudwatch_metrics_and_cognito_only_for_staff_accounts(
    templates, name
):
    """Sign-in uses Cognito's public API (no IAM); metrics go to the logs as EMF; S3 only
    on the media bucket's ``media/`` objects (issue 22). Admins' staff pages (issue 21) need
    Cognito's admin calls: only the API handler has them, on the stack's own user pool, and
    none deletes a user or changes the pool."""
    statements = role_statements(templates[name])
    actions = {a for s in statements for a in s["Action"]}
    assert not [a for a in actions if a.split(":")[0] == "cloudwatch"]
    media = {"Fn::Sub": "${MediaBucket.Arn}/media/*"}
    s3 = [s for s in statements if any(a.startswith("s3:") for a in s["Action"])]
    assert s3 and all(s["Resource"] == media for s in s3)
    cognito = [s for s in role_statements(templates[name]) if "cognito-idp" in str(s["Action"])]
    assert [s["Sid"] for s in cognito] == ["StaffAccounts"]
    (accounts,) = cognito
    assert accounts["Resource"] == {  # the pool's ARN by its id (moto can't GetAtt a pool)
        "Fn::Sub": "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:"
        "userpool/${UserPool}"
    }
    assert accounts == statement(templates[name], "StaffAccounts")
    assert not [a for a in accounts["Action"] if "Delete" in a or "Pool" in a]


def test_every_function_has_a_role_of_its_own_including_later_handlers(scheduled_template):
    functions = of_type(scheduled_template, FUNCTION)
    assert {"APIHandler", "EmailNotifications", "ProbeSweep"} <= set(functions)
    role_ids = {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()}
    assert len(role_ids) == len(functions)
    # every role but the ones API Gateway writes the region's API logs with and AWS Backup
    # copies the tables with
    assert role_ids == set(of_type(scheduled_template, "AWS::IAM::Role")) - {
        "ApiGatewayLoggingRole",
        "BackupRole",
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_table_access_is_limited_to_the_stacks_tables_and_their_indexes(templates, name):
    template = templates[name]
    # every table but the audit trail's, which has its own append-only grant (issue 21)
    tables = sorted(t for t in of_type(template, "AWS::DynamoDB::Table") if t != "AuditTable")
    expected = [{"Fn::GetAtt": [t, "Arn"]} for t in tables] + [
        {"Fn::Sub": f"${{{t}.Arn}}/index/*"} for t in tables
    ]
    for function in of_type(template, FUNCTION):
        if function == AUDIT_ONLY:  # reaches the audit table alone (issue 21: the chain)
            sids = {s["Sid"] for s in function_statements(template, function)}
            assert "Tables" not in sids and "AuditTrailAppendOnly" in sids
            continue
        found = statement(template, "Tables", function)
        assert sorted(map(str, resources_of(found))) == sorted(map(str, expected))
        assert "dynamodb:Scan" not in found["Action"]
        assert "dynamodb:DescribeTable" not in found["Action"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_secrets_are_readable_only_under_the_jurisdictions_path(templates, name):
    template = templates[name]
    path = f"parameter/clientcomm/{name}/*"
    found = statement(template, "Secrets")
    # GetParameters: the current and previous auth token are read together during a rotation.
    assert sorted(found["Action"]) == ["ssm:GetParameter", "ssm:GetParameters"]
    assert resources_of(found)[0]["Fn::Sub"].endswith(path)
    decrypt = statement(template, "DecryptSecrets")
    assert decrypt["Condition"]["StringLike"]["kms:EncryptionContext:PARAMETER_ARN"][
        "Fn::Sub"
    ].endswith(path)
    assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == {
        "Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"
    }


def test_only_the_notification_job_may_send_mail_and_only_as_the_configured_sender(templates):
    template = templates["salt-lake-county"]
    with_sender = statement(template, "Mail", "EmailNotifications")
    assert with_sender["Action"] == ["ses:SendEmail"]
    arns = [r["Fn::Sub"] for r in resources_of(with_sender)]
    assert arns[0].endswith(":identity/clientcomm@cjs.saltlakecounty.example")
    assert arns[1].endswith(":identity/cjs.saltlakecounty.example")
    assert "Mail" not in {s["Sid"] for s in function_statements(template, "APIHandler")}
    without = [s.get("Sid") for s in role_statements(templates["multnomah-county"])]
    assert "Mail" not in without


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_web_function_may_only_send_to_the_fallback_queue_and_only_the_replay_receive(
    templates, name
):
    template = templates[name]
    found = statement(template, "FallbackQueueSend")
    assert found["Action"] == ["sqs:SendMessage"]
    assert found["Resource"] == {"Fn::GetAtt": ["InboundFallbackQueue", "Arn"]}
    for function in of_type(template, FUNCTION):
        sids = {s["Sid"] for s in function_statements(template, function)}
        assert ("FallbackQueueReplay" in sids) is (function == "ReplayFallback"), function
        assert ("FallbackQueueSend" in sids) is (function == "APIHandler"), function


@pytest.mark.parametrize("name", EXAMPLES)
def test_only_the_sweep_and_the_sender_may_send_to_the_send_queue_and_only_the_sender_consume(
    templates, name
):
    template = templates[name]
    send_queue = {"Fn::GetAtt": ["SendQueue", "Arn"]}
    for function in ("SweepScheduled", "SendScheduled"):
        found = statement(template, "SendQueueSend", function)
        assert (found["Action"], found["Resource"]) == (["sqs:SendMessage"], send_queue)
    consume = statement(template, "SendQueueEventSource", "SendScheduled")
    assert consume["Resource"] == send_queue
    assert sorted(consume["Action"]) == [
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
    ]
    for function in of_type(template, FUNCTION):
        sids = {s["Sid"] for s in function_statements(template, function)}
        senders = {"SweepScheduled", "SendScheduled"}
        assert ("SendQueueSend" in sids) is (function in senders), function
        assert ("SendQueueEventSource" in sids) is (function == "SendScheduled"), function


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
