"""Tables of a test's own for the backfill tests (as the template defines them), and items
written "the old way": raw, as a release before the backfill's stored them."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.exceptions import ClientError

from chalicelib.store.models import (
    AppointmentModel,
    ClientModel,
    DepartmentSettingModel,
    RecordsRetentionModel,
)
from infra.ops.aws_target import Target
from infra.package.tables import table_resources
from tests.helpers import fresh_phone

REGION = "us-west-2"
STORED_AT = "2025-03-04T16:30:00.000000+0000"  # a fixed instant: when "old code" wrote them
TABLE_ARGUMENTS = ("TableName", "AttributeDefinitions", "KeySchema", "BillingMode",
                   "GlobalSecondaryIndexes")  # fmt: skip
MODELS = (ClientModel, RecordsRetentionModel, AppointmentModel, DepartmentSettingModel)


def dynamodb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


@contextmanager
def own_tables(provisioned: int | None = None) -> Iterator[str]:
    """A prefix whose clients, appointments, department-settings and records-retention
    tables are this test's own (``provisioned``: that many RCU/WCU instead of on-demand)."""
    made = f"bf-{uuid.uuid4().hex[:8]}-"
    names = []
    for table in table_resources(made, MODELS).values():
        properties = {
            k: table["Properties"][k] for k in TABLE_ARGUMENTS if k in table["Properties"]
        }
        if provisioned:
            units = {"ReadCapacityUnits": provisioned, "WriteCapacityUnits": provisioned}
            properties["BillingMode"] = "PROVISIONED"
            properties["ProvisionedThroughput"] = units
            for index in properties.get("GlobalSecondaryIndexes", []):
                index["ProvisionedThroughput"] = units
        dynamodb().create_table(**properties)
        names.append(properties["TableName"])
    try:
        yield made
    finally:
        for name in names:
            dynamodb().delete_table(TableName=name)


def target(prefix: str) -> Target:
    return Target(jurisdiction="demo", region=REGION, prefix=prefix)


def old_client(prefix: str, first: str = "Rosa", **extra: str) -> str:
    """A client as code before the caseload indexes stored it: no search_text, no active_*."""
    client_id = secrets.token_hex(10)
    item: dict[str, Any] = {
        "client_id": {"S": client_id},
        "department_id": {"S": "probation"},
        "case_manager_id": {"S": "kristina"},
        "first_name": {"S": first},
        "last_name": {"S": "Quintana"},
        "sort_name": {"S": f"quintana\x1f{first.casefold()}"},
        "phone": {"S": fresh_phone()},
        "created_at": {"S": STORED_AT},
        "updated_at": {"S": STORED_AT},
        "version": {"N": "3"},
    }
    item.update({name: {"S": value} for name, value in extra.items()})
    dynamodb().put_item(TableName=f"{prefix}clients", Item=item)
    return client_id


def stored(prefix: str, table: str, key: dict[str, Any]) -> dict[str, Any]:
    item = dynamodb().get_item(TableName=f"{prefix}{table}", Key=key, ConsistentRead=True)
    return {name: next(iter(value.values())) for name, value in item.get("Item", {}).items()}


def client(prefix: str, client_id: str) -> dict[str, Any]:
    return stored(prefix, "clients", {"client_id": {"S": client_id}})


def every_item(prefix: str, table: str) -> list[dict[str, Any]]:
    found = dynamodb().scan(TableName=f"{prefix}{table}", ConsistentRead=True)["Items"]
    return sorted(found, key=repr)


class Wrapped:
    """The DynamoDB client, with ``update_item`` watched: each write's key is kept,
    ``before_write`` runs first, and after ``fail_after`` writes every write fails as
    DynamoDB failing would (an InternalServerError)."""

    def __init__(self, real: Any, *, fail_after: int | None = None, before_write: Any = None):
        self.real, self.fail_after, self.before_write = real, fail_after, before_write
        self.written: list[str] = []
        self.attempts = 0

    def update_item(self, **request: Any) -> Any:
        self.attempts += 1
        if self.fail_after is not None and len(self.written) >= self.fail_after:
            raise ClientError({"Error": {"Code": "InternalServerError"}}, "UpdateItem")
        if self.before_write is not None:
            self.before_write()
        answer = self.real.update_item(**request)
        self.written.append(repr(request["Key"]))
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)
