"""One CloudFormation change set: made, shown, checked, executed and watched to its end.

A deploy is always a change set, so what will change is read before anything does. A change
that would replace a table, the media bucket, the user pool or a queue is refused: tables and
the bucket keep people's records, a new user pool would sign everyone out for good, and a
queue may hold texts not yet stored (docs/operations.md, "Upgrade"). Queues are retained too,
so a replaced one would be kept, texts and all, where the app no longer reads them: still
refused. A replaced log group is kept and loses nothing, so it is not refused.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

PROTECTED = {
    "AWS::DynamoDB::Table": "a table",
    "AWS::S3::Bucket": "the bucket",
    "AWS::Cognito::UserPool": "the user pool",
    "AWS::SQS::Queue": "a queue",
}
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
CANNOT_UPDATE = {
    "ROLLBACK_COMPLETE": "its first deploy failed and was rolled back",
    "ROLLBACK_FAILED": "its first deploy failed and could not be rolled back",
    "CREATE_FAILED": "its first deploy failed",
    "DELETE_FAILED": "deleting it failed",
    "UPDATE_ROLLBACK_FAILED": "a failed update could not be rolled back",
}
DONE = {"CREATE_COMPLETE", "UPDATE_COMPLETE"}
FAILED_ENDINGS = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "_FAILED")
Echo = Callable[[str], None]


class DeployError(Exception):
    """The deploy stopped; the message says where the stack was left and what to do."""


@dataclass(frozen=True)
class Change:
    action: str
    logical_id: str
    resource_type: str
    replacement: str | None = None

    @property
    def replaces_data(self) -> bool:
        return self.resource_type in PROTECTED and self.replacement in ("True", "Conditional")

    def line(self) -> str:
        replacing = f"  Replacement: {self.replacement}" if self.replacement else ""
        warning = "  <-- REPLACES DATA" if self.replaces_data else ""
        return f"  {self.action:<7} {self.logical_id:<44} {self.resource_type}{replacing}{warning}"


def change_set_type(cloudformation: Any, stack: str) -> str:
    """CREATE for a stack that does not exist yet (or was only ever reviewed), else UPDATE."""
    try:
        found = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return "CREATE"
        raise
    status = found["StackStatus"]
    if status == "REVIEW_IN_PROGRESS":
        return "CREATE"
    if status in CANNOT_UPDATE:
        raise DeployError(
            f"stack {stack} is {status}: {CANNOT_UPDATE[status]}. See docs/operations.md, "
            '"When a deploy fails", before deploying again.'
        )
    if status.endswith("_IN_PROGRESS"):
        raise DeployError(f"stack {stack} is busy ({status}); wait until it is done")
    return "UPDATE"


def change_set_name(version: str, now: datetime) -> str:
    """Letters, digits and dashes, starting with a letter, as CloudFormation requires; the
    version and time for people, a random tail so two in one second still differ."""
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^A-Za-z0-9]", "-", version)
    return f"clientcomm-{safe}-{stamp}-{secrets.token_hex(2)}"


def create(
    cloudformation: Any,
    stack: str,
    template_url: str,
    *,
    kind: str,
    name: str,
    description: str,
    tags: dict[str, str],
) -> str:
    """Ask for the change set; its id."""
    made = cloudformation.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType=kind,
        TemplateURL=template_url,
        Capabilities=CAPABILITIES,
        Description=description[:1024],
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )
    return str(made["Id"])


def wait_until_made(
    cloudformation: Any, change_set: str, *, timeout: float = 600, poll: float = 5
) -> bool:
    """True once the change set is ready; False if it would change nothing (then deleted)."""
    deadline = time.monotonic() + timeout
    while True:
        found = cloudformation.describe_change_set(ChangeSetName=change_set)
        status = found["Status"]
        if status == "CREATE_COMPLETE":
            return True
        if status == "FAILED":
            reason = found.get("StatusReason", "")
            if any(words in reason for words in NO_CHANGES):
                cloudformation.delete_change_set(ChangeSetName=change_set)
                return False
            raise DeployError(f"CloudFormation could not make the change set: {reason}")
        if time.monotonic() > deadline:
            raise DeployError(f"the change set was still {status} after {timeout:.0f} s")
        time.sleep(poll)


def changes_of(cloudformation: Any, change_set: str) -> list[Change]:
    """Every resource change, across pages."""
    found: list[Change] = []
    token: str | None = None
    while True:
        extra = {"NextToken": token} if token else {}
        page = cloudformation.describe_change_set(ChangeSetName=change_set, **extra)
        for change in page.get("Changes", []):
            detail = change.get("ResourceChange", {})
            found.append(
                Change(
                    detail.get("Action", "?"),
                    detail.get("LogicalResourceId", "?"),
                    detail.get("ResourceType", "?"),
                    detail.get("Replacement"),
                )
            )
        token = page.get("NextToken")
        if not token:
            return found


def summary(changes: list[Change]) -> str:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.action] = counts.get(change.action, 0) + 1
    return ", ".join(f"{n} {action.lower()}" for action, n in sorted(counts.items()))


def refusal(changes: list[Change]) -> str | None:
    """Why this change set must not be executed, or None."""
    replaced = [c for c in changes if c.replaces_data]
    if not replaced:
        return None
    what = "; ".join(
        f"{c.logical_id} ({PROTECTED[c.resource_type]}, Replacement: {c.replacement})"
        for c in replaced
    )
    return (
        f"it would replace {what}. Replacing loses what is stored there or fails on its fixed "
        'name; see docs/operations.md, "Upgrade". Nothing was executed.'
    )


def seen_events(cloudformation: Any, stack: str) -> set[str]:
    """Ids of the events already there, so the watch prints only this deploy's."""
    events = cloudformation.describe_stack_events(StackName=stack).get("StackEvents", [])
    return {event["EventId"] for event in events}


