"""Checks on the final template that cfn-lint does not make, run on every build.

Each guards an assumption about how Chalice's template and ours fit together: if Chalice
changes its output, the build fails here instead of deploying a half-configured stack.
"""

from __future__ import annotations

import re
from typing import Any

from . import names
from .functions import Handler, function_name, handlers_in
from .permissions import DEFAULT
from .queues import VISIBILITY_TIMEOUTS_PER_RUN, replay_timeout

# Lambda refuses more than 4 KB of environment (names and values together).
ENVIRONMENT_LIMIT = 4096
# What a resolved reference may grow to (a pool id is ~26 characters, a URL ~80).
REFERENCE_ALLOWANCE = 120
ROLE_TYPE = "AWS::IAM::Role"
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
        size = environment_size(variables)
        if size > ENVIRONMENT_LIMIT:
            found.append(
                f"{handler.logical_id}'s environment may reach {size} bytes; Lambda allows "
                f"{ENVIRONMENT_LIMIT} (shorten the jurisdiction's texts?)"
            )
        if "LoggingConfig" not in properties:
            found.append(f"{handler.logical_id} does not log to {names.FUNCTION_LOGS}")
        if names.errors_alarm_id(handler.logical_id) not in resources:
            found.append(f"{handler.logical_id} has no errors alarm")
        if handler.scheduled and names.heartbeat_alarm_id(handler.logical_id) not in resources:
            found.append(f"scheduled {handler.logical_id} has no heartbeat alarm")
    found.extend(queue_problems(template))
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
    """The replay must never see a text another run is still replaying."""
    queue = template.get("Resources", {}).get(names.FALLBACK_QUEUE)
    if queue is None:
        return [f"no {names.FALLBACK_QUEUE}: inbound texts would be lost in an outage"]
    timeout = replay_timeout(handlers_in(template), 0)
    hidden = queue["Properties"].get("VisibilityTimeout", 30)
    if hidden < VISIBILITY_TIMEOUTS_PER_RUN * timeout:
        return [
            f"{names.FALLBACK_QUEUE} hides a message {hidden} s, less than "
            f"{VISIBILITY_TIMEOUTS_PER_RUN} x the replay function's {timeout} s"
        ]
    return []


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
                target = value[0] if isinstance(value, list) else str(value).split(".")[0]
                found.add(target)
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


def find_cycle(resources: dict[str, Any]) -> list[str]:
    """A dependency cycle among resources (CloudFormation refuses one), or []."""
    graph = {}
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else list(depends)
        targets = references(resource.get("Properties", {})) | set(depends)
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
