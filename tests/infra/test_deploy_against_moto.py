"""``python -m infra.package.deploy`` run as ops run it, against a moto server of its own.

moto's CloudFormation cannot create the real stack (it does not run the SAM transform; see
test_deploy_docs.py), so these deploy small builds it can create: a queue, stamped with a
release like a packaged template, beside a zip with a VERSION file. That is enough to run
everything the deploy does around the template: upload, change set, the question, execute,
watch, nothing-to-do, roll back to a kept release, and the refusals. (moto gives a stack
made through a change set no outputs, so printing them is tested in
tests/unit/test_deploy_review.py.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chalicelib.version import Release
from infra.config_loader import load_stack_config
from infra.package import release
from infra.package.zip_additions import JURISDICTION_ENTRY
from tests.helpers import ROOT
from tests.infra.moto_process import aws_environment, client, moto_server, new_bucket

JURISDICTION = "multnomah-county"  # its aws_region is moto_process.REGION


@pytest.fixture(scope="module")
def moto():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture()
def names():
    tail = uuid.uuid4().hex[:8]
    return {"stack": f"deploy-test-{tail}", "bucket": f"artifacts-{tail}"}


def fake_build(
    out_dir: Path,
    version: str,
    queues: tuple[str, ...] = ("Inbox",),
    *,
    jurisdiction: str = JURISDICTION,
    function: bool = False,
) -> Path:
    """A template and zip shaped like ``make package``'s, small enough for moto to create."""
    out_dir.mkdir(parents=True, exist_ok=True)
    built = Release(version, "1a2b3c4d5e6f")
    resources: dict[str, Any] = {q: {"Type": "AWS::SQS::Queue"} for q in queues}
    if function:
        resources["Handler"] = {
            "Type": "AWS::Serverless::Function",
            "Properties": {"CodeUri": "./deployment.zip", "Handler": "app.app"},
        }
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": resources,
        "Outputs": {f"{q}Url": {"Value": {"Ref": q}} for q in queues},
    }
    release.stamp(template, load_stack_config(jurisdiction), built)
    (out_dir / "template.json").write_text(json.dumps(template, indent=2))
    settings = load_stack_config(jurisdiction).compact_json()
    files = {
        "VERSION": built.version_file(),
        "app.py": f"# {version}\n",
        JURISDICTION_ENTRY: settings,
    }
    with zipfile.ZipFile(out_dir / "deployment.zip", "w") as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0)), text)
    return out_dir


def deploy(moto: str, names: dict, *args: str, answer: str = "") -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "infra.package.deploy", JURISDICTION]
    command += ["--artifacts", names["bucket"], "--stack-name", names["stack"], *args]
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        command,
        cwd=ROOT,
        env=aws_environment(moto),
        input=answer,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def stack_of(moto: str, names: dict) -> dict:
    return client("cloudformation", moto).describe_stacks(StackName=names["stack"])["Stacks"][0]


def change_sets_of(moto: str, names: dict) -> list[dict]:
    """The stack's change sets (moto lists every stack's, whatever StackName says)."""
    found = client("cloudformation", moto).list_change_sets(StackName=names["stack"])
    return [s for s in found["Summaries"] if s["StackName"] == names["stack"]]


def running_version(moto: str, names: dict) -> str:
    """The release the stack's current template names."""
    body = client("cloudformation", moto).get_template(StackName=names["stack"])["TemplateBody"]
    template = body if isinstance(body, dict) else json.loads(body)
    return release.of_template(template)[1].version


