"""DynamoDB tables for the template, read off the PynamoDB models: the models are the schema.

Nothing here is written by hand per table, so a new model, index or TTL attribute reaches the
deployed stack with the next ``make package``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from chalicelib.store.models import ALL_MODELS
from chalicelib.store.tables import base_name

from .names import table_logical_id

KEY_ORDER = {"HASH": 0, "RANGE": 1}


def table_resources(prefix: str, models: Iterable[type[Model]] = ALL_MODELS) -> dict[str, Any]:
    """``{logical id: AWS::DynamoDB::Table}`` for every model, named ``{prefix}{base name}``."""
    resources: dict[str, Any] = {}
    for model in models:
        base = base_name(model)
        resources[table_logical_id(base)] = table_resource(model, f"{prefix}{base}")
    return resources


def table_resource(model: type[Model], table_name: str) -> dict[str, Any]:
    """One table: keys, indexes, on-demand billing, backups and encryption always on.

    Retained on stack deletion and on replacement: a mistaken deploy must never drop a
    jurisdiction's conversations.
    """
    schema = model._get_schema()
    properties: dict[str, Any] = {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": sorted(
            schema["attribute_definitions"], key=lambda d: d["AttributeName"]
        ),
        "KeySchema": key_schema(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    if schema["global_secondary_indexes"]:
        properties["GlobalSecondaryIndexes"] = [
            index_properties(index) for index in schema["global_secondary_indexes"]
        ]
    if schema["local_secondary_indexes"]:
        properties["LocalSecondaryIndexes"] = [
            index_properties(index) for index in schema["local_secondary_indexes"]
        ]
    stream_view = getattr(model.Meta, "stream_view_type", None)
    if stream_view:
        properties["StreamSpecification"] = {"StreamViewType": stream_view}
    ttl = ttl_attribute_name(model)
    if ttl:
        properties["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def key_schema(keys: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """DynamoDB wants the hash key first, whatever order the model declares them in."""
    return [
        {"AttributeName": key["AttributeName"], "KeyType": key["KeyType"]}
        for key in sorted(keys, key=lambda k: KEY_ORDER[k["KeyType"]])
    ]


def index_properties(index: Mapping[str, Any]) -> dict[str, Any]:
    """PynamoDB's index schema (snake_case keys) in CloudFormation's shape."""
    projection = {"ProjectionType": index["projection"]["ProjectionType"]}
    if index["projection"].get("NonKeyAttributes"):
        projection["NonKeyAttributes"] = list(index["projection"]["NonKeyAttributes"])
    return {
        "IndexName": index["index_name"],
        "KeySchema": key_schema(index["key_schema"]),
        "Projection": projection,
    }


def ttl_attribute_name(model: type[Model]) -> str | None:
    """The stored name of the model's ``TTLAttribute``, if it declares one."""
    for attribute in model.get_attributes().values():
        if isinstance(attribute, TTLAttribute):
            return attribute.attr_name
    return None
