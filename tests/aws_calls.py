"""A pytest plugin: the app may call only the AWS APIs its IAM policies declare.

Every botocore API call made while the tests run passes through here (``BaseClient.
_make_api_call`` is wrapped for the session; boto3 clients and PynamoDB's own botocore client
both end in it). A call is the app's when app code (``chalicelib/``, ``app.py``) is on its
call stack and local-setup code is not (the local stack creating tables, seeding demo data,
the ops scripts); calls a test makes itself are ignored.

At the end of the session each app call must be allowed by ``infra/package/permissions.py``:
for the function that made it when the stack says which (an ``app.py`` event handler, i.e. a
schedule or a queue consumer, or Chalice's REST API dispatch), otherwise for some function.
An unlisted call fails the run and is printed with the code that made it.

Processes the tests start (the local Lambda workers) can record too: when
``CLIENTCOMM_AWS_CALL_LOG`` names a file, ``install_from_environment()`` makes that process
append its app calls to it, and the session reads the file at the end.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from botocore.client import BaseClient

from infra.package.permissions import (
    API_HANDLER,
    UNSIGNED_CALLS,
    actions_for,
    all_actions,
)

if TYPE_CHECKING:  # a Lambda worker that records imports this module without pytest
    import pytest

LOG_ENV = "CLIENTCOMM_AWS_CALL_LOG"
ROOT = Path(__file__).resolve().parents[1]
APP_CODE = ("chalicelib/", "app.py")
# Code that runs only on a laptop or an ops desk, never in a Lambda: (path prefix, function).
SETUP_CODE = (
    ("infra/local/resources.py", None),
    ("infra/local/seed.py", None),
    ("infra/ops/", None),
    ("chalicelib/store/tables.py", "create_tables"),
)
API_DISPATCH = "RestAPIEventHandler.__call__"  # chalice/app.py, for every REST request
CHALICE_APP_FILE = os.path.join("chalice", "app.py")
# IAM authorises a transaction item by item, each as its single-item action.
TRANSACTION_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
TRANSACTIONS = ("TransactWriteItems", "TransactGetItems")
# SQS has no IAM actions for its batch calls: each is authorised as its single-message action.
SQS_BATCH_ACTIONS = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}
API = "api"
# The repository as imported code may name it: resolved, and as the interpreter was given it.
_ROOTS = tuple({str(ROOT) + os.sep, os.path.abspath(Path(__file__).parents[1]) + os.sep})


@dataclass(frozen=True)
class AppCall:
    """One kind of AWS call the app made.

    ``action`` as IAM names it; ``signed`` False when the API takes no AWS credentials (IAM
    never sees it); ``caller`` is ``api``, ``app.py:<function>`` or empty when unknown;
    ``where`` the innermost app code on the stack.
    """

    action: str
    signed: bool
    caller: str
    where: str


def iam_actions(prefix: str, operation: str, params: dict[str, Any]) -> list[str]:
    """The IAM actions one API call needs (a transaction needs one per kind of item)."""
    if prefix == "dynamodb" and operation in TRANSACTIONS:
        kinds = {kind for item in params.get("TransactItems", []) for kind in item}
        return sorted(f"dynamodb:{TRANSACTION_ITEM_ACTIONS[kind]}" for kind in kinds)
    if prefix == "sqs":
        return [f"sqs:{SQS_BATCH_ACTIONS.get(operation, operation)}"]
    if prefix == "s3" and operation == "HeadObject":  # IAM authorises it as GetObject
        return ["s3:GetObject"]
    if prefix == "execute-api":  # posting to, describing or closing a WebSocket connection
        return ["execute-api:ManageConnections"]
    return [f"{prefix}:{operation}"]


def _relative(path: str) -> str | None:
    """``path`` inside the repository (not its virtualenv), else None."""
    for root in _ROOTS:
        if path.startswith(root):
            inside = path[len(root) :].replace(os.sep, "/")
            return None if inside.startswith(".venv/") else inside
    return None


def _is_setup(relative: str, function: str) -> bool:
    return any(
        relative.startswith(prefix) and (name is None or name == function)
        for prefix, name in SETUP_CODE
    )


def call_site(frame: FrameType | None) -> tuple[str, str] | None:
    """``(where, caller)`` when app code made the call from ``frame`` outward, else None."""
    where = caller = ""
    while frame is not None:
        code = frame.f_code
        relative = _relative(code.co_filename)
        if relative is not None:
            if _is_setup(relative, code.co_name):
                return None
            if relative.startswith(APP_CODE):
                where = where or f"{relative}:{code.co_name}"
                if relative == "app.py" and not caller:
                    caller = f"app.py:{code.co_name}"
        elif (
            not caller
            and code.co_qualname == API_DISPATCH
            and code.co_filename.endswith(CHALICE_APP_FILE)
        ):
            caller = API
        frame = frame.f_back
    return (where, caller) if where else None


def is_unsigned(client: BaseClient, operation: str) -> bool:
    """Botocore sends these without credentials: the service's public, unauthenticated API."""
    model = client.meta.service_model.operation_model(operation)
    return model.auth_type == "none" or getattr(model, "auth", None) == ["smithy.api#noAuth"]


