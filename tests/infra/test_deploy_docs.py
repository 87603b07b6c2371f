"""docs/operations.md's deploy commands, read out of the page and run as written (First
deploy, Upgrade, Roll back), against a moto server of their own.

How far moto (5.2.5) goes: all of ``make deploy`` up to the question. Packaging and cfn-lint,
the zip and packaged template uploaded to S3 under their version's names, the template read by
CloudFormation from S3 (too big to hand it inline, under the 1 MB it reads from S3), and a
CREATE change set with every resource of the template. The question is answered "no" there:
moto's CloudFormation does not run the ``AWS::Serverless-2016-10-31`` transform, so it cannot
execute this change set (no ``AWS::Serverless::Function``). Translated offline with
aws-sam-translator it still cannot: it has no Cognito user pool or client, no WebSocket API
(``AWS::ApiGatewayV2::*``), no alarms, bucket or queue policies, no REST API stage, and it
refuses a REST API described by its OpenAPI body. Executing, watching the events, nothing to
do, roll back and the refusals run on small stacks moto can make (test_deploy_against_moto.py);
failures, replacements and outputs on stubbed answers (tests/unit/test_deploy_review.py).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from chalicelib.version import __version__
from infra.package import artifacts
from infra.package.media_layer import MEDIA_LAYER
from tests.helpers import ROOT
from tests.infra.moto_process import aws_environment, client, moto_server, new_bucket

DOC = ROOT / "docs" / "operations.md"
DEPLOYS = ("make deploy ", ".venv/bin/python -m infra.package.deploy ")
JURISDICTION = "multnomah-county"  # an example whose region is moto_process.REGION
BUCKET = "county-deploy-artifacts"
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def section(title: str) -> str:
    text = DOC.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def shell_lines(text: str) -> list[str]:
    """Every command of the text's ``sh`` blocks, continuation lines joined."""
    found = []
    for block in BLOCK.findall(text):
        found += [" ".join(line.split()) for line in block.replace("\\\n", " ").splitlines()]
    return found


def commands(title: str) -> list[str]:
    """The section's shell commands that deploy."""
    return [line for line in shell_lines(section(title)) if line.startswith(DEPLOYS)]


def test_no_documented_command_hands_cloudformation_the_template_inline():
    """The packaged template is about 150 KB; CloudFormation takes 51,200 bytes inline, and
    the AWS CLI refuses a bigger one without ``--s3-bucket`` (what the runbook once said)."""
    inline = [
        line
        for line in shell_lines(DOC.read_text())
        if line.startswith(("aws cloudformation deploy", "aws cloudformation create-stack"))
        and "--s3-bucket" not in line
        and "--template-url" not in line
    ]
    assert not inline, inline


def run(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """As a person would in bash, answering "no" when asked to execute."""
    return subprocess.run(  # noqa: S603 - the documented command, in our checkout
        ["bash", "-c", command],  # noqa: S607
        cwd=ROOT,
        env=env,
        input="no\n",
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_each_deploy_section_documents_its_command():
    first, upgrade, back = commands("First deploy"), commands("Upgrade"), commands("Roll back")
    assert any(c.startswith("make deploy ") and "ARTIFACTS=" in c for c in first), first
    assert upgrade and set(upgrade) <= set(first), "Upgrade deploys as the first deploy does"
    assert any("RELEASE=" in c for c in back), back


@pytest.mark.xdist_group("packaging")  # make deploy packages, sharing the dependency cache
def test_the_documented_deploy_and_roll_back_run_against_moto_up_to_the_change_set(tmp_path):
    with moto_server() as endpoint:
        new_bucket(endpoint, BUCKET)
        env = {
            **aws_environment(endpoint),
            "J": JURISDICTION,
            "REGION": "us-west-2",
            "STACK": f"clientcomm-{JURISDICTION}",
            "ARTIFACTS": BUCKET,
            "PREVIOUS": __version__,
            "PACKAGE_OUT": str(tmp_path),  # not the checkout's out/
            "MAKEFLAGS": "STAMP=",  # the venv is the test's own; make must not install
        }
        for command in commands("First deploy"):
            done = run(command, env)
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        first_key = uploaded_and_offered(endpoint, tmp_path / JURISDICTION)

        # Upgrade's command is the first deploy's (checked above); its UPDATE needs a stack
        # that was executed, which moto cannot make. Roll back to what was just kept:
        for command in commands("Roll back"):
            done = run(command, env)
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert f"Roll back to ClientComm {__version__}" in done.stdout
        assert first_key in done.stdout
        assert len(change_sets(endpoint)) == 2


def uploaded_and_offered(endpoint: str, out_dir: Path) -> str:
    """The first deploy's artifacts are in S3 under their version, and its change set lists
    every resource of the template CloudFormation read from there; the template's key."""
    s3 = client("s3", endpoint)
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    folder = artifacts.folder(JURISDICTION, __version__)
    name = f"clientcomm-{JURISDICTION}-{__version__}-"
    assert all(k.startswith(folder + name) for k in keys), keys
    (layer_key,) = (k for k in keys if k.endswith(artifacts.LAYER_SUFFIX))
    (zip_key,) = (k for k in keys if k.endswith(".zip") and k != layer_key)
    (template_key,) = (k for k in keys if k.endswith(".template.json"))
    body = s3.get_object(Bucket=BUCKET, Key=template_key)["Body"].read()
    assert artifacts.INLINE_LIMIT < len(body) <= artifacts.S3_LIMIT
    template = json.loads(body)
    codes = {
        json.dumps(r["Properties"]["CodeUri"], sort_keys=True)
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Serverless::Function"
    }
    assert codes == {json.dumps({"Bucket": BUCKET, "Key": zip_key}, sort_keys=True)}
    layer = template["Resources"][MEDIA_LAYER]["Properties"]["ContentUri"]
    assert layer == {"Bucket": BUCKET, "Key": layer_key}
    assert (out_dir / Path(template_key).name).is_file()

    (offered,) = change_sets(endpoint)
    assert offered["ExecutionStatus"] == "AVAILABLE"
    listed = client("cloudformation", endpoint).describe_change_set(
        ChangeSetName=offered["ChangeSetId"]
    )
    added = {c["ResourceChange"]["LogicalResourceId"] for c in listed["Changes"]}
    assert added == set(template["Resources"])
    return template_key


def change_sets(endpoint: str) -> list[dict]:
    found = client("cloudformation", endpoint).list_change_sets(
        StackName=f"clientcomm-{JURISDICTION}"
    )
    return found["Summaries"]
