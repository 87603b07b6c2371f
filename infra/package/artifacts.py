"""A release's artifacts in the ops team's S3 bucket, named by jurisdiction and version.

``clientcomm/<jurisdiction>/<version>/`` holds each build of that version: the Lambda zip
(and the media layer's zip, ``media_layer.py``) and the packaged template that points
every function at it, each named
``clientcomm-<jurisdiction>-<version>-<hash of its own content>``, so nothing kept is ever
overwritten (a rebuilt zip, or the same zip with a changed jurisdiction file, is a new
object). Rolling back deploys a kept template again. CloudFormation reads a template from
S3 up to 1 MB (51,200 bytes inline, which ours never fit), and the bucket must be in the
stack's region, as Lambda requires.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from chalicelib.version import Release, parse_version_file

from . import release
from .build import LAYER_ZIP, TEMPLATE, ZIP
from .media_layer import LAYER_TYPE, LOCAL_LAYER
from .zip_additions import JURISDICTION_ENTRY

PREFIX = "clientcomm"
TEMPLATE_SUFFIX = ".template.json"
ZIP_SUFFIX = ".zip"
LAYER_SUFFIX = ".media-layer.zip"
FUNCTION = "AWS::Serverless::Function"
LOCAL_CODE = "./deployment.zip"  # what Chalice's template names as each function's code
INLINE_LIMIT = 51_200  # bytes: CloudFormation's TemplateBody
S3_LIMIT = 1_000_000  # bytes: "1 MB" from S3, read as the smaller of the two meanings
HASH_LENGTH = 12


class ArtifactError(Exception):
    """The artifacts are missing, mismatched or too big; the message says what to do."""


@dataclass(frozen=True)
class Built:
    """What ``make package`` left in ``out/<jurisdiction>``, checked to belong together."""

    jurisdiction: str
    release: Release
    template: dict[str, Any]
    zip: Path
    layer: Path | None = None  # the media layer's zip, when the template declares it


@dataclass(frozen=True)
class Kept:
    """One packaged template in the bucket."""

    version: str
    key: str
    modified: datetime


def read_built(out_dir: Path, jurisdiction: str) -> Built:
    """The template and zip of one build; refused if either is missing, if the template was
    packaged for another jurisdiction, or if the zip comes from another build or carries
    another jurisdiction's settings."""
    template_path, zip_path = out_dir / TEMPLATE, out_dir / ZIP
    for path in (template_path, zip_path):
        if not path.is_file():
            raise ArtifactError(f"{path} is missing: run make package JURISDICTION={jurisdiction}")
    template = json.loads(template_path.read_text())
    named, built = release.of_template(template)
    if named != jurisdiction:
        raise ArtifactError(f"{template_path} was packaged for {named}, not {jurisdiction}")
    with zipfile.ZipFile(zip_path) as archive:
        try:
            in_zip = parse_version_file(archive.read(release.VERSION_FILE).decode())
        except KeyError:
            in_zip = None
        settings_for = _jurisdiction_in(archive)
    if in_zip != built:
        raise ArtifactError(
            f"{zip_path} and {template_path} come from different builds: package again"
        )
    if settings_for != jurisdiction:  # one release's zips differ only in this file
        found = f"{settings_for}'s" if settings_for else f"no {JURISDICTION_ENTRY}"
        raise ArtifactError(
            f"{zip_path} carries {found} settings, not {jurisdiction}'s: package again"
        )
    layer = out_dir / LAYER_ZIP if local_layers(template) else None
    if layer is not None and not layer.is_file():
        raise ArtifactError(f"{layer} is missing: run make package JURISDICTION={jurisdiction}")
    return Built(jurisdiction, built, template, zip_path, layer)


def local_layers(template: dict[str, Any]) -> list[dict[str, Any]]:
    """The template's layers whose content is still the local zip."""
    return [
        resource
        for resource in template.get("Resources", {}).values()
        if resource.get("Type") == LAYER_TYPE
        and resource.get("Properties", {}).get("ContentUri") == LOCAL_LAYER
    ]


