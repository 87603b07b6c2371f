"""Checks on the final template that cfn-lint does not make, run on every build.

Each guards an assumption about how Chalice's template and ours fit together: if Chalice
changes its output, the build fails here instead of deploying a half-configured stack.
"""

from __future__ import annotations

import re
from typing import Any

from . import names
from .functions import Handler, function_name, handlers_in
from .gradual import calls_past_aliases
from .permissions import DEFAULT
from .queues import VISIBILITY_TIMEOUTS_PER_RUN, WORK_QUEUES, consumer_timeout

# Lambda refuses more than 4 KB of environment (names and values together).
ENVIRONMENT_LIMIT = 4096
# What a resolved reference may grow to (a pool id is ~26 characters, a URL ~80).
REFERENCE_ALLOWANCE = 120
ROLE_TYPE = "AWS::IAM::Role"
QUEUE_TYPE = "AWS::SQS::Queue"
# A function that serves no request can't derive the public URL (e.g. for Twilio's status
# callbacks): it must be told.
BASE_URL = "PUBLIC_BASE_URL"
# What Lambda accepts for an SQS event source (cfn-lint does not look inside SAM events).
MAX_CONCURRENCY_RANGE = range(2, 1001)
MAX_BATCH_WITHOUT_WINDOW = 10
SUB_NAMES = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def problems(
    template: dict[str, Any], policies: dict[str, dict[str, Any]], env_keys: set[str]
) -> list[str]:
    """Everything wrong with ``template``, as sentences; empty when it is fit to deploy.

    ``policies`` maps each declared function (and ``DEFAULT``) to its policy document.
    """
    found: list[str] = []
    resources = template.get("Resources", {})
    for handler in handlers_in(template):
        found.extend(role_problems(resources, handler, policies))
        properties = resources[handler.logical_id]["Properties"]
        variables = properties.get("Environment", {}).get("Variables", {})
        missing = sorted(env_keys - set(variables))
        if missing:
            found.append(f"{handler.logical_id} lacks environment variables {missing}")
        if handler.logical_id != names.API_FUNCTION_ID and BASE_URL not in variables:
            found.append(f"{handler.logical_id} serves no request and lacks {BASE_URL}")
        size = environment_size(variables)
        if size > ENVIRONMENT_LIMIT:
            found.append(
                f"{handler.logical_id}'s environment may reach {size} bytes; Lambda allows "
                f"{ENVIRONMENT_LIMIT}"
            )
        if "LoggingConfig" not in properties:
            found.append(f"{handler.logical_id} does not log to {names.FUNCTION_LOGS}")
        if names.errors_alarm_id(handler.logical_id) not in resources:
            found.append(f"{handler.logical_id} has no errors alarm")
        if names.throttles_alarm_id(handler.logical_id) not in resources:
            found.append(f"{handler.logical_id} has no throttles alarm")
        if handler.scheduled and names.heartbeat_alarm_id(handler.logical_id) not in resources:
            found.append(f"scheduled {handler.logical_id} has no heartbeat alarm")
        if names.deploy_errors_alarm_id(handler.logical_id) not in resources:
            found.append(f"{handler.logical_id} has no deploy errors alarm to roll back on")
    found.extend(calls_past_aliases(template))
    found.extend(queue_problems(template))
    found.extend(event_source_problems(template))
    cycle = find_cycle(resources)
    if cycle:
        found.append("circular dependency: " + " -> ".join(cycle))
    return found


def role_problems(
    resources: dict[str, Any], handler: Handler, policies: dict[str, dict[str, Any]]
) -> list[str]:
    """A function's role must be its own and carry exactly the policy declared for it."""
    function = function_name(handler, [n for n in policies if n != DEFAULT]) or DEFAULT
    role = resources[handler.logical_id]["Properties"].get("Role", {})
    role_id = role.get("Fn::GetAtt", [""])[0] if isinstance(role, dict) else ""
    if resources.get(role_id, {}).get("Type") != ROLE_TYPE:
        return [f"{handler.logical_id} has no role of this stack"]
    documents = [p["PolicyDocument"] for p in resources[role_id]["Properties"].get("Policies", [])]
    if documents != [policies[function]]:
        shown = "the default" if function == DEFAULT else function
        return [f"role {role_id} does not carry the policy declared for {shown}"]
    return []


