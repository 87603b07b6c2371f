"""A plain CloudFormation template created as a stack on a moto server of its own, and
what the checks need to read it back: the physical ids, the resources moto could not create
(with its reason), and the template's own values resolved as CloudFormation resolves them.

The server is ``moto_gaps_server``: a resource moto cannot create is reported as a
``CREATE_FAILED`` event and the rest of the stack is still made.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.infra.moto_process import REGION, client, moto_server, new_bucket

ACCOUNT = "123456789012"  # moto's default account
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
PSEUDO = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
MISSING_GETATT = re.compile(r"Fn::GetAtt references undefined resource (\w+)")
SUB_NAME = re.compile(r"\$\{([A-Za-z0-9:]+)(?:\.([A-Za-z0-9.]+))?\}")


@dataclass
class Stack:
    """A created stack: its template, physical ids, and what moto could not create."""

    endpoint: str
    name: str
    template: dict[str, Any]
    physical: dict[str, str]
    gaps: dict[str, tuple[str, str]]  # logical id -> (type, reason)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        return client(service, self.endpoint)

    def resources(self, kind: str) -> dict[str, Any]:
        """The template's resources of one type that moto created, by logical id."""
        return {
            logical_id: resource
            for logical_id, resource in self.template["Resources"].items()
            if resource["Type"] == kind and logical_id not in self.gaps
        }

    def resolve(self, value: Any) -> Any:
        """``value`` with Ref, Fn::GetAtt and Fn::Sub replaced as CloudFormation would. A
        name of a resource moto did not create stays as written inside a Fn::Sub (as moto
        leaves it) and is None elsewhere."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return self.ref(value["Ref"])
        if set(value) == {"Fn::GetAtt"}:
            logical_id, name = value["Fn::GetAtt"]
            return self.attribute(logical_id, name)
        if set(value) == {"Fn::Sub"}:
            return self.sub(value["Fn::Sub"])
        return {key: self.resolve(item) for key, item in value.items()}

    def names_a_gap(self, value: Any) -> bool:
        """Whether ``value`` refers to a resource moto did not create."""
        if isinstance(value, list):
            return any(self.names_a_gap(item) for item in value)
        if not isinstance(value, dict):
            return False
        if set(value) == {"Ref"}:
            return value["Ref"] in self.gaps
        if set(value) == {"Fn::GetAtt"}:
            return value["Fn::GetAtt"][0] in self.gaps
        if set(value) == {"Fn::Sub"}:
            spec = value["Fn::Sub"]
            text, names = (spec, {}) if isinstance(spec, str) else (spec[0], spec[1])
            named = {found.group(1) for found in SUB_NAME.finditer(text)} - set(names)
            return bool(named & set(self.gaps)) or self.names_a_gap(list(names.values()))
        return any(self.names_a_gap(item) for item in value.values())

    def ref(self, name: str) -> str | None:
        if name in PSEUDO:
            return PSEUDO[name]
        return self.physical.get(name)

    def sub(self, spec: str | list[Any]) -> str:
        text, names = (spec, {}) if isinstance(spec, str) else (spec[0], spec[1])

        def replace(found: re.Match[str]) -> str:
            name, attribute = found.group(1), found.group(2)
            if name in names:
                return str(self.resolve(names[name]))
            value = self.attribute(name, attribute) if attribute else self.ref(name)
            return found.group(0) if value is None else value

        return SUB_NAME.sub(replace, text)

    def attribute(self, logical_id: str, name: str) -> str | None:
        """The attributes the checks meet, read from the services (moto's values)."""
        if logical_id in self.gaps:
            return None
        if (logical_id, name) not in self.attributes:
            self.attributes[logical_id, name] = self.read_attribute(logical_id, name)
        return self.attributes[logical_id, name]

    def read_attribute(self, logical_id: str, name: str) -> str:
        kind = self.template["Resources"][logical_id]["Type"]
        physical = self.physical[logical_id]
        if kind == "AWS::DynamoDB::Table":
            table = self.client("dynamodb").describe_table(TableName=physical)["Table"]
            return str(table["LatestStreamArn"] if name == "StreamArn" else table["TableArn"])
        if kind == "AWS::SQS::Queue":
            found = self.client("sqs").get_queue_attributes(
                QueueUrl=physical, AttributeNames=["QueueArn"]
            )
            arn = str(found["Attributes"]["QueueArn"])
            return arn.rsplit(":", 1)[1] if name == "QueueName" else arn
        if kind == "AWS::Lambda::Function":
            found = self.client("lambda").get_function(FunctionName=physical)
            return str(found["Configuration"]["FunctionArn"])
        if kind == "AWS::IAM::Role":
            return str(self.client("iam").get_role(RoleName=physical)["Role"]["Arn"])
        if kind == "AWS::Events::Rule":
            return str(self.client("events").describe_rule(Name=physical)["Arn"])
        if kind == "AWS::S3::Bucket" and name == "Arn":
            self.client("s3").head_bucket(Bucket=physical)  # it exists
            return f"arn:aws:s3:::{physical}"
        raise KeyError(f"{logical_id}.{name} ({kind}): not read by these checks")


@contextmanager
def created_stack(template: dict[str, Any], bucket: str, code_key: str) -> Iterator[Stack]:
    """``template`` created as a stack in moto, its functions' code a stand-in zip at
    ``s3://bucket/code_key``; stopped afterwards."""
    with moto_server("tests.infra.moto_gaps_server") as endpoint:
        s3 = client("s3", endpoint)
        new_bucket(endpoint, bucket)
        s3.put_object(Bucket=bucket, Key=code_key, Body=stand_in_zip())
        s3.put_object(Bucket=bucket, Key="plain.template.json", Body=json.dumps(template))
        cloudformation = client("cloudformation", endpoint)
        name = f"rehearsal-{bucket}"
        cloudformation.create_stack(
            StackName=name,
            TemplateURL=f"https://s3.{REGION}.amazonaws.com/{bucket}/plain.template.json",
            Capabilities=CAPABILITIES,
        )
        stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack
        gaps = gaps_of(cloudformation, name, template)
        listed = cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]
        physical = {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in listed
            if r["LogicalResourceId"]  # moto lists what it could not create with no id
        }
        yield Stack(endpoint, name, template, physical, gaps)


def stand_in_zip() -> bytes:
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w") as archive:
        archive.writestr("app.py", "# stands in for the packaged app\n")
    return body.getvalue()


def gaps_of(cloudformation: Any, stack: str, template: dict[str, Any]) -> dict[str, Any]:
    """Each resource moto could not create: (type, reason). A reason naming another resource
    names it by its type instead (its logical id changes more often)."""
    events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
    gaps = {}
    for event in events:
        if event["ResourceStatus"] != "CREATE_FAILED":
            continue
        reason = event.get("ResourceStatusReason", "")
        missing = MISSING_GETATT.search(reason)
        if missing:
            kind = template["Resources"][missing.group(1)]["Type"]
            reason = f"Fn::GetAtt of an {kind} moto did not create"
        gaps[event["LogicalResourceId"]] = (event["ResourceType"], reason)
    return gaps
