"""The zip really runs: unpacked, imported by an interpreter that sees nothing else, it renders
the sign-in page (so templates shipped, and Chalice's runtime and every dependency with it)."""

from __future__ import annotations

import zipfile

import pytest

from tests.helpers import json_from_python

# Run with -I -S: no site-packages, no current directory, no PYTHON* variables. Only the
# unpacked zip is on sys.path, as in Lambda (which also provides boto3; ours vendors it).
PROBE = """
import json, sys
root = sys.argv[1]
sys.path.insert(0, root)
import app
event = {
    "resource": "/signin", "path": "/signin", "httpMethod": "GET",
    "headers": {"Accept": "text/html", "Host": "abc123.execute-api.us-west-2.amazonaws.com"},
    "multiValueHeaders": {"Accept": ["text/html"]},
    "queryStringParameters": None, "multiValueQueryStringParameters": None,
    "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
    "requestContext": {
        "resourcePath": "/signin", "httpMethod": "GET", "path": "/api/signin", "stage": "api",
        "domainName": "abc123.execute-api.us-west-2.amazonaws.com", "requestId": "probe",
        "identity": {"sourceIp": "203.0.113.9"},
    },
}
answer = app.app(event, None)
import pynamodb.models  # the sign-in page needs no table; the zip must still carry PynamoDB
modules = {name: sys.modules[name].__file__ for name in ("app", "chalice", "jinja2", "pynamodb")}
print(json.dumps({"answer": answer, "modules": modules, "path": sys.path}))
"""


def test_the_zip_holds_app_chalice_runtime_templates_and_nothing_of_the_repo(packaged):
    with zipfile.ZipFile(packaged.examples["salt-lake-county"].zip) as archive:
        names = set(archive.namelist())
    assert {"app.py", "chalice/app.py", "chalicelib/config.py"} <= names
    assert {"templates/signin.html", "templates/base.html", "templates/static/app.css"} <= names
    assert not [n for n in names if n.startswith(("tests/", "infra/", "vendor/", ".chalice/"))]
    assert "__pycache__/app.cpython-311.pyc" in names  # bytecode: zip_contents.py


LEGACY_GLIBC = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
# Lambda's python3.11 runtime is Amazon Linux 2: glibc 2.26.
LAMBDA_GLIBC = (2, 26)


def runs_on_lambda(tag: str) -> bool:
    """A wheel tag that Lambda's python3.11 x86_64 runtime can load."""
    interpreter, abi, platform = tag.split("-")
    if platform == "any":
        return abi == "none" and "py3" in interpreter
    stable_abi = abi == "abi3" and interpreter.startswith("cp3") and int(interpreter[3:]) <= 11
    if not platform.endswith("_x86_64") or not (interpreter == "cp311" or stable_abi):
        return False
    family = platform.removesuffix("_x86_64")
    if family in LEGACY_GLIBC:
        return LEGACY_GLIBC[family] <= LAMBDA_GLIBC
    parts = family.split("_")
    if parts[0] != "manylinux" or len(parts) != 3:
        return False
    return (int(parts[1]), int(parts[2])) <= LAMBDA_GLIBC


def test_every_dependency_is_a_wheel_lambdas_python_3_11_can_load(packaged):
    with zipfile.ZipFile(packaged.examples["salt-lake-county"].zip) as archive:
        wheels = {
            name.split("/")[0]: [
                line.split(":", 1)[1].strip()
                for line in archive.read(name).decode().splitlines()
                if line.startswith("Tag:")
            ]
            for name in archive.namelist()
            if name.endswith(".dist-info/WHEEL")
        }
        compiled = [n for n in archive.namelist() if n.endswith((".so", ".pyd", ".dylib"))]
    assert len(wheels) > 10
    unloadable = {name: tags for name, tags in wheels.items() if not any(map(runs_on_lambda, tags))}
    assert unloadable == {}
    assert compiled and all(n.endswith(".so") for n in compiled)
    assert all("x86_64-linux-gnu" in n for n in compiled if ".cpython-" in n)


def test_the_unpacked_zip_alone_renders_the_sign_in_form(unpacked):
    env = {
        "PATH": "/usr/bin:/bin",
        "SESSION_SECRET": "x",
        "STAGE": "demo",
        "AWS_DEFAULT_REGION": "us-west-2",
    }  # no jurisdiction setting: the zip's own file is read
    result = json_from_python("-I", "-S", "-c", PROBE, str(unpacked), env=env)
    for name, location in result["modules"].items():
        assert location.startswith(str(unpacked)), f"{name} came from {location}"
    answer = result["answer"]
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"].startswith("text/html")
    body = answer["body"]
    assert '<form method="post"' in body
    assert 'name="csrf_token"' in body and 'name="password"' in body


@pytest.mark.parametrize(
    ("tag", "loads"),
    [
        ("py3-none-any", True),
        ("cp311-cp311-manylinux2014_x86_64", True),
        ("cp311-abi3-manylinux_2_17_x86_64", True),
        ("cp37-abi3-manylinux_2_17_x86_64", True),
        ("cp311-cp311-manylinux_2_28_x86_64", False),
        ("cp312-cp312-manylinux_2_17_x86_64", False),
        ("cp311-cp311-macosx_11_0_arm64", False),
        ("cp311-cp311-manylinux_2_17_aarch64", False),
    ],
)
def test_the_wheel_check_knows_what_lambda_can_load(tag, loads):
    assert runs_on_lambda(tag) is loads