READ_ONLY = ("Get", "BatchGet", "TransactGet", "Query", "Scan", "Describe", "List", "Head")
_watching = threading.local()


def is_write(operation: str) -> bool:
    """Could this AWS operation change anything? (Every API that only reads is named so.)"""
    return not operation.startswith(READ_ONLY)


class Writes(list[str]):
    """The AWS calls that could change something, made by this thread inside ``writes()``."""


@contextmanager
def writes() -> Iterator[Writes]:
    """Collect every AWS call this thread makes that could change something (any service:
    DynamoDB, SQS, SES, Cognito, S3), so a test can say a refused request changed nothing
    without reading every table before and after. Other threads (the local stream readers,
    the fake Twilio) are not this request's doing and are not collected."""
    found = Writes()
    _watching.found = found
    try:
        yield found
    finally:
        _watching.found = None


def _note_write(client: BaseClient, operation: str) -> None:
    found: Writes | None = getattr(_watching, "found", None)
    if found is not None and is_write(operation):
        found.append(f"{client.meta.service_model.service_name}:{operation}")


class CallRecorder:
    """Wraps botocore's single exit point for API calls and keeps the app's, deduplicated."""

    def __init__(self, sink: Path | None = None):
        self.sink = sink
        self.calls: set[AppCall] = set()
        self._lock = threading.Lock()
        self._original: Callable[..., Any] | None = None

    def install(self) -> CallRecorder:
        original = BaseClient._make_api_call  # type: ignore[attr-defined]
        recorder = self

        def _make_api_call(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            recorder.observe(client, operation, params, sys._getframe(1))
            _note_write(client, operation)
            return original(client, operation, params)

        self._original = original
        BaseClient._make_api_call = _make_api_call  # type: ignore[attr-defined]
        return self

    def uninstall(self) -> None:
        if self._original is not None:
            BaseClient._make_api_call = self._original  # type: ignore[attr-defined]
            self._original = None

    def observe(
        self, client: BaseClient, operation: str, params: dict[str, Any], frame: FrameType
    ) -> None:
        site = call_site(frame)
        if site is None:
            return
        where, caller = site
        signed = not is_unsigned(client, operation)
        prefix = client.meta.service_model.signing_name
        for action in iam_actions(prefix, operation, params):
            self.record(AppCall(action, signed, caller, where))

    def record(self, call: AppCall) -> None:
        with self._lock:
            if call in self.calls:
                return
            self.calls.add(call)
            if self.sink is not None:
                with self.sink.open("a", encoding="utf-8") as log:
                    log.write(json.dumps(asdict(call)) + "\n")


def install_from_environment() -> CallRecorder | None:
    """For a process the tests start: record into the session's log, if there is one."""
    log = os.environ.get(LOG_ENV)
    return CallRecorder(Path(log)).install() if log else None


def read_log(path: Path) -> set[AppCall]:
    if not path.is_file():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {AppCall(**json.loads(line)) for line in lines if line.strip()}


def scheduled_functions() -> dict[str, str]:
    """``{python function in app.py: Chalice function name}`` for the app's event handlers:
    every ``@app.schedule`` and ``@app.on_sqs_message`` (Chalice lists both as event sources,
    each under the ``name`` it deploys the function as)."""
    module = sys.modules.get("app") or importlib.import_module("app")
    app = getattr(module, "app", None)
    found = {}
    for source in getattr(app, "event_sources", []):
        module_name, _, function = str(getattr(source, "handler_string", "")).partition(".")
        if module_name == "app" and function:
            found[function] = source.name
    return found


def function_of(call: AppCall, handlers: dict[str, str]) -> str | None:
    """The Chalice function that made ``call``, when its stack says so."""
    if call.caller == API:
        return API_HANDLER
    if call.caller.startswith("app.py:"):
        return handlers.get(call.caller.removeprefix("app.py:"))
    return None


def unlisted(calls: Iterable[AppCall], handlers: dict[str, str]) -> list[AppCall]:
    """The calls ``permissions.py`` does not allow, sorted for the report."""
    anywhere = all_actions()
    refused = []
    for call in calls:
        function = function_of(call, handlers)
        if not call.signed:
            allowed = call.action in UNSIGNED_CALLS
        elif function is not None:
            allowed = call.action in actions_for(function)
        else:
            allowed = call.action in anywhere
        if not allowed:
            refused.append(call)
    return sorted(refused, key=lambda c: (c.action, c.caller, c.where))


def describe(refused: list[AppCall], handlers: dict[str, str]) -> list[str]:
    lines = []
    for call in refused:
        function = function_of(call, handlers) or "no function named"
        kind = "" if call.signed else " (unsigned: add it to UNSIGNED_CALLS)"
        lines.append(f"{call.action}{kind}  by {function}  from {call.where}")
    return lines


# --- the pytest hooks ---------------------------------------------------------------

_session: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    log_dir = Path(tempfile.mkdtemp(prefix="aws-calls-"))
    os.environ[LOG_ENV] = str(log_dir / "calls.jsonl")
    _session.update(recorder=CallRecorder().install(), log_dir=log_dir, report=[], actions=set())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    recorder: CallRecorder | None = _session.get("recorder")
    if recorder is None:
        return
    calls = recorder.calls | read_log(Path(os.environ.get(LOG_ENV, "")))
    handlers = scheduled_functions() if any(c.caller != API and c.caller for c in calls) else {}
    report = describe(unlisted(calls, handlers), handlers)
    actions = {c.action for c in calls}
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:  # an xdist worker: the controller reports for everyone
        worker_output["aws_calls"] = {"report": report, "actions": sorted(actions)}
        return
    _session.setdefault("report", []).extend(report)  # beside what workers sent, if any
    _session.setdefault("actions", set()).update(actions)
    if _session["report"]:
        from pytest import ExitCode

        session.exitstatus = ExitCode.TESTS_FAILED


def gather_worker(node: Any) -> None:
    """xdist's controller: gather a worker's findings (its own stack, its own calls);
    tests/conftest.py calls this from xdist's ``pytest_testnodedown``."""
    found = getattr(node, "workeroutput", {}).get("aws_calls")
    if found:
        _session.setdefault("report", []).extend(found["report"])
        _session.setdefault("actions", set()).update(found["actions"])


def pytest_terminal_summary(terminalreporter: Any) -> None:
    report: list[str] = _session.get("report", [])
    if report:
        terminalreporter.write_sep(
            "=", "the app called AWS APIs not in infra/package/permissions.py", red=True
        )
        for line in report:
            terminalreporter.write_line(line)
    elif _session.get("actions"):
        terminalreporter.write_line(
            f"AWS calls: {len(_session['actions'])} distinct actions by the app, all declared in "
            "infra/package/permissions.py"
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    recorder: CallRecorder | None = _session.pop("recorder", None)
    if recorder is not None:
        recorder.uninstall()
    log_dir: Path | None = _session.pop("log_dir", None)
    if log_dir is not None:
        shutil.rmtree(log_dir, ignore_errors=True)
        os.environ.pop(LOG_ENV, None)
