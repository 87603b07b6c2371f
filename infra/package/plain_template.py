"""The packaged SAM template as plain CloudFormation, translated offline.

CloudFormation runs the ``AWS::Serverless-2016-10-31`` transform itself on deploy; this
runs the same translator (aws-sam-translator, a build-time dependency, never in the zip)
on a laptop, so what the stack will really hold can be read, diffed or created where the
transform does not run (moto's CloudFormation: tests/infra/
test_template_in_moto_cloudformation.py).

Offline means no AWS call at all: the region and partition are given, not looked up, and
an AWS managed policy named in a function's ``Policies`` is found in the translator's own
bundled list or not at all (the translator would otherwise list IAM's policies).

    python -m infra.package.plain_template out/<jurisdiction>/template.json

A template fresh from ``make package`` still names ``./deployment.zip`` as each
function's code, which CloudFormation cannot take; it is pointed at ``--artifacts`` (a
bucket) as the deploy would, under the key the deploy would give the zip when ``--zip``
names it, or a placeholder key.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

from infra.config_loader import JurisdictionConfigError, load_stack_config

from . import artifacts, release
from .build import LAYER_ZIP, ZIP

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
PLACEHOLDER_BUCKET = "not-uploaded"
PLACEHOLDER_DIGEST = "not-uploaded"


class TranslationError(Exception):
    """The template cannot be translated; the message names each resource and why."""


class OnlineLookupRefused(TranslationError):
    """The translator wanted IAM's list of managed policies: a policy name it does not know."""


def refuse_policy_lookup() -> dict[str, str]:
    """Given to the translator as its last resort for a managed policy's name; it is asked
    only when neither its bundled list nor an ARN answers, so a typo fails here."""
    raise OnlineLookupRefused(
        "a function names an AWS managed policy the translator does not know; name it by ARN"
    )


def with_code_in(
    template: dict[str, Any], bucket: str, zip_key: str, layer_key: str | None = None
) -> dict[str, Any]:
    """The template with every function's code at ``s3://bucket/zip_key`` (and the media
    layer's at ``layer_key``, by default the key the deploy would give it, named not
    uploaded), unless it already names code in a bucket (a template the deploy uploaded, or
    a kept one)."""
    functions = [
        resource
        for resource in template.get("Resources", {}).values()
        if resource.get("Type") == artifacts.FUNCTION
    ]
    if all(
        f.get("Properties", {}).get("CodeUri") != artifacts.LOCAL_CODE for f in functions
    ) and not artifacts.local_layers(template):
        return template
    if layer_key is None and artifacts.local_layers(template):
        layer_key = placeholder_key(template, None, artifacts.LAYER_SUFFIX)
    return artifacts.packaged_template(template, bucket, zip_key, layer_key)


def translate(template: dict[str, Any], region: str) -> dict[str, Any]:
    """Plain CloudFormation for ``template`` in ``region``; ``template`` is not changed.

    A template without the SAM transform is returned as a copy, as CloudFormation would
    take it."""
    if template.get("Transform") != SAM_TRANSFORM:
        return copy.deepcopy(template)
    # Imported here: the translator pulls in pydantic models and boto3 (about 0.5 s), which
    # the other packaging commands never need.
    import boto3
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    # A session built with a region answers the translator's region questions without
    # reading a profile or calling anything.
    session = boto3.session.Session(region_name=region)
    # Its timings go nowhere (a publisher that drops them), published so it does not warn.
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    translator = Translator(None, Parser(), boto_session=session, metrics=metrics)
    try:
        return translator.translate(
            copy.deepcopy(template),
            parameter_values={"AWS::Region": region},
            get_managed_policy_map=refuse_policy_lookup,
        )
    except InvalidDocumentException as exc:
        reasons = "; ".join(cause.message for cause in exc.causes)
        raise TranslationError(f"the SAM transform refused the template: {reasons}") from exc
    finally:
        metrics.publish()


def packaged_region(template: dict[str, Any]) -> str:
    """The region of the jurisdiction a stamped template was packaged for."""
    jurisdiction, _ = release.of_template(template)
    return load_stack_config(jurisdiction).aws_region


def placeholder_key(
    template: dict[str, Any], zip_path: Path | None, suffix: str = artifacts.ZIP_SUFFIX
) -> str:
    """Where the deploy would put the zip (its content named), or a key saying it was not."""
    jurisdiction, built = release.of_template(template)
    digest = artifacts.file_digest(zip_path) if zip_path else PLACEHOLDER_DIGEST
    return artifacts.key(jurisdiction, built.version, digest, suffix)


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="python -m infra.package.plain_template",
        description="Translate a packaged SAM template to plain CloudFormation, offline.",
    )
    cli.add_argument("template", type=Path, help="a packaged template (out/<name>/template.json)")
    cli.add_argument("--region", help="default: the region of the jurisdiction it was made for")
    cli.add_argument(
        "--artifacts",
        default=PLACEHOLDER_BUCKET,
        help="bucket for a template that still names ./deployment.zip "
        f"(default: {PLACEHOLDER_BUCKET})",
    )
    cli.add_argument(
        "--zip", type=Path, help=f"its zip, to name the key by content (default: beside it, {ZIP})"
    )
    cli.add_argument("--out", type=Path, help="write the JSON here instead of printing it")
    return cli


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        template = json.loads(args.template.read_text())
        beside = args.template.parent / ZIP
        zip_path = args.zip or (beside if beside.is_file() else None)
        region = args.region or packaged_region(template)
        code_key = placeholder_key(template, zip_path)
        layer = args.template.parent / LAYER_ZIP
        layer_key = placeholder_key(
            template, layer if layer.is_file() else None, artifacts.LAYER_SUFFIX
        )
        plain = translate(with_code_in(template, args.artifacts, code_key, layer_key), region)
    except (
        OSError,
        ValueError,
        release.ReleaseError,
        JurisdictionConfigError,
        TranslationError,
    ) as exc:
        print(f"plain_template: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(plain, indent=2) + "\n"
    if args.out:
        args.out.write_text(text)
        print(f"{args.out}: {len(plain.get('Resources', {}))} resources, plain CloudFormation")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
