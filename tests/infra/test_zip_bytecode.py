"""The zip carries bytecode Lambda's Python loads as it is (its directory is read-only, so
nothing compiled at a cold start could be kept), and the AWS models the app's clients need."""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from infra.package import zip_contents
from tests.helpers import ROOT, json_from_python

# -I -S: only the unpacked zip. Every module loaded from source rather than from its pyc is
# recorded (SourceLoader.source_to_code compiles; a valid pyc skips it).
PROBE = """
import importlib._bootstrap_external as external, json, sys
root = sys.argv[1]
sys.path.insert(0, root)
from_source = []
compile_source = external.SourceLoader.source_to_code
def recorded(self, data, path, *, _optimize=-1):
    from_source.append(path)
    return compile_source(self, data, path, _optimize=_optimize)
external.SourceLoader.source_to_code = recorded
import app
import botocore.session, pynamodb.models
from chalicelib.web import webhooks
from twilio.rest import Client
session = botocore.session.get_session()
services = sys.argv[2].split(",")
for service in services:
    session.create_client(service, region_name="us-west-2",
                          aws_access_key_id="x", aws_secret_access_key="x")
client = Client("AC" + "0" * 32, "token")
client.messages  # the Messages API the app sends through
print(json.dumps({
    "from_source": [p for p in from_source if p.startswith(root)],
    "pycs_used": sum(1 for m in list(sys.modules.values())
                     if getattr(getattr(m, "__spec__", None), "cached", None)),
}))
"""


@contextmanager
def read_only(root: Path) -> Iterator[None]:
    """No directory under ``root`` can take a new file meanwhile, as in Lambda's /var/task."""
    directories = [root, *(p for p in root.rglob("*") if p.is_dir())]
    for directory in directories:
        directory.chmod(0o555)
    try:
        yield
    finally:
        for directory in directories:
            directory.chmod(0o755)


def pycache_files(root: Path) -> set[Path]:
    return set(root.rglob("__pycache__/*"))


def test_the_app_and_its_dependencies_load_from_the_zips_bytecode_writing_none(unpacked):
    before = pycache_files(unpacked)
    services = ",".join(sorted(zip_contents.BOTOCORE_SERVICES))
    with read_only(unpacked):
        result = json_from_python(
            "-I",
            "-S",
            "-c",
            PROBE,
            str(unpacked),
            services,
            env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-west-2"},
        )
    assert result["from_source"] == []
    assert result["pycs_used"] > 300
    assert pycache_files(unpacked) == before


def test_each_pyc_is_unchecked_and_made_by_lambdas_python(packaged):
    with zipfile.ZipFile(packaged.large.zip) as archive:
        names = set(archive.namelist())
        app_pyc = archive.read("__pycache__/app.cpython-311.pyc")
        dependency_pyc = archive.read("pynamodb/__pycache__/models.cpython-311.pyc")
    assert "chalicelib/web/__pycache__/webhooks.cpython-311.pyc" in names
    assert "chalice/__pycache__/app.cpython-311.pyc" in names
    for pyc in (app_pyc, dependency_pyc):
        assert pyc[:4] == zip_contents.bytecode(b"", "x.py")[:4]  # type: ignore[index]
        assert int.from_bytes(pyc[4:8], "little") == zip_contents.HASH_BASED_UNCHECKED
    assert sys.version_info[:2] == (3, 11)  # Lambda's python3.11: the magic number above


def test_the_zip_leaves_out_aws_models_the_app_never_calls_twilios_async_client_and_stubs(packaged):
    with zipfile.ZipFile(packaged.large.zip) as archive:
        names = archive.namelist()
    services = {
        n.split("/")[2] for n in names if n.startswith("botocore/data/") and n.count("/") > 2
    }
    assert services == zip_contents.BOTOCORE_SERVICES
    assert not [n for n in names if n.endswith(".pyi")]
    tops = {n.split("/")[0].split("-")[0].lower() for n in names}
    assert tops & zip_contents.ASYNC_ONLY == set()


def test_every_aws_service_the_app_builds_a_client_for_is_kept_in_the_zip():
    named = set()
    for path in [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]:
        named |= set(re.findall(r"aws_client\(\s*\"([a-z0-9-]+)\"", path.read_text()))
    assert "dynamodb" not in named  # PynamoDB builds it (chalicelib/store/connection.py)
    assert named | {"dynamodb"} <= zip_contents.BOTOCORE_SERVICES
    # Powertools' SSM parameters (chalicelib/config.py) build an "ssm" client of their own.
    assert "ssm" in zip_contents.BOTOCORE_SERVICES


def test_a_build_on_another_python_than_lambdas_is_refused():
    this = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert zip_contents.lambda_python_matches(this)
    assert not zip_contents.lambda_python_matches("python3.9")
