"""Pillow and pillow-heif ship in a layer of their own, not in the zip every function shares:
the zip stays within its budget, the layer has its own, and PIL imported from the layer
alone (as Lambda puts it on the path) makes thumbnails of a PNG and an iPhone's HEIC."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra.config_loader import load_stack_config
from infra.package import artifacts, media_layer
from infra.package.build import DEFAULT_LAYER_CACHE, BuildFailed, build, summary
from infra.package.dependency_cache import lambda_python
from infra.package.lint import cfn_lint
from infra.package.media_layer import LAYER_ROOT, MEDIA_LAYER
from infra.package.zip_contents import ZIP_BUDGET_BYTES
from tests.helpers import ROOT
from tests.infra.packaging import FUNCTION, load, of_type

MEDIA_PACKAGES = ("PIL/", "pillow", "_pillow_heif")
# Imports PIL with nothing but the paths given on the command line: the Lambda root (the
# unpacked zip, /var/task) and the layer's python/ (/opt/python).
THUMBNAILS = """
import sys
sys.path[:0] = sys.argv[1].split(":")
import pillow_heif
from PIL import Image
pillow_heif.register_heif_opener()
for source in sys.argv[2:]:
    with Image.open(source) as image:
        image.thumbnail((32, 32))
        image.convert("RGB").save(source + ".thumb.jpg", "JPEG", quality=80)
print(Image.__file__)
"""
NO_PIL = """
import sys
sys.path[:0] = sys.argv[1].split(":")
try:
    import PIL
except ImportError:
    print("no PIL")
else:
    print(PIL.__file__)
"""


def names(archive_path: Path) -> list[str]:
    with zipfile.ZipFile(archive_path) as archive:
        return archive.namelist()


def isolated(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``script`` in this Python with no site-packages at all (-I -S: not the venv's, not
    the user's, no PYTHON* variables), so only the paths it is given can be imported."""
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-I", "-S", "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_zip_every_function_shares_carries_no_pillow(packaged):
    for package in packaged.examples.values():
        found = [n for n in names(package.zip) if n.startswith(MEDIA_PACKAGES)]
        assert found == [], found[:5]
        assert package.zip_size.zipped <= ZIP_BUDGET_BYTES


def test_the_layer_holds_pil_and_pillow_heif_under_python_and_nothing_else(packaged):
    package = packaged.examples["salt-lake-county"]
    inside = names(package.layer)
    assert [n for n in inside if not n.startswith(LAYER_ROOT)] == []
    assert f"{LAYER_ROOT}PIL/Image.py" in inside
    assert f"{LAYER_ROOT}pillow_heif/__init__.py" in inside
    assert f"{LAYER_ROOT}PIL/__pycache__/Image.{sys.implementation.cache_tag}.pyc" in inside
    assert any(n.startswith(f"{LAYER_ROOT}_pillow_heif.cpython-311-x86_64") for n in inside)
    assert package.layer_size.zipped <= media_layer.LAYER_BUDGET_BYTES


def test_every_build_with_the_same_requirements_makes_the_same_layer(packaged):
    """Same bytes, same content hash: the deploy uploads it once per requirements."""
    digests = {artifacts.file_digest(p.layer) for p in packaged.examples.values()}
    digests.add(artifacts.file_digest(packaged.with_schedule.layer))
    assert len(digests) == 1


def test_a_kept_layer_is_reused_without_pip(packaged, tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("pip ran although the layer was kept")

    monkeypatch.setattr(media_layer, "install", no_network)
    package = packaged.examples["salt-lake-county"]
    requirements = ROOT / media_layer.MEDIA_REQUIREMENTS
    made = media_layer.build_layer(
        requirements, DEFAULT_LAYER_CACHE, tmp_path / "layer.zip", lambda_python()
    )
    assert made.read_bytes() == package.layer.read_bytes()


def test_the_summary_shows_the_layers_size_and_budget_beside_the_zips(packaged):
    package = packaged.examples["salt-lake-county"]
    shown = summary(package)
    assert f"layer      {package.layer}" in shown
    assert f"{package.layer_size.zipped / 1e6:.1f} MB zipped" in shown
    assert f"budget {media_layer.LAYER_BUDGET_BYTES / 1e6:.1f} MB zipped" in shown
    assert shown.index("zip        ") < shown.index("layer      ")
    assert "for copy-media only" in shown


def test_a_layer_over_its_budget_fails_the_build(packaged, tmp_path):
    with pytest.raises(BuildFailed) as failed:
        build("salt-lake-county", tmp_path / "over", layer_budget=1_000_000)
    message = str(failed.value)
    assert "the media layer is" in message
    assert "over its budget of 1.0 MB" in message
    assert "pillow" in message


def test_every_example_declares_the_layer_and_gives_it_only_to_the_media_function(templates):
    media_ids = media_layer.media_function_ids()
    for template in templates.values():
        assert template["Resources"][MEDIA_LAYER]["Type"] == media_layer.LAYER_TYPE
        layered = {
            rid for rid, r in of_type(template, FUNCTION).items() if "Layers" in r["Properties"]
        }
        assert layered <= media_ids
        assert layered == media_ids & set(of_type(template, FUNCTION))


def test_a_template_giving_a_function_the_layer_lints_clean(packaged, tmp_path):
    """The copy-media function may not be in this app yet: another function stands in."""
    package = packaged.examples["salt-lake-county"]
    stand_in = frozenset({"send-scheduled"})
    template = media_layer.with_media_layer(
        load(package.template), package.config.name, lambda_python(), stand_in
    )
    assert template["Resources"]["SendScheduled"]["Properties"]["Layers"] == [{"Ref": MEDIA_LAYER}]
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=2))
    done = cfn_lint(path, load_stack_config(package.config.name).aws_region)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_deploy_refuses_a_build_whose_layer_is_missing(packaged, tmp_path):
    package = packaged.examples["salt-lake-county"]
    for path in (package.template, package.zip):
        shutil.copy2(path, tmp_path / path.name)
    with pytest.raises(artifacts.ArtifactError, match=r"media-layer\.zip is missing"):
        artifacts.read_built(tmp_path, "salt-lake-county")
    shutil.copy2(package.layer, tmp_path / package.layer.name)
    assert artifacts.read_built(tmp_path, "salt-lake-county").layer == tmp_path / "media-layer.zip"


def test_pil_from_the_layer_alone_makes_thumbnails_of_a_png_and_a_heic(
    unpacked, packaged, tmp_path
):
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    png, heic = tmp_path / "paystub.png", tmp_path / "paystub.heic"
    Image.new("RGB", (640, 480), (200, 30, 30)).save(png, "PNG")
    Image.new("RGB", (640, 480), (30, 30, 200)).save(heic, "HEIF", quality=50)
    layer = tmp_path / "opt"
    with zipfile.ZipFile(packaged.large.layer) as archive:
        archive.extractall(layer)

    without = isolated(NO_PIL, str(unpacked))
    assert without.stdout.strip() == "no PIL", without.stdout + without.stderr

    done = isolated(THUMBNAILS, f"{unpacked}:{layer / 'python'}", str(png), str(heic))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(layer / "python" / "PIL"))
    for source, colour in ((png, (200, 30, 30)), (heic, (30, 30, 200))):
        with Image.open(f"{source}.thumb.jpg") as thumb:
            assert thumb.format == "JPEG"
            assert thumb.size == (32, 24)
            red, green, blue = thumb.convert("RGB").getpixel((16, 12))
            assert all(abs(a - b) < 40 for a, b in zip((red, green, blue), colour, strict=True))
