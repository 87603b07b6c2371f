"""``make deploy`` uploads the media layer's zip beside the function zip, once per content,
points the packaged template's layer at it, and a roll back checks it is still there."""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path

import pytest

from infra.package.media_layer import LAYER_ZIP, MEDIA_LAYER, layer_resource
from tests.infra.moto_process import client, moto_server, new_bucket
from tests.infra.test_deploy_against_moto import JURISDICTION, deploy, fake_build


@pytest.fixture(scope="module")
def moto():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture()
def names():
    tail = uuid.uuid4().hex[:8]
    return {"stack": f"layer-test-{tail}", "bucket": f"layer-artifacts-{tail}"}


def build_with_layer(out_dir: Path, version: str) -> Path:
    """A small build whose template declares the layer, with the layer's zip beside it."""
    fake_build(out_dir, version, function=True)
    template = json.loads((out_dir / "template.json").read_text())
    template["Resources"][MEDIA_LAYER] = layer_resource(JURISDICTION, "python3.11")
    template["Resources"]["Handler"]["Properties"]["Layers"] = [{"Ref": MEDIA_LAYER}]
    (out_dir / "template.json").write_text(json.dumps(template, indent=2))
    with zipfile.ZipFile(out_dir / LAYER_ZIP, "w") as archive:
        info = zipfile.ZipInfo("python/PIL/__init__.py", date_time=(2026, 12, 1, 0, 0, 0))
        archive.writestr(info, "# stands in for Pillow\n")
    return out_dir


def keys(moto: str, bucket: str) -> list[str]:
    return [o["Key"] for o in client("s3", moto).list_objects_v2(Bucket=bucket)["Contents"]]


def test_the_packaged_template_runs_the_layer_uploaded_beside_the_zip(moto, names, tmp_path):
    new_bucket(moto, names["bucket"])
    build = build_with_layer(tmp_path / "build", "0.22.0")
    done = deploy(moto, names, "--out", str(build), "--no-execute")
    assert done.returncode == 0, done.stdout + done.stderr
    uploaded = keys(moto, names["bucket"])
    (layer_key,) = (k for k in uploaded if k.endswith(".media-layer.zip"))
    (template_key,) = (k for k in uploaded if k.endswith(".template.json"))
    assert f"  layer     s3://{names['bucket']}/{layer_key}" in done.stdout
    s3 = client("s3", moto)
    body = s3.get_object(Bucket=names["bucket"], Key=template_key)["Body"].read()
    resources = json.loads(body)["Resources"]
    content = resources[MEDIA_LAYER]["Properties"]["ContentUri"]
    assert content == {"Bucket": names["bucket"], "Key": layer_key}
    layer = s3.get_object(Bucket=names["bucket"], Key=layer_key)["Body"].read()
    assert layer == (build / LAYER_ZIP).read_bytes()

    again = deploy(moto, names, "--out", str(build), "--no-execute")
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"  layer     s3://{names['bucket']}/{layer_key} (already there)" in again.stdout


def test_a_kept_release_whose_layer_is_gone_is_not_deployed(moto, names, tmp_path):
    new_bucket(moto, names["bucket"])
    build = build_with_layer(tmp_path / "build", "0.22.0")
    assert deploy(moto, names, "--out", str(build), "--no-execute").returncode == 0
    s3 = client("s3", moto)
    for key in keys(moto, names["bucket"]):
        if key.endswith(".media-layer.zip"):
            s3.delete_object(Bucket=names["bucket"], Key=key)
    refused = deploy(moto, names, "--release", "0.22.0", "--yes")
    assert refused.returncode == 1
    assert "which is gone" in refused.stderr
