"""A moto server whose CloudFormation reports each resource it cannot create, and goes on.

moto's CloudFormation skips a resource type it has no model for, and a resource it fails to
create (a property it refuses, or a ``Fn::GetAtt`` of a resource it skipped) fails the whole
``CreateStack`` with a message that names no resource. For a rehearsal of the real template
we want the opposite: every resource it can create, and a list of the others with the
reason. So each resource's creation is wrapped: a failure, or a type moto does not know,
becomes a ``CREATE_FAILED`` event of that resource, as real CloudFormation reports one, and
the stack carries on without it.

    python -m tests.infra.moto_gaps_server -H 127.0.0.1 -p PORT

It also knows one type moto's CloudFormation lacks and our stack leans on: ``AWS::Lambda::
Alias`` (every function runs behind the alias ``live``; the schedules, queue and stream
mappings and invoke permissions name the alias). ``FunctionAlias`` makes it with moto's own
Lambda backend, so those resources are made against the alias as CloudFormation would.

Reaches into internals of moto 5.2.5 (read in its source, not a public API): ``parsing.
parse_and_create_resource`` (called once per resource, and again on each later reference
while it does not exist), the stack's ``events`` list, the model registry (every direct
subclass of ``CloudFormationModel``, cached by ``parsing.get_model_list``), the Lambda
backend's ``create_alias`` and its ``LambdaVersion`` (given the ``Version`` attribute). A moto
upgrade that moves any of them fails the rehearsal's gap test loudly rather than hiding a gap.
"""

from __future__ import annotations

import sys
from typing import Any

from moto.awslambda.models import LambdaAlias, LambdaVersion, lambda_backends
from moto.cloudformation import models, parsing
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel
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


class FunctionAlias(CloudFormationModel):
    """``AWS::Lambda::Alias``: moto's Lambda alias, made by its Lambda backend. Ref is the
    alias ARN; Fn::GetAtt AliasArn too, as CloudFormation documents."""

    # moto files each model under the second part of its module's name; run as a script,
    # this module is ``__main__`` and has none.
    __module__ = "tests.infra.moto_gaps_server"

    def __init__(self, alias: LambdaAlias) -> None:
        self.alias = alias

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Alias"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "AliasArn"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FunctionAlias:
        properties = cloudformation_json["Properties"]
        alias = lambda_backends[account_id][region_name].create_alias(
            name=properties["Name"],
            function_name=properties["FunctionName"],
            function_version=str(properties["FunctionVersion"]),
            description=properties.get("Description", ""),
            routing_config=properties.get("RoutingConfig", {}),
        )
        return cls(alias)

    @property
    def physical_resource_id(self) -> str:
        return str(self.alias.arn)

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "AliasArn":
            return str(self.alias.arn)
        raise UnformattedGetAttTemplateException()


def version_attribute(version: LambdaVersion, attribute_name: str) -> str:
    """``Fn::GetAtt [Version, Version]``, which moto's ``AWS::Lambda::Version`` lacks and
    every alias names: the number of the version published."""
    if attribute_name == "Version":
        return str(version.version)
    raise UnformattedGetAttTemplateException()


def install() -> None:
    parsing.parse_and_create_resource = report_gaps  # type: ignore[assignment]
    LambdaVersion.get_cfn_attribute = version_attribute  # type: ignore[attr-defined]
    parsing.get_model_list.cache_clear()  # FunctionAlias joins moto's models
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()


if __name__ == "__main__":
    install()
    moto_main(sys.argv[1:])
