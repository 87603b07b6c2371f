"""Each function's role allows exactly what infra/package/permissions.py declares for it, and
the declared list itself names real operations (or the IAM-only ones it means)."""

from __future__ import annotations

import botocore.session
import pytest

from infra.config_loader import load_stack_config
from infra.package.functions import function_name, handlers_in
from infra.package.names import function_logical_id
from infra.package.permissions import (
    DEFAULT,
    FUNCTION_GRANTS,
    UNSIGNED_CALLS,
    actions_for,
    declared_functions,
)
from infra.package.policy import policy_actions
from tests.infra.packaging import EXAMPLES, EXTRA_HANDLER_ID, SCHEDULE_JURISDICTION

# IAM actions with no API operation of the same name.
# IAM actions with no API operation of the same name: a transaction's condition items, and
# the one action that authorises every @connections call (post, get, delete).
# Stream reads are authorised as dynamodb:* though their API is the dynamodbstreams service.
IAM_ONLY = {
    "dynamodb:ConditionCheckItem",
    "execute-api:ManageConnections",
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
}


def role_document(template: dict, function_id: str) -> dict:
    resources = template["Resources"]
    role_id = resources[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    (policy,) = resources[role_id]["Properties"]["Policies"]
    return policy["PolicyDocument"]


def check_declared_actions(template: dict, jurisdiction: str) -> None:
    with_mail = bool(load_stack_config(jurisdiction).mail_from)
    for handler in handlers_in(template):
        name = function_name(handler, declared_functions()) or DEFAULT
        found = policy_actions(role_document(template, handler.logical_id))
        assert found == actions_for(name, with_mail=with_mail), handler.logical_id


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_functions_role_allows_exactly_the_actions_declared_for_it(templates, name):
    check_declared_actions(templates[name], name)


def test_a_handler_the_list_does_not_name_gets_the_default_grants(scheduled_template):
    check_declared_actions(scheduled_template, SCHEDULE_JURISDICTION)
    found = policy_actions(role_document(scheduled_template, EXTRA_HANDLER_ID))
    assert found == actions_for(DEFAULT)
    assert not [a for a in found if a.startswith(("sqs:", "ses:"))]


def test_the_functions_the_list_names_exist_in_the_app(templates):
    """A typo in a function name would silently give that function the default policy."""
    handlers = {h.logical_id for h in handlers_in(templates["multnomah-county"])}
    named = {n for n in declared_functions() if function_logical_id(n) in handlers}
    assert named == set(declared_functions())
    assert named >= {"sweep-scheduled", "send-scheduled", "settle-sends", "replay-fallback"}


def test_every_function_of_the_app_has_its_own_declared_grants(templates):
    """The default is for a handler nobody has reviewed yet; none of today's should need it."""
    for handler in handlers_in(templates["multnomah-county"]):
        assert function_name(handler, declared_functions()), handler.logical_id


def test_the_sweep_may_only_send_and_the_sender_may_also_consume_the_send_queue():
    sweep, sender, settle = (
        actions_for(f) for f in ("sweep-scheduled", "send-scheduled", "settle-sends")
    )
    queue = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
    assert {a for a in sweep if a.startswith("sqs:")} == {"sqs:SendMessage"}
    assert {a for a in sender if a.startswith("sqs:")} == {"sqs:SendMessage"} | queue
    assert not [a for a in settle if a.startswith(("sqs:", "ses:"))]
    assert "ssm:GetParameter" not in sweep  # no Twilio, no secrets
    assert {"ssm:GetParameter", "kms:Decrypt"} <= sender & settle


def test_every_declared_action_is_an_operation_of_its_service():
    session = botocore.session.get_session()
    for function, grants in FUNCTION_GRANTS.items():
        for action in {a for grant in grants for a in grant.actions} - IAM_ONLY:
            service, operation = action.split(":")
            model = session.get_service_model(service)
            assert operation in model.operation_names, f"{function}: {action}"


def test_the_calls_declared_unsigned_take_no_aws_credentials_so_iam_never_sees_them():
    """Cognito's sign-in, MFA and revocation API: botocore sends these unsigned, and the
    service model's documentation says IAM policies are not evaluated for them."""
    model = botocore.session.get_session().get_service_model("cognito-idp")
    for action in UNSIGNED_CALLS:
        service, operation = action.split(":")
        assert service == "cognito-idp"
        operation_model = model.operation_model(operation)
        assert operation_model.auth_type == "none", action
        assert "doesn't evaluate Identity and Access Management" in operation_model.documentation
    assert model.operation_model("AdminCreateUser").auth_type is None  # an IAM one, for contrast