def execute_and_watch(
    cloudformation: Any,
    stack: str,
    change_set: str,
    echo: Echo,
    *,
    first: bool = False,
    timeout: float = 3600,
    poll: float = 10,
) -> str:
    """Execute, print each new stack event, and return the final status once it is done;
    DeployError with the failed resources' reasons if it ends rolled back or failed.

    A ``first`` deploy that fails deletes what it created, retained tables and bucket
    included (nothing has run yet), so it can simply be tried again; a failed update keeps
    every retained resource, new ones too, since the new code may have written to them.
    """
    seen = seen_events(cloudformation, stack)
    cloudformation.execute_change_set(ChangeSetName=change_set, RetainExceptOnCreate=first)
    deadline = time.monotonic() + timeout
    failures: list[str] = []
    while True:
        events = cloudformation.describe_stack_events(StackName=stack).get("StackEvents", [])
        new = [e for e in events if e["EventId"] not in seen]
        for event in sorted(new, key=lambda e: e["Timestamp"]):
            seen.add(event["EventId"])
            reason = event.get("ResourceStatusReason") or ""
            echo(f"  {event['ResourceStatus']:<20} {event['LogicalResourceId']:<44} {reason}")
            if event["ResourceStatus"].endswith("FAILED") and reason:
                failures.append(f"{event['LogicalResourceId']}: {reason}")
        status = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
        if status in DONE:
            return str(status)
        if not status.endswith("_IN_PROGRESS") and status.endswith(FAILED_ENDINGS):
            found = "\n  ".join(failures) or "no reason given"
            raise DeployError(f"the deploy ended {status}:\n  {found}")
        if time.monotonic() > deadline:
            raise DeployError(f"stack {stack} was still {status} after {timeout:.0f} s")
        time.sleep(poll)


def outputs(cloudformation: Any, stack: str) -> list[tuple[str, str]]:
    found = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    return sorted((str(o["OutputKey"]), str(o["OutputValue"])) for o in found)
