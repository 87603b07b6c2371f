"""Gradual deployment: every function published with the alias ``live``, moved by CodeDeploy.

SAM turns ``AutoPublishAlias`` into a version and an alias per function, and
``DeploymentPreference`` into a CodeDeploy deployment group that shifts the alias to the new
version and shifts it back when one of the group's alarms goes off. SAM points the events it
declares (schedules, queue and stream mappings) at the alias itself; Chalice's own API
integrations and Lambda permissions name the function, so they are pointed at the alias here
(``point_at_aliases``), or API Gateway would keep calling the newest code at once.

Why the types differ (docs/operations.md, "During a deploy and a rollback"): functions fed
by requests, a queue or a stream get a 10 % canary for 5 minutes, long enough for the rollback
alarm to see errors of the new version. A scheduled job runs once a minute or less: a canary
would send it at most a run or two, which proves nothing and only makes the old and new code
alternate at random for five minutes, so it moves all at once (its alarms still watch the
short deployment; the heartbeat and errors alarms page after it).
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import names
from .functions import FUNCTION_TYPE, Handler

ALIAS = "live"
CANARY = "Canary10Percent5Minutes"
ALL_AT_ONCE = "AllAtOnce"
PERMISSION_TYPE = "AWS::Lambda::Permission"
SOCKET_INTEGRATION_TYPE = "AWS::ApiGatewayV2::Integration"
REST_API_TYPE = "AWS::Serverless::Api"
SOCKET_STAGE_TYPE = "AWS::ApiGatewayV2::Stage"
SOCKET_DEPLOYMENT_TYPE = "AWS::ApiGatewayV2::Deployment"


def deployment_type(handler: Handler) -> str:
    return ALL_AT_ONCE if handler.scheduled else CANARY


def rollback_alarms(handler: Handler) -> list[str]:
    """The alarms whose ALARM state rolls a deployment of ``handler`` back.

    The new version's own errors; for the API's function also the API's 5xx answers, which
    catch what the function's errors cannot (API Gateway unable to call the alias). Alarms on
    things outside the code (Twilio failures, dead letters) are left out: already red, they
    would roll back the very release that fixes them.
    """
    alarms = [names.deploy_errors_alarm_id(handler.logical_id)]
    if handler.logical_id == names.API_FUNCTION_ID:
        alarms.append(names.API_5XX_ALARM)
    return alarms


def deployment_properties(handler: Handler) -> dict[str, Any]:
    """The function's properties that make SAM publish, alias and deploy it gradually.

    ``AutoPublishAliasAllProperties``: a changed environment or memory size publishes a new
    version too (by default only new code does, and the alias would keep the old settings).
    """
    return {
        "AutoPublishAlias": ALIAS,
        "AutoPublishAliasAllProperties": True,
        "DeploymentPreference": {
            "Type": deployment_type(handler),
            "Alarms": [names.ref(alarm) for alarm in rollback_alarms(handler)],
        },
    }


def alias_id(function_id: str) -> str:
    """The logical id SAM gives a function's alias (documented: ``<function>Alias<name>``).

    SAM's own shorthand ``Function.Alias`` is resolved by the transform too, but not inside
    an API's ``DefinitionBody`` as cfn-lint transforms it, so the plain id is used.
    """
    return f"{function_id}Alias{ALIAS}"


def alias_ref(function_id: str) -> dict[str, str]:
    """The function's alias: its ARN."""
    return names.ref(alias_id(function_id))


def invocation_uri(function_id: str) -> dict[str, str]:
    """API Gateway's URI for calling the function's alias."""
    return names.sub(
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
        f"${{{alias_id(function_id)}}}/invocations"
    )


