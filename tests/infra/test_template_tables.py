"""The template's tables are the PynamoDB models' tables, checked against the model classes:
keys, indexes with their projections (type and included attributes), and time to live."""

from __future__ import annotations

import inspect

import pytest
from pynamodb.attributes import Attribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import (
    AllProjection,
    GlobalSecondaryIndex,
    IncludeProjection,
    Index,
    LocalSecondaryIndex,
)
from pynamodb.models import Model

from chalicelib.store.models import ALL_MODELS
from chalicelib.store.tables import base_name
from infra.package.tables import table_resource
from tests.infra.packaging import EXAMPLES, of_type


def keys_of(cls: type) -> set[tuple[str, str, str]]:
    """(name, HASH|RANGE, type) of the key attributes a model or index class declares."""
    found = set()
    for _, attribute in inspect.getmembers(cls, lambda v: isinstance(v, Attribute)):
        if attribute.is_hash_key or attribute.is_range_key:
            kind = "HASH" if attribute.is_hash_key else "RANGE"
            found.add((attribute.attr_name, kind, attribute.attr_type))
    return found


def ttl_of(model: type[Model]) -> str | None:
    """The stored name of the model's TTLAttribute, read off the class."""
    found = [
        attribute.attr_name
        for _, attribute in inspect.getmembers(model, lambda v: isinstance(v, TTLAttribute))
    ]
    assert len(found) <= 1, f"{model.__name__} declares more than one TTL attribute"
    return found[0] if found else None


def expected_table(model: type[Model]) -> dict:
    """What the model says its table is, read off its attributes and index classes."""
    indexes = {}
    definitions = {(name, kind_type) for name, _, kind_type in keys_of(model)}
    for _, index in inspect.getmembers(model, lambda v: isinstance(v, Index)):
        index_keys = keys_of(type(index))
        definitions |= {(name, attr_type) for name, _, attr_type in index_keys}
        kind = "global" if isinstance(index, GlobalSecondaryIndex) else "local"
        projection = index.Meta.projection
        indexes[index.Meta.index_name] = (
            kind,
            {(name, key_kind) for name, key_kind, _ in index_keys},
            projection.projection_type,
            frozenset(getattr(projection, "non_key_attributes", None) or ()),
        )
    return {
        "keys": {(name, kind) for name, kind, _ in keys_of(model)},
        "definitions": definitions,
        "indexes": indexes,
        "ttl": ttl_of(model),
    }


