"""``make deploy JURISDICTION=<name> ARTIFACTS=<bucket>``: put a packaged release in the
artifacts bucket and deploy it through a change set that is shown, and executed only when
someone types ``yes`` (or passes ``--yes``).

``--release <version>`` deploys a release kept in the bucket instead (a roll back);
``--list-releases`` shows what is kept; ``--outputs`` prints a deployed stack's outputs.
AWS is reached as boto3 finds it (profile, role, ``AWS_ENDPOINT_URL`` for a local stand-in).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from chalicelib.version import Release
from infra.config_loader import JurisdictionConfigError, load_stack_config

from . import artifacts, changes, release
from .build import DEFAULT_OUT

AWS_CONFIG = Config(
    connect_timeout=10, read_timeout=120, retries={"mode": "standard", "max_attempts": 5}
)


def aws_client(service: str, region: str) -> Any:
    return boto3.client(service, region_name=region, config=AWS_CONFIG)  # type: ignore[call-overload]


def check_bucket(s3: Any, bucket: str, region: str) -> None:
    """The bucket exists, and in the stack's region (Lambda reads code only from there)."""
    try:
        where = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
    except ClientError as exc:
        raise artifacts.ArtifactError(
            f"cannot use bucket {bucket}: {exc}. It must exist, in {region}, and you need "
            "s3:GetBucketLocation, s3:ListBucket, s3:GetObject and s3:PutObject on it"
        ) from exc
    where = "eu-west-1" if where == "EU" else where
    if where != region:
        raise artifacts.ArtifactError(f"bucket {bucket} is in {where}; the stack is in {region}")