def test_a_deploy_answered_yes_creates_the_stack_from_the_uploaded_release(moto, names, tmp_path):
    new_bucket(moto, names["bucket"])
    build = fake_build(tmp_path / "build", "0.17.0")
    done = deploy(moto, names, "--out", str(build), answer="yes\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Type yes to deploy" in done.stdout
    assert f"{names['stack']}: CREATE_COMPLETE" in done.stdout
    assert stack_of(moto, names)["StackStatus"] == "CREATE_COMPLETE"
    assert running_version(moto, names) == "0.17.0"
    kept = client("s3", moto).list_objects_v2(Bucket=names["bucket"])["Contents"]
    assert {Path(item["Key"]).parent.as_posix() for item in kept} == {
        f"clientcomm/{JURISDICTION}/0.17.0"
    }
    assert all(
        Path(item["Key"]).name.startswith(f"clientcomm-{JURISDICTION}-0.17.0-") for item in kept
    )


def test_the_same_build_deployed_again_changes_nothing(moto, names, tmp_path):
    new_bucket(moto, names["bucket"])
    build = fake_build(tmp_path / "build", "0.17.0")
    assert deploy(moto, names, "--out", str(build), "--yes").returncode == 0
    again = deploy(moto, names, "--out", str(build), "--yes")
    assert again.returncode == 0, again.stderr
    assert "(already there)" in again.stdout
    assert "Nothing to deploy" in again.stdout


def test_roll_back_deploys_the_kept_earlier_release(moto, names, tmp_path):
    new_bucket(moto, names["bucket"])
    older = fake_build(tmp_path / "older", "0.16.0", ("Inbox",))
    newer = fake_build(tmp_path / "newer", "0.17.0", ("Inbox", "Outbox"))
    assert deploy(moto, names, "--out", str(older), "--yes").returncode == 0
    assert deploy(moto, names, "--out", str(newer), "--yes").returncode == 0
    assert running_version(moto, names) == "0.17.0"

    listed = deploy(moto, names, "--list-releases").stdout
    assert listed.index("0.17.0") < listed.index("0.16.0")  # newest first

    back = deploy(moto, names, "--release", "0.16.0", answer="yes\n")
    assert back.returncode == 0, back.stdout + back.stderr
    assert "Roll back to ClientComm 0.16.0" in back.stdout
    assert running_version(moto, names) == "0.16.0"
    resources = client("cloudformation", moto).list_stack_resources(StackName=names["stack"])
    assert {r["LogicalResourceId"] for r in resources["StackResourceSummaries"]} == {"Inbox"}


def test_a_change_set_nobody_says_yes_to_is_kept_and_not_executed(moto, names, tmp_path):
    new_bucket(moto, names["bucket"])
    build = fake_build(tmp_path / "build", "0.17.0")
    declined = deploy(moto, names, "--out", str(build), answer="y\n")
    assert declined.returncode == 0
    assert "Not executed" in declined.stdout
    unanswered = deploy(moto, names, "--out", str(build), answer="")
    assert unanswered.returncode == 1
    assert "nothing executed" in unanswered.stdout
    assert stack_of(moto, names)["StackStatus"] == "REVIEW_IN_PROGRESS"
    sets = change_sets_of(moto, names)
    assert len(sets) == 2
    assert {s["ExecutionStatus"] for s in sets} == {"AVAILABLE"}


def test_the_packaged_template_runs_the_zip_uploaded_beside_it(moto, names, tmp_path):
    new_bucket(moto, names["bucket"])
    build = fake_build(tmp_path / "build", "0.17.0", function=True)
    assert deploy(moto, names, "--out", str(build), "--no-execute").returncode == 0
    keys = [
        o["Key"] for o in client("s3", moto).list_objects_v2(Bucket=names["bucket"])["Contents"]
    ]
    (zip_key,) = (k for k in keys if k.endswith(".zip"))
    (template_key,) = (k for k in keys if k.endswith(".template.json"))
    body = client("s3", moto).get_object(Bucket=names["bucket"], Key=template_key)["Body"].read()
    code = json.loads(body)["Resources"]["Handler"]["Properties"]["CodeUri"]
    assert code == {"Bucket": names["bucket"], "Key": zip_key}
    assert (build / Path(template_key).name).is_file()  # the copy kept beside the build


def test_a_new_template_for_the_same_zip_is_kept_beside_the_earlier_one(moto, names, tmp_path):
    """E.g. a jurisdiction file changed, the code not: the earlier template stays as it was."""
    new_bucket(moto, names["bucket"])
    first = fake_build(tmp_path / "first", "0.17.0", ("Inbox",))
    second = fake_build(tmp_path / "second", "0.17.0", ("Inbox", "Outbox"))
    assert deploy(moto, names, "--out", str(first), "--no-execute").returncode == 0
    assert deploy(moto, names, "--out", str(second), "--no-execute").returncode == 0
    keys = [
        o["Key"] for o in client("s3", moto).list_objects_v2(Bucket=names["bucket"])["Contents"]
    ]
    assert len([k for k in keys if k.endswith(".zip")]) == 1
    assert len([k for k in keys if k.endswith(".template.json")]) == 2


def test_a_kept_release_whose_zip_is_gone_is_not_deployed(moto, names, tmp_path):
    new_bucket(moto, names["bucket"])
    build = fake_build(tmp_path / "build", "0.16.0", function=True)
    assert deploy(moto, names, "--out", str(build), "--no-execute").returncode == 0
    s3 = client("s3", moto)
    for item in s3.list_objects_v2(Bucket=names["bucket"])["Contents"]:
        if item["Key"].endswith(".zip"):
            s3.delete_object(Bucket=names["bucket"], Key=item["Key"])
    before = change_sets_of(moto, names)
    refused = deploy(moto, names, "--release", "0.16.0", "--yes")
    assert refused.returncode == 1
    assert "which is gone" in refused.stderr
    assert len(change_sets_of(moto, names)) == len(before)


def test_a_release_that_was_never_kept_is_named_with_those_that_were(moto, names, tmp_path):
    new_bucket(moto, names["bucket"])
    build = fake_build(tmp_path / "build", "0.17.0")
    assert deploy(moto, names, "--out", str(build), "--no-execute").returncode == 0
    refused = deploy(moto, names, "--release", "0.15.0", "--yes")
    assert refused.returncode == 1
    assert "no kept release 0.15.0; kept: 0.17.0" in refused.stderr


def test_an_artifacts_bucket_in_another_region_is_refused_before_any_upload(moto, names, tmp_path):
    new_bucket(moto, names["bucket"], region="us-east-2")
    build = fake_build(tmp_path / "build", "0.17.0")
    refused = deploy(moto, names, "--out", str(build), "--yes")
    assert refused.returncode == 1
    assert "is in us-east-2; the stack is in us-west-2" in refused.stderr
    listed = client("s3", moto, "us-east-2").list_objects_v2(Bucket=names["bucket"])
    assert listed.get("KeyCount", 0) == 0


def test_a_missing_bucket_is_named_without_a_traceback(moto, names, tmp_path):
    build = fake_build(tmp_path / "build", "0.17.0")
    refused = deploy(moto, names, "--out", str(build), "--yes")
    assert refused.returncode == 1
    assert f"cannot use bucket {names['bucket']}" in refused.stderr
    assert "Traceback" not in refused.stderr
