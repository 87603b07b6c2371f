"""No function's role may update or delete an audit row: over every generated IAM policy,
nothing that reaches the audit table (or its indexes) allows UpdateItem, DeleteItem or
BatchWriteItem (whose deletes IAM cannot tell from its puts), and an explicit Deny says so
whatever a later grant allows."""

from __future__ import annotations

from typing import Any

import pytest

from infra.package.functions import handlers_in
from tests.infra.packaging import EXAMPLES
from tests.infra.test_declared_permissions import role_document

FORBIDDEN = {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
AUDIT = "AuditTable"


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def reaches_audit(resource: Any) -> bool:
    """A resource entry that is, or could match, the audit table or its indexes."""
    if resource == "*":
        return True
    text = repr(resource)
    return AUDIT in text or "table/*" in text or (":table/" in text and "*" in text)


def may(statement: dict[str, Any], action: str) -> bool:
    return any(a in (action, "dynamodb:*", "*") for a in listed(statement["Action"]))


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_functions_role_may_update_or_delete_audit_rows(templates, name):
    template = templates[name]
    for handler in handlers_in(template):
        statements = role_document(template, handler.logical_id)["Statement"]
        for statement in statements:
            if statement["Effect"] != "Allow":
                continue
            if not any(reaches_audit(r) for r in listed(statement["Resource"])):
                continue
            allowed = {action for action in FORBIDDEN if may(statement, action)}
            assert not allowed, (handler.logical_id, statement["Sid"], allowed)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_role_denies_updating_and_deleting_audit_rows_outright(templates, name):
    template = templates[name]
    for handler in handlers_in(template):
        statements = role_document(template, handler.logical_id)["Statement"]
        denied = [
            s
            for s in statements
            if s["Effect"] == "Deny" and any(AUDIT in repr(r) for r in listed(s["Resource"]))
        ]
        assert denied, handler.logical_id
        assert {a for s in denied for a in listed(s["Action"])} >= FORBIDDEN, handler.logical_id


def test_the_app_may_still_append_and_read_audit_rows(templates):
    template = templates[EXAMPLES[0]]
    (api,) = [h for h in handlers_in(template) if h.logical_id == "APIHandler"]
    allowed = {
        action
        for s in role_document(template, api.logical_id)["Statement"]
        if s["Effect"] == "Allow" and any(AUDIT in repr(r) for r in listed(s["Resource"]))
        for action in listed(s["Action"])
    }
    assert {"dynamodb:PutItem", "dynamodb:Query"} <= allowed
