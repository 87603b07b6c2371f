"""A moto server whose CloudFormation reports each resource it cannot create, and goes on.

moto's CloudFormation skips a resource type it has no model for, and a resource it fails to
create (a property it refuses, or a ``Fn::GetAtt`` of a resource it skipped) fails the whole
``CreateStack`` with a message that names no resource. For a rehearsal of the real template
we want the opposite: every resource it can create, and a list of the others with the
reason. So each resource's creation is wrapped: a failure, or a type moto does not know,
becomes a ``CREATE_FAILED`` event of that resource, as real CloudFormation reports one, and
the stack carries on without it.

    python -m tests.infra.moto_gaps_server -H 127.0.0.1 -p PORT

Reaches into two internals of moto 5.2.5 (read in its source, not a public API): ``parsing.
parse_and_create_resource`` (called once per resource, and again on each later reference
while it does not exist) and the stack's ``events`` list. A moto upgrade that moves either
fails the rehearsal's gap test loudly rather than hiding a gap.
"""

from __future__ import annotations

import sys
from typing import Any

from moto.cloudformation import models, parsing
from moto.server import main as moto_main

UNSUPPORTED = "moto has no CloudFormation model for {type}"
original_create = parsing.parse_and_create_resource


def report_gaps(
    logical_id: str,
    resource_json: dict[str, Any],
    resources_map: Any,
    account_id: str,
    region_name: str,
) -> Any:
    """moto's own creation of one resource, with a failure reported instead of raised."""
    kind = resource_json.get("Type", "")
    if parsing.resource_class_from_type(kind) is None and not kind.startswith("Custom::"):
        reason = UNSUPPORTED.format(type=kind)
        note_failure(resources_map, account_id, region_name, logical_id, kind, reason)
        return None
    try:
        return original_create(logical_id, resource_json, resources_map, account_id, region_name)
    except Exception as exc:  # every failure is the finding, reported below
        reason = f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}"
        note_failure(resources_map, account_id, region_name, logical_id, kind, reason)
        return None


def note_failure(
    resources_map: Any,
    account_id: str,
    region_name: str,
    logical_id: str,
    kind: str,
    reason: str,
) -> None:
    """One ``CREATE_FAILED`` event for the resource (the first reason only: moto tries a
    resource again on each reference to it)."""
    backend = models.cloudformation_backends[account_id][region_name]
    stack = backend.stacks.get(resources_map.stack_id)
    if stack is None:
        return
    if any(
        e.logical_resource_id == logical_id and e.resource_status == "CREATE_FAILED"
        for e in stack.events
    ):
        return
    stack.events.append(
        models.Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id="",
            resource_type=kind,
            resource_status="CREATE_FAILED",
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def install() -> None:
    parsing.parse_and_create_resource = report_gaps  # type: ignore[assignment]


if __name__ == "__main__":
    install()
    moto_main(sys.argv[1:])