def actual_table(properties: dict) -> dict:
    indexes = {
        index["IndexName"]: (
            kind,
            {(k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]},
            index["Projection"]["ProjectionType"],
            frozenset(index["Projection"].get("NonKeyAttributes", ())),
        )
        for kind, key in (("global", "GlobalSecondaryIndexes"), ("local", "LocalSecondaryIndexes"))
        for index in properties.get(key, [])
    }
    ttl = properties.get("TimeToLiveSpecification", {})
    return {
        "keys": {(k["AttributeName"], k["KeyType"]) for k in properties["KeySchema"]},
        "definitions": {
            (d["AttributeName"], d["AttributeType"]) for d in properties["AttributeDefinitions"]
        },
        "indexes": indexes,
        "ttl": ttl.get("AttributeName") if ttl.get("Enabled") else None,
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_model_has_its_table_with_the_same_keys_indexes_projections_and_ttl(templates, name):
    tables = {
        t["Properties"]["TableName"]: t["Properties"]
        for t in of_type(templates[name], "AWS::DynamoDB::Table").values()
    }
    expected_names = {f"clientcomm-{name}-{base_name(model)}" for model in ALL_MODELS}
    assert set(tables) == expected_names
    for model in ALL_MODELS:
        properties = tables[f"clientcomm-{name}-{base_name(model)}"]
        assert actual_table(properties) == expected_table(model), model.__name__


@pytest.mark.parametrize("name", EXAMPLES)
def test_scheduled_texts_and_unresolved_sends_have_their_sparse_indexes_in_the_template(
    templates, name
):
    """The comparison above covers them; this names what the send path cannot work without."""
    tables = {
        t["Properties"]["TableName"]: actual_table(t["Properties"])
        for t in of_type(templates[name], "AWS::DynamoDB::Table").values()
    }
    scheduled = tables[f"clientcomm-{name}-scheduled-texts"]
    due = scheduled["indexes"]["due"]
    assert due[:3] == ("global", {("due_partition", "HASH"), ("due_key", "RANGE")}, "INCLUDE")
    assert {"body", "send_at", "state", "version"} <= due[3]
    pending = scheduled["indexes"]["pending-by-department"]
    assert pending[1] == {("pending_department", "HASH"), ("due_key", "RANGE")}
    assert scheduled["ttl"] == "expires_at"
    unresolved = tables[f"clientcomm-{name}-conversations"]["indexes"]["unresolved-sends"]
    assert unresolved[1] == {("check_due", "HASH"), ("entry_key", "RANGE")}
    assert unresolved[2] == "INCLUDE"


@pytest.mark.parametrize("name", EXAMPLES)
def test_tables_are_on_demand_backed_up_encrypted_and_kept_when_the_stack_goes(templates, name):
    for logical_id, table in of_type(templates[name], "AWS::DynamoDB::Table").items():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST", logical_id
        assert properties["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True
        }
        assert properties["SSESpecification"] == {"SSEEnabled": True}
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


class ExpiringModel(Model):
    """A model of the kind the app may add: a TTL, a local index, a selective projection."""

    class Meta:
        table_name = "expiring"

    sort_key = UnicodeAttribute(range_key=True)  # declared before the hash key on purpose
    owner = UnicodeAttribute(hash_key=True)
    expires = TTLAttribute(attr_name="expires_at")

    class ByOwnerKind(LocalSecondaryIndex):
        class Meta:
            index_name = "by-kind"
            projection = IncludeProjection(["sort_key"])

        owner = UnicodeAttribute(hash_key=True)
        kind = UnicodeAttribute(range_key=True)

    class ByKind(GlobalSecondaryIndex):
        class Meta:
            index_name = "everything-by-kind"
            projection = AllProjection()

        kind = UnicodeAttribute(hash_key=True)

    kind = UnicodeAttribute()
    by_owner_kind = ByOwnerKind()
    by_kind = ByKind()


def test_a_model_with_a_ttl_attribute_gets_time_to_live_on_its_stored_name():
    properties = table_resource(ExpiringModel, "p-expiring")["Properties"]
    assert properties["TimeToLiveSpecification"] == {
        "AttributeName": "expires_at",
        "Enabled": True,
    }


def test_hash_keys_come_first_and_local_indexes_keep_their_projection():
    properties = table_resource(ExpiringModel, "p-expiring")["Properties"]
    assert [k["KeyType"] for k in properties["KeySchema"]] == ["HASH", "RANGE"]
    (local,) = properties["LocalSecondaryIndexes"]
    assert local["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["sort_key"]}
    assert local["KeySchema"][0] == {"AttributeName": "owner", "KeyType": "HASH"}
    (global_index,) = properties["GlobalSecondaryIndexes"]
    assert global_index["IndexName"] == "everything-by-kind"
    names = {d["AttributeName"] for d in properties["AttributeDefinitions"]}
    assert names == {"owner", "sort_key", "kind"}


def test_the_comparison_notices_a_projection_that_drifted_from_the_model():
    properties = table_resource(ExpiringModel, "p-expiring")["Properties"]
    assert actual_table(properties) == expected_table(ExpiringModel)
    (local,) = properties["LocalSecondaryIndexes"]
    local["Projection"]["NonKeyAttributes"] = ["sort_key", "kind"]
    assert actual_table(properties) != expected_table(ExpiringModel)


def test_the_comparison_notices_a_missing_time_to_live():
    properties = table_resource(ExpiringModel, "p-expiring")["Properties"]
    del properties["TimeToLiveSpecification"]
    assert actual_table(properties)["ttl"] is None
    assert expected_table(ExpiringModel)["ttl"] == "expires_at"
