"""The AWS-call check (tests/aws_calls.py) reports what the declared permissions don't allow,
knows app code from tests and local setup, and sees the calls PynamoDB makes."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from types import FrameType

import boto3

from tests.aws_calls import (
    API,
    ROOT,
    AppCall,
    CallRecorder,
    call_site,
    describe,
    iam_actions,
    scheduled_functions,
    unlisted,
)

HANDLERS = {"email_notifications": "email-notifications"}


def app_call(action: str, caller: str = API, *, signed: bool = True) -> AppCall:
    return AppCall(action, signed, caller, "chalicelib/somewhere.py:do_it")


def test_a_call_no_permission_lists_is_reported_with_the_code_that_made_it():
    refused = unlisted([app_call("sqs:PurgeQueue"), app_call("dynamodb:GetItem")], HANDLERS)
    assert refused == [app_call("sqs:PurgeQueue")]
    (line,) = describe(refused, HANDLERS)
    assert "sqs:PurgeQueue" in line and "api_handler" in line
    assert "chalicelib/somewhere.py:do_it" in line


def test_a_call_is_judged_against_the_function_that_made_it():
    mail_from_web = app_call("ses:SendEmail", API)
    mail_from_job = app_call("ses:SendEmail", "app.py:email_notifications")
    assert unlisted([mail_from_web, mail_from_job], HANDLERS) == [mail_from_web]


def test_a_call_from_an_unknown_place_passes_when_some_function_may_make_it():
    anywhere = app_call("ses:SendEmail", "")
    nowhere = app_call("s3:DeleteBucket", "")
    assert unlisted([anywhere, nowhere], HANDLERS) == [nowhere]


def test_a_handler_the_list_does_not_name_is_held_to_the_default_grants():
    probe = {"probe_sweep": "probe-sweep"}
    assert unlisted([app_call("dynamodb:Query", "app.py:probe_sweep")], probe) == []
    sending = app_call("sqs:SendMessage", "app.py:probe_sweep")
    assert unlisted([sending], probe) == [sending]


def test_unsigned_calls_pass_only_when_declared_as_needing_no_iam():
    declared = app_call("cognito-idp:InitiateAuth", signed=False)
    undeclared = app_call("cognito-idp:GlobalSignOut", signed=False)
    assert unlisted([declared, undeclared], HANDLERS) == [undeclared]
    assert "UNSIGNED_CALLS" in describe([undeclared], HANDLERS)[0]


def test_a_transaction_needs_the_action_of_each_kind_of_item_it_holds():
    items = {"TransactItems": [{"Put": {}}, {"ConditionCheck": {}}, {"Update": {}}, {"Put": {}}]}
    assert iam_actions("dynamodb", "TransactWriteItems", items) == [
        "dynamodb:ConditionCheckItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ]
    assert iam_actions("sqs", "SendMessage", {}) == ["sqs:SendMessage"]


def test_an_sqs_batch_call_needs_its_single_message_action_as_iam_has_no_batch_action():
    assert iam_actions("sqs", "SendMessageBatch", {}) == ["sqs:SendMessage"]
    assert iam_actions("sqs", "DeleteMessageBatch", {}) == ["sqs:DeleteMessage"]
    assert iam_actions("sqs", "ReceiveMessage", {}) == ["sqs:ReceiveMessage"]


def test_the_apps_schedules_and_its_queue_consumer_are_each_judged_by_their_own_grants():
    handlers = scheduled_functions()
    assert handlers["send_scheduled"] == "send-scheduled"  # an @app.on_sqs_message
    assert handlers["sweep_scheduled"] == "sweep-scheduled"
    sweep_batch = app_call("sqs:SendMessage", "app.py:sweep_scheduled")
    sender_retry = app_call("sqs:SendMessage", "app.py:send_scheduled")
    sender_secret = app_call("ssm:GetParameter", "app.py:send_scheduled")
    settle_enqueue = app_call("sqs:SendMessage", "app.py:settle_sends")
    sweep_secret = app_call("ssm:GetParameter", "app.py:sweep_scheduled")
    calls = [sweep_batch, sender_retry, sender_secret, settle_enqueue, sweep_secret]
    assert unlisted(calls, handlers) == [settle_enqueue, sweep_secret]


def code_at(relative: str, name: str, call: Callable[[], object]) -> Callable[[], object]:
    """A function whose frames claim to live in ``relative`` (as code there would)."""
    source = f"def {name}(call):\n    return call()\n"
    namespace: dict = {}
    exec(compile(source, str(ROOT / relative), "exec"), namespace)  # noqa: S102 - our own text
    return lambda: namespace[name](call)


def current_frame() -> FrameType:
    return sys._getframe(1)


def test_app_code_on_the_stack_makes_it_an_app_call_named_after_the_innermost_app_frame():
    store = code_at("chalicelib/store/users.py", "get", current_frame)
    job = code_at("app.py", "email_notifications", store)
    assert call_site(job()) == ("chalicelib/store/users.py:get", "app.py:email_notifications")


def test_calls_from_tests_or_local_setup_are_not_the_apps():
    assert call_site(current_frame()) is None
    store = code_at("chalicelib/store/users.py", "save", current_frame)
    seeding = code_at("infra/local/seed.py", "create_staff", store)
    assert call_site(seeding()) is None
    creating = code_at("chalicelib/store/tables.py", "create_tables", current_frame)
    assert call_site(creating()) is None


def test_the_recorder_sees_pynamodb_calls_from_app_code_but_not_the_tests_own(stores):
    recorder = CallRecorder().install()
    try:
        assert stores.users.get(f"nobody-{uuid.uuid4().hex[:6]}") is None
        boto3.client("dynamodb", region_name="us-west-2").list_tables()
    finally:
        recorder.uninstall()
    # The local stack's own threads in this process (stream readers, socket upkeep) may call
    # AWS meanwhile and are recorded too (a DeleteItem of theirs once failed an "only GetItem"
    # check): look for the store's read, and for the test's own call being left out.
    reads = [call for call in recorder.calls if call.where.startswith("chalicelib/store/users.py")]
    assert [call.action for call in reads] == ["dynamodb:GetItem"]
    assert reads[0].signed
    assert "dynamodb:ListTables" not in {call.action for call in recorder.calls}


def test_writes_collects_this_threads_changing_calls_and_nothing_else():
    import threading

    from botocore.stub import Stubber

    from tests.aws_calls import writes

    dynamodb = boto3.client("dynamodb", region_name="us-west-2")
    with Stubber(dynamodb) as stub:
        stub.add_response("get_item", {})
        stub.add_response("put_item", {})
        stub.add_response("delete_item", {})
        with writes() as written:
            dynamodb.get_item(TableName="t", Key={"k": {"S": "1"}})
            dynamodb.put_item(TableName="t", Item={"k": {"S": "1"}})
            elsewhere = threading.Thread(
                target=lambda: dynamodb.delete_item(TableName="t", Key={"k": {"S": "1"}})
            )
            elsewhere.start()
            elsewhere.join()
    assert written == ["dynamodb:PutItem"]