def _jurisdiction_in(archive: zipfile.ZipFile) -> str | None:
    """The name in the zip's jurisdiction file, if it has one that names any."""
    try:
        settings = json.loads(archive.read(JURISDICTION_ENTRY))
    except (KeyError, ValueError):
        return None
    name = settings.get("name") if isinstance(settings, dict) else None
    return name if isinstance(name, str) else None


def folder(jurisdiction: str, version: str) -> str:
    return f"{PREFIX}/{jurisdiction}/{version}/"


def key(jurisdiction: str, version: str, digest: str, suffix: str) -> str:
    return f"{folder(jurisdiction, version)}{PREFIX}-{jurisdiction}-{version}-{digest}{suffix}"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:HASH_LENGTH]


def bytes_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:HASH_LENGTH]


def packaged_template(
    template: dict[str, Any], bucket: str, zip_key: str, layer_key: str | None = None
) -> dict[str, Any]:
    """The template with every function's code, and the media layer's, in the bucket
    instead of the local zips."""
    packaged = copy.deepcopy(template)
    for layer in local_layers(packaged):
        if layer_key is None:
            raise ArtifactError(f"the template's layer is {LOCAL_LAYER}, which was not uploaded")
        layer["Properties"]["ContentUri"] = {"Bucket": bucket, "Key": layer_key}
    functions = [r for r in packaged["Resources"].values() if r.get("Type") == FUNCTION]
    for function in functions:
        if function["Properties"].get("CodeUri") != LOCAL_CODE:
            raise ArtifactError(f"a function's code is not {LOCAL_CODE}: package again")
        function["Properties"]["CodeUri"] = {"Bucket": bucket, "Key": zip_key}
    return packaged


def template_bytes(template: dict[str, Any]) -> bytes:
    """Compact JSON; refused above what CloudFormation reads from S3."""
    body = json.dumps(template, separators=(",", ":"), ensure_ascii=False).encode()
    if len(body) > S3_LIMIT:
        raise ArtifactError(
            f"the packaged template is {len(body):,} bytes; CloudFormation reads at most "
            f"{S3_LIMIT:,} from S3"
        )
    return body


def template_url(bucket: str, key: str, region: str) -> str:
    """Path-style, so a bucket name with dots still matches S3's certificate."""
    return f"https://s3.{region}.amazonaws.com/{bucket}/{key}"


def code_keys(template: dict[str, Any], bucket: str) -> set[str]:
    """The zips a packaged template's functions and layers run, all of which must be in
    ``bucket``."""
    keys = set()
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") not in (FUNCTION, LAYER_TYPE):
            continue
        properties = resource.get("Properties", {})
        code = properties.get("CodeUri") or properties.get("ContentUri")
        if not isinstance(code, dict) or code.get("Bucket") != bucket:
            raise ArtifactError(f"the kept template's code is not in {bucket}: {code!r}")
        keys.add(str(code["Key"]))
    return keys


def kept_templates(s3: Any, bucket: str, jurisdiction: str) -> list[Kept]:
    """Every packaged template kept for ``jurisdiction``, newest first."""
    found = []
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=f"{PREFIX}/{jurisdiction}/"):
        for item in page.get("Contents", []):
            parts = item["Key"].split("/")
            if len(parts) == 4 and parts[3].endswith(TEMPLATE_SUFFIX):
                found.append(Kept(parts[2], item["Key"], item["LastModified"]))
    return sorted(found, key=lambda kept: (kept.modified, numbers(kept.version)), reverse=True)


def numbers(version: str) -> tuple[int, ...]:
    """``0.17.0`` → (0, 17, 0): breaks a tie between uploads in the same second (S3's times
    are to the second) in favour of the higher version."""
    return tuple(int(n) for n in re.findall(r"\d+", version))


def newest_of(kept: list[Kept], version: str) -> Kept:
    """The last build of ``version`` that was deployed (or offered for review)."""
    for candidate in kept:
        if candidate.version == version:
            return candidate
    versions = ", ".join(sorted({k.version for k in kept})) or "none"
    raise ArtifactError(f"no kept release {version}; kept: {versions}")