def point_at_aliases(template: dict[str, Any]) -> dict[str, Any]:
    """``template`` with Chalice's API integrations and invoke permissions on the aliases."""
    resources = template.get("Resources", {})
    functions = {k for k, v in resources.items() if v.get("Type") == FUNCTION_TYPE}
    for resource in resources.values():
        properties = resource.get("Properties", {})
        if resource.get("Type") == PERMISSION_TYPE:
            target = _referenced(properties.get("FunctionName"), functions)
            if target:
                properties["FunctionName"] = alias_ref(target)
        elif resource.get("Type") == SOCKET_INTEGRATION_TYPE:
            target = _integration_target(properties.get("IntegrationUri"), functions)
            if target:
                properties["IntegrationUri"] = invocation_uri(target)
        elif resource.get("Type") == REST_API_TYPE:
            resource["Properties"] = _arns_to_aliases(properties, functions)
    _deploy_sockets_again(resources)
    return template


def _deploy_sockets_again(resources: dict[str, Any]) -> None:
    """Give each WebSocket stage a deployment under a new logical id.

    A WebSocket stage serves the snapshot of routes and integrations its deployment took;
    CloudFormation makes a deployment again only when its resource is new. Under Chalice's
    id, a stack deployed before the aliases would keep calling the function itself, whose
    invoke permission is now the alias's. (A later change to the integrations needs a new
    id again; the alias's name does not change, so moving it needs none.)
    """
    for stage in [r for r in resources.values() if r.get("Type") == SOCKET_STAGE_TYPE]:
        old = stage.get("Properties", {}).get("DeploymentId", {}).get("Ref")
        if resources.get(old, {}).get("Type") != SOCKET_DEPLOYMENT_TYPE:
            continue
        new = f"{old}{ALIAS.capitalize()}"
        resources[new] = resources.pop(old)
        stage["Properties"]["DeploymentId"] = names.ref(new)


def calls_past_aliases(template: dict[str, Any]) -> list[str]:
    """What would call a function's newest code instead of its alias, as sentences (the
    build refuses them): a function without the alias, a permission, a WebSocket integration
    or an API body naming the function itself."""
    resources = template.get("Resources", {})
    functions = {k for k, v in resources.items() if v.get("Type") == FUNCTION_TYPE}
    found = [
        f"{function} is not published with the alias {ALIAS}"
        for function in sorted(functions)
        if resources[function].get("Properties", {}).get("AutoPublishAlias") != ALIAS
    ]
    for logical_id, resource in sorted(resources.items()):
        properties = resource.get("Properties", {})
        kind = resource.get("Type")
        targets: set[str | None] = set()
        if kind == PERMISSION_TYPE:
            targets = {_referenced(properties.get("FunctionName"), functions)}
        elif kind == SOCKET_INTEGRATION_TYPE:
            targets = {_integration_target(properties.get("IntegrationUri"), functions)}
        elif kind == REST_API_TYPE:
            targets = set(ARN_IN_SUB.findall(json.dumps(properties))) & functions
        found.extend(
            f"{logical_id} calls {target} past its alias {ALIAS}"
            for target in sorted(t for t in targets if t)
        )
    return found


def _referenced(value: Any, functions: set[str]) -> str | None:
    if isinstance(value, dict) and value.get("Ref") in functions:
        return str(value["Ref"])
    return None


def _integration_target(uri: Any, functions: set[str]) -> str | None:
    """The function Chalice's WebSocket integration names in its ``Fn::Sub`` variables."""
    sub = uri.get("Fn::Sub") if isinstance(uri, dict) else None
    if not (isinstance(sub, list) and len(sub) == 2 and isinstance(sub[1], dict)):
        return None
    targets = {_referenced(value, functions) for value in sub[1].values()} - {None}
    return targets.pop() if len(targets) == 1 else None


def _arns_to_aliases(value: Any, functions: set[str]) -> Any:
    """Every ``${Function.Arn}`` in a ``Fn::Sub`` text becomes the function's alias."""
    if isinstance(value, dict):
        return {k: _arns_to_aliases(v, functions) for k, v in value.items()}
    if isinstance(value, list):
        return [_arns_to_aliases(v, functions) for v in value]
    if isinstance(value, str):
        return ARN_IN_SUB.sub(
            lambda m: f"${{{alias_id(m.group(1))}}}" if m.group(1) in functions else m.group(0),
            value,
        )
    return value


ARN_IN_SUB = re.compile(r"\$\{([A-Za-z0-9]+)\.Arn\}")