def queue_problems(template: dict[str, Any]) -> list[str]:
    """Every work queue exists, and its consumer never sees a message another run holds."""
    resources = template.get("Resources", {})
    handlers = handlers_in(template)
    found = []
    for queue in WORK_QUEUES:
        resource = resources.get(queue.queue_id)
        if resource is None:
            found.append(f"no {queue.queue_id}: {queue.consumer} would have nothing to consume")
            continue
        timeout = consumer_timeout(queue, handlers, 0)
        hidden = resource["Properties"].get("VisibilityTimeout", 30)
        if hidden < VISIBILITY_TIMEOUTS_PER_RUN * timeout:
            found.append(
                f"{queue.queue_id} hides a message {hidden} s, less than "
                f"{VISIBILITY_TIMEOUTS_PER_RUN} x the {queue.consumer} function's {timeout} s"
            )
    return found


def event_source_problems(template: dict[str, Any]) -> list[str]:
    """A queue-fed function must read a queue of this stack, not one Chalice named by guess."""
    resources = template.get("Resources", {})
    queues = {k for k, v in resources.items() if v.get("Type") == QUEUE_TYPE}
    found = []
    for handler in handlers_in(template):
        events = resources[handler.logical_id]["Properties"].get("Events") or {}
        for event in handler.queue_events:
            where = f"{handler.logical_id}'s event {event.event_id}"
            if not references(event.queue) & queues:
                found.append(
                    f"{where} reads {event.queue_name or event.queue}, not a queue of this "
                    "stack (map app.py's queue name in queues.APP_QUEUES)"
                )
            found.extend(f"{where}: {p}" for p in mapping_problems(events[event.event_id]))
    return found


def mapping_problems(event: dict[str, Any]) -> list[str]:
    """Settings Lambda would refuse only at deploy time."""
    properties = event.get("Properties", {})
    found = []
    concurrency = properties.get("ScalingConfig", {}).get("MaximumConcurrency")
    if concurrency is not None and concurrency not in MAX_CONCURRENCY_RANGE:
        found.append(f"maximum concurrency {concurrency} is outside 2-1000")
    batch = properties.get("BatchSize", MAX_BATCH_WITHOUT_WINDOW)
    if batch > MAX_BATCH_WITHOUT_WINDOW and not properties.get("MaximumBatchingWindowInSeconds"):
        found.append(f"a batch of {batch} needs a batching window of at least 1 s")
    return found


def environment_size(variables: dict[str, Any]) -> int:
    """An upper estimate of the environment's size once references are resolved."""
    total = 0
    for key, value in variables.items():
        text = value if isinstance(value, str) else ""
        allowance = 0 if isinstance(value, str) else REFERENCE_ALLOWANCE
        total += len(key.encode()) + len(text.encode()) + allowance
    return total


def references(node: Any) -> set[str]:
    """Logical ids a piece of template refers to (Ref, Fn::GetAtt, and ``${X}`` in Fn::Sub)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                # SAM's ``[Function.Version, Version]`` names the function's version.
                target = value[0] if isinstance(value, list) else str(value)
                found.add(target.split(".")[0])
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                found.update(SUB_NAMES.findall(text))
                if isinstance(value, list):
                    found.update(references(value[1:]))
            else:
                found.update(references(value))
    elif isinstance(node, list):
        for item in node:
            found.update(references(item))
    return found


def transformed_properties(resource: dict[str, Any]) -> dict[str, Any]:
    """The properties that stay with the resource through the SAM transform: a function's
    ``DeploymentPreference`` (its alarms) goes to the CodeDeploy deployment group SAM makes,
    so the alarms that read the function are no circle."""
    properties = resource.get("Properties", {})
    if resource.get("Type") == "AWS::Serverless::Function":
        return {k: v for k, v in properties.items() if k != "DeploymentPreference"}
    return properties


def sam_generated(resources: dict[str, Any]) -> dict[str, str]:
    """Ids SAM will make for a function (its alias ``<Function>Alias<name>``) → the function:
    referring to the alias depends on the function. (``Function.Version`` and
    ``Function.Alias`` are cut at the dot.)"""
    return {
        f"{logical_id}Alias{resource['Properties']['AutoPublishAlias']}": logical_id
        for logical_id, resource in resources.items()
        if resource.get("Type") == "AWS::Serverless::Function"
        and isinstance(resource.get("Properties", {}).get("AutoPublishAlias"), str)
    }


def find_cycle(resources: dict[str, Any]) -> list[str]:
    """A dependency cycle among resources (CloudFormation refuses one), or []."""
    graph = {}
    generated = sam_generated(resources)
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else list(depends)
        found = references(transformed_properties(resource)) | set(depends)
        targets = {generated.get(t, t.split(".")[0]) for t in found}
        graph[logical_id] = sorted(t for t in targets if t in resources and t != logical_id)
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for target in graph[node]:
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


def describe(found: list[str]) -> str:
    return "The packaged template is not fit to deploy:\n" + "\n".join(f"  - {p}" for p in found)
