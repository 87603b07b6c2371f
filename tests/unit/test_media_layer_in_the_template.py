"""The media layer in the template: declared once, given to the thumbnail function only, and
pointed at the artifacts bucket by the deploy as the functions' code is."""

from __future__ import annotations

from typing import Any

import pytest

from infra.package import artifacts, plain_template
from infra.package.media_layer import (
    LAYER_TYPE,
    LOCAL_LAYER,
    MEDIA_LAYER,
    MEDIA_LAYER_FUNCTIONS,
    with_media_layer,
)
from infra.package.names import function_logical_id

FUNCTION = "AWS::Serverless::Function"
MEDIA_FUNCTION_ID = function_logical_id("copy-media")


def function(**properties: Any) -> dict[str, Any]:
    return {"Type": FUNCTION, "Properties": {"CodeUri": artifacts.LOCAL_CODE, **properties}}


def template_with(*logical_ids: str) -> dict[str, Any]:
    """A packaged template's shape: functions and one queue."""
    resources = {logical_id: function(Handler="app.app") for logical_id in logical_ids}
    return {"Resources": {**resources, "Inbox": {"Type": "AWS::SQS::Queue"}}}


def test_the_media_function_is_named_copy_media():
    """app.py declares it with ``name="copy-media"`` (issue 22's inbound photo copier)."""
    assert frozenset({"copy-media"}) == MEDIA_LAYER_FUNCTIONS
    assert MEDIA_FUNCTION_ID == "CopyMedia"


def test_only_the_media_function_is_given_the_layer():
    template = template_with("APIHandler", MEDIA_FUNCTION_ID, "SendScheduled")
    layered = with_media_layer(template, "salt-lake-county", "python3.11")
    resources = layered["Resources"]
    assert resources[MEDIA_FUNCTION_ID]["Properties"]["Layers"] == [{"Ref": MEDIA_LAYER}]
    given = {rid for rid, r in resources.items() if "Layers" in r.get("Properties", {})}
    assert given == {MEDIA_FUNCTION_ID}
    assert "Layers" not in template["Resources"][MEDIA_FUNCTION_ID]["Properties"]  # a copy


def test_the_layer_is_declared_for_lambdas_python_under_the_jurisdictions_name():
    layered = with_media_layer(template_with("APIHandler"), "salt-lake-county", "python3.11")
    layer = layered["Resources"][MEDIA_LAYER]
    assert layer["Type"] == LAYER_TYPE
    properties = layer["Properties"]
    assert properties["ContentUri"] == LOCAL_LAYER
    assert properties["CompatibleRuntimes"] == ["python3.11"]
    assert properties["CompatibleArchitectures"] == ["x86_64"]
    assert properties["LayerName"] == "clientcomm-salt-lake-county-media"


def test_a_template_without_the_media_function_gives_the_layer_to_nobody():
    layered = with_media_layer(template_with("APIHandler"), "salt-lake-county", "python3.11")
    assert not any("Layers" in r.get("Properties", {}) for r in layered["Resources"].values())
    assert MEDIA_LAYER in layered["Resources"]


def test_the_packaged_template_runs_the_layer_uploaded_beside_the_zip():
    template = with_media_layer(
        template_with("APIHandler", MEDIA_FUNCTION_ID), "salt-lake-county", "python3.11"
    )
    packaged = artifacts.packaged_template(template, "county-artifacts", "app.zip", "layer.zip")
    content = packaged["Resources"][MEDIA_LAYER]["Properties"]["ContentUri"]
    assert content == {"Bucket": "county-artifacts", "Key": "layer.zip"}
    assert artifacts.code_keys(packaged, "county-artifacts") == {"app.zip", "layer.zip"}


def test_a_template_whose_layer_was_not_uploaded_is_refused():
    template = with_media_layer(template_with("APIHandler"), "salt-lake-county", "python3.11")
    with pytest.raises(artifacts.ArtifactError, match="was not uploaded"):
        artifacts.packaged_template(template, "county-artifacts", "app.zip")


def test_the_offline_translation_names_a_key_for_the_layer_too():
    template = with_media_layer(template_with("APIHandler"), "salt-lake-county", "python3.11")
    placed = plain_template.with_code_in(template, "county-artifacts", "app.zip", "layer.zip")
    content = placed["Resources"][MEDIA_LAYER]["Properties"]["ContentUri"]
    assert content == {"Bucket": "county-artifacts", "Key": "layer.zip"}
    assert plain_template.with_code_in(placed, "elsewhere", "other.zip") is placed