def object_exists(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def upload_built(
    s3: Any, built: artifacts.Built, bucket: str, out_dir: Path, echo: changes.Echo
) -> str:
    """Upload the zip and the media layer (each once per content) and their packaged
    template; the template's key. A copy of the packaged template is kept beside the build,
    under the same name."""
    zip_key = upload_once(s3, built, bucket, built.zip, artifacts.ZIP_SUFFIX, "zip", echo)
    layer_key = (
        upload_once(s3, built, bucket, built.layer, artifacts.LAYER_SUFFIX, "layer", echo)
        if built.layer
        else None
    )
    name, version = built.jurisdiction, built.release.version
    packaged = artifacts.packaged_template(built.template, bucket, zip_key, layer_key)
    body = artifacts.template_bytes(packaged)
    template_key = artifacts.key(
        name, version, artifacts.bytes_digest(body), artifacts.TEMPLATE_SUFFIX
    )
    s3.put_object(Bucket=bucket, Key=template_key, Body=body, ContentType="application/json")
    (out_dir / Path(template_key).name).write_text(json.dumps(packaged, indent=2) + "\n")
    echo(
        f"  template  s3://{bucket}/{template_key} ({len(body):,} bytes; CloudFormation takes "
        f"{artifacts.INLINE_LIMIT:,} inline, {artifacts.S3_LIMIT:,} from S3)"
    )
    return template_key


def upload_once(
    s3: Any,
    built: artifacts.Built,
    bucket: str,
    path: Path,
    suffix: str,
    label: str,
    echo: changes.Echo,
) -> str:
    """``path`` under its version's name and content hash, unless already there; its key."""
    name, version = built.jurisdiction, built.release.version
    key = artifacts.key(name, version, artifacts.file_digest(path), suffix)
    if object_exists(s3, bucket, key):
        echo(f"  {label:<9} s3://{bucket}/{key} (already there)")
    else:
        s3.upload_file(str(path), bucket, key)
        echo(f"  {label:<9} s3://{bucket}/{key}")
    return key


def kept_release(s3: Any, bucket: str, jurisdiction: str, version: str) -> tuple[str, Release]:
    """The newest kept template of ``version``, checked: made for this jurisdiction, and
    every zip it names still in the bucket."""
    kept = artifacts.newest_of(artifacts.kept_templates(s3, bucket, jurisdiction), version)
    template = json.loads(s3.get_object(Bucket=bucket, Key=kept.key)["Body"].read())
    named, found = release.of_template(template)
    if named != jurisdiction or found.version != version:
        raise artifacts.ArtifactError(f"{kept.key} names {named} {found.version}: not deployed")
    for key in sorted(artifacts.code_keys(template, bucket)):
        if not object_exists(s3, bucket, key):
            raise artifacts.ArtifactError(f"{kept.key} runs s3://{bucket}/{key}, which is gone")
    return kept.key, found


def review_and_execute(
    cloudformation: Any, args: argparse.Namespace, url: str, found: Release, echo: changes.Echo
) -> int:
    kind = changes.change_set_type(cloudformation, args.stack_name)
    name = changes.change_set_name(found.version, datetime.now(UTC))
    change_set = changes.create(
        cloudformation,
        args.stack_name,
        url,
        kind=kind,
        name=name,
        description=f"ClientComm {release.describe(found)}",
        tags={"app": "clientcomm", "jurisdiction": args.jurisdiction},
    )
    if not changes.wait_until_made(cloudformation, change_set):
        echo(f"Nothing to deploy: {args.stack_name} already runs this template.")
        return 0
    listed = changes.changes_of(cloudformation, change_set)
    echo(f"Change set {name} ({kind} {args.stack_name}): {changes.summary(listed)}")
    for change in listed:
        echo(change.line())
    why_not = changes.refusal(listed)
    if why_not and not args.allow_replacement:
        echo(f"Refused: {why_not}")
        return 1
    if args.no_execute:
        echo(f"Not executed (--no-execute): change set {name} is kept for review.")
        return 0
    answer = args.yes or ask(f"Deploy ClientComm {found.version} to {args.stack_name}?")
    if answer is None:
        echo("No answer (input closed): nothing executed. Pass --yes to deploy without asking.")
        return 1
    if not answer:
        echo(f"Not executed: change set {name} is kept for review.")
        return 0
    status = changes.execute_and_watch(
        cloudformation, args.stack_name, change_set, echo, first=kind == "CREATE"
    )
    echo(f"{args.stack_name}: {status}")
    print_outputs(cloudformation, args.stack_name, echo)
    return 0


def ask(question: str, stream: TextIO | None = None) -> bool | None:
    """True only for ``yes``; None when nobody can answer."""
    print(f"{question} Type yes to deploy: ", end="", flush=True)
    stream = stream or sys.stdin
    line = stream.readline()
    if not stream.isatty():
        print(line.strip())  # what a pipe answered, as a terminal would have shown it
    if not line:
        return None
    return line.strip().lower() == "yes"


def print_outputs(cloudformation: Any, stack: str, echo: changes.Echo) -> None:
    found = changes.outputs(cloudformation, stack)
    width = max((len(key) for key, _ in found), default=0)
    for key, value in found:
        echo(f"  {key:<{width}}  {value}")


def list_releases(s3: Any, bucket: str, jurisdiction: str, echo: changes.Echo) -> None:
    kept = artifacts.kept_templates(s3, bucket, jurisdiction)
    if not kept:
        echo(f"No release of {jurisdiction} is kept in {bucket}.")
    for item in kept:
        echo(f"  {item.version:<12} {item.modified:%Y-%m-%d %H:%M} UTC  s3://{bucket}/{item.key}")


def run(args: argparse.Namespace, echo: changes.Echo) -> int:
    config = load_stack_config(args.jurisdiction)
    region = args.region or config.aws_region
    args.stack_name = args.stack_name or f"clientcomm-{config.name}"
    cloudformation = aws_client("cloudformation", region)
    if args.outputs:
        print_outputs(cloudformation, args.stack_name, echo)
        return 0
    if not args.artifacts:
        raise artifacts.ArtifactError("--artifacts <bucket> is required")
    s3 = aws_client("s3", region)
    check_bucket(s3, args.artifacts, region)
    if args.list_releases:
        list_releases(s3, args.artifacts, config.name, echo)
        return 0
    if args.release:
        key, found = kept_release(s3, args.artifacts, config.name, args.release)
        echo(f"Roll back to ClientComm {release.describe(found)}: s3://{args.artifacts}/{key}")
    else:
        out_dir = (args.out or DEFAULT_OUT / config.name).resolve()
        built = artifacts.read_built(out_dir, config.name)
        echo(f"ClientComm {release.describe(built.release)} for {config.name} ({region})")
        key = upload_built(s3, built, args.artifacts, out_dir, echo)
        found = built.release
    url = artifacts.template_url(args.artifacts, key, region)
    return review_and_execute(cloudformation, args, url, found, echo)


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(
        prog="python -m infra.package.deploy",
        description="Deploy one jurisdiction's stack through a reviewed change set.",
    )
    made.add_argument("jurisdiction", help="a file name in infra/jurisdictions/, without .json")
    made.add_argument("--artifacts", help="S3 bucket for zips and templates, in the region")
    made.add_argument("--region", help="default: the jurisdiction's aws_region")
    made.add_argument("--stack-name", help="default: clientcomm-<jurisdiction>")
    made.add_argument("--out", type=Path, help="the build (default out/<jurisdiction>)")
    made.add_argument("--release", help="deploy this kept version instead of the build")
    made.add_argument("--list-releases", action="store_true", help="list kept releases")
    made.add_argument("--outputs", action="store_true", help="print the stack's outputs")
    made.add_argument("--yes", action="store_true", help="execute without asking")
    made.add_argument("--no-execute", action="store_true", help="make and show the change set")
    made.add_argument(
        "--allow-replacement",
        action="store_true",
        help="execute even if a table, bucket, user pool or queue would be replaced",
    )
    return made


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args, print)
    except (
        JurisdictionConfigError,
        artifacts.ArtifactError,
        changes.DeployError,
        release.ReleaseError,
    ) as exc:
        print(f"deploy: {exc}", file=sys.stderr)
    except (ClientError, BotoCoreError, ResponseParserError) as exc:
        print(f"deploy: AWS refused or did not answer: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
