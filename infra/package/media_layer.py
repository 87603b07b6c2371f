"""Pillow and pillow-heif in a Lambda layer, given only to the functions that make thumbnails.

Chalice puts ``requirements.txt`` into the one zip every function shares: Pillow and
pillow-heif there (about 13 MB zipped, mostly libheif's and libjpeg's shared libraries)
would push that zip past its 25 MB budget (issue 19) and make every function, the web one
included, carry them. So they are named in ``requirements-media.txt`` instead, and the
build makes a second zip from it: a layer (``python/`` inside, which Lambda puts on the
path as ``/opt/python``) of wheels for Lambda's Python and architecture. Only the functions
in ``MEDIA_LAYER_FUNCTIONS`` are given it.

The layer is kept under ``out/.cache/media-layer`` named by the requirements' hash, the
Python and the architecture, so a build with the same requirements reuses it without the
network. Its entries are written in a fixed order with a fixed time, so the same
requirements make the same bytes and the deploy uploads them once.
"""

from __future__ import annotations

import copy
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from chalice.constants import DEFAULT_LAMBDA_ARCHITECTURE

from . import zip_contents
from .functions import FUNCTION_TYPE
from .names import api_name, function_logical_id, ref

MEDIA_REQUIREMENTS = "requirements-media.txt"
# Chalice function names (app.py ``name=``) that import PIL: the inbound photos' copier.
MEDIA_LAYER_FUNCTIONS = frozenset({"copy-media"})
MEDIA_LAYER = "MediaLayer"  # its logical id
LAYER_TYPE = "AWS::Serverless::LayerVersion"
LAYER_ZIP = "media-layer.zip"
LOCAL_LAYER = f"./{LAYER_ZIP}"  # its ContentUri until the deploy uploads it
LAYER_ROOT = "python/"  # Lambda adds /opt/python to a Python function's path
LAYER_BUDGET_BYTES = 16_000_000  # 13.5 MB zipped for Pillow 12.2 + pillow-heif 1.0
# Wheels pip may choose, by Lambda architecture (Amazon Linux 2023: glibc 2.34).
PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
PIP_TIMEOUT_SECONDS = 600
KEEP_LAYERS = 2  # the requirements now and, while a change settles, the ones before
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


class LayerFailed(Exception):
    """The layer could not be made, or is over its budget; the message says why."""


def platform(architecture: str = DEFAULT_LAMBDA_ARCHITECTURE) -> str:
    return PLATFORMS[architecture]


def python_version(lambda_python: str) -> str:
    """``python3.11`` → ``3.11``."""
    return lambda_python.removeprefix("python")


def cached_layer(requirements: Path, cache_dir: Path, lambda_python: str) -> Path:
    """Where the layer for these requirements, this Python and architecture is kept."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:20]
    return cache_dir / (
        f"media-layer-{digest}-{lambda_python}-{DEFAULT_LAMBDA_ARCHITECTURE}"
        f"-{zip_contents.FORMAT}.zip"
    )


def build_layer(requirements: Path, cache_dir: Path, target: Path, lambda_python: str) -> Path:
    """Write the layer zip to ``target``, from the cache when these requirements are kept."""
    kept = cached_layer(requirements, cache_dir, lambda_python)
    if not kept.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="media-layer-", dir=cache_dir) as work:
            folder = Path(work) / "python"
            install(requirements, folder, lambda_python)
            draft = Path(work) / LAYER_ZIP
            zip_folder(folder, draft)
            zip_contents.slim(draft)  # bytecode: Lambda's directory is read-only
            draft.chmod(0o644)
            os.replace(draft, kept)  # whole or not at all: another build may read it
    kept.touch()  # in use: the last to be pruned
    shutil.copyfile(kept, target)
    prune(cache_dir)
    return target


def install(requirements: Path, folder: Path, lambda_python: str) -> None:
    """pip installs wheels only, for Lambda's platform and Python, into ``folder``."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--platform",
        platform(),
        "--python-version",
        python_version(lambda_python),
        "--target",
        str(folder),
        "-r",
        str(requirements),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter's pip
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise LayerFailed(f"pip did not finish in {PIP_TIMEOUT_SECONDS} s") from exc
    if done.returncode != 0:
        raise LayerFailed(f"pip could not install {requirements.name}:\n{done.stderr}")


def zip_folder(folder: Path, archive_path: Path) -> None:
    """``folder``'s files under ``python/``, sorted, with one fixed time and mode."""
    with zipfile.ZipFile(archive_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(
                LAYER_ROOT + path.relative_to(folder).as_posix(), date_time=FIXED_TIME
            )
            executable = path.stat().st_mode & 0o111
            entry.external_attr = (0o755 if executable else 0o644) << 16
            archive.writestr(entry, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)


def prune(cache_dir: Path) -> None:
    kept = sorted(
        cache_dir.glob("media-layer-*.zip"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for stale in kept[KEEP_LAYERS:]:
        stale.unlink(missing_ok=True)


def size_of(archive_path: Path) -> zip_contents.ZipSize:
    """The layer's size, its largest parts named below ``python/``."""
    per_part: Counter[str] = Counter()
    unzipped = 0
    with zipfile.ZipFile(archive_path) as archive:
        for entry in archive.infolist():
            part = entry.filename.removeprefix(LAYER_ROOT).split("/", 1)[0]
            per_part[part.split(".cpython", 1)[0]] += entry.compress_size
            unzipped += entry.file_size
    largest = tuple(per_part.most_common(zip_contents.LARGEST_SHOWN))
    return zip_contents.ZipSize(archive_path.stat().st_size, unzipped, largest)


def check_budget(size: zip_contents.ZipSize, budget: int = LAYER_BUDGET_BYTES) -> None:
    if size.zipped > budget:
        raise LayerFailed(
            f"the media layer is {size.zipped / 1e6:.1f} MB, over its budget of "
            f"{budget / 1e6:.1f} MB ({size.describe()}). Check {MEDIA_REQUIREMENTS} or raise "
            "the budget on purpose (infra/package/media_layer.py)."
        )


def layer_resource(jurisdiction: str, lambda_python: str) -> dict[str, Any]:
    """The layer version; an old one is deleted when a new one replaces it (a function
    version published with it keeps its copy, so a rollback of the alias still runs)."""
    return {
        "Type": LAYER_TYPE,
        "Properties": {
            "LayerName": f"{api_name(jurisdiction)}-media",
            "Description": f"Pillow and pillow-heif for thumbnails ({MEDIA_REQUIREMENTS})",
            "ContentUri": LOCAL_LAYER,
            "CompatibleRuntimes": [lambda_python],
            "CompatibleArchitectures": [DEFAULT_LAMBDA_ARCHITECTURE],
            "RetentionPolicy": "Delete",
        },
    }


def media_function_ids(functions: frozenset[str] = MEDIA_LAYER_FUNCTIONS) -> set[str]:
    return {function_logical_id(name) for name in functions}


def with_media_layer(
    template: dict[str, Any],
    jurisdiction: str,
    lambda_python: str,
    functions: frozenset[str] = MEDIA_LAYER_FUNCTIONS,
) -> dict[str, Any]:
    """``template`` with the layer declared and given to each of ``functions`` it has (none
    is an error: the layer then waits for its function)."""
    result = copy.deepcopy(template)
    resources = result["Resources"]
    resources[MEDIA_LAYER] = layer_resource(jurisdiction, lambda_python)
    for logical_id in sorted(media_function_ids(functions)):
        resource = resources.get(logical_id)
        if resource is None or resource.get("Type") != FUNCTION_TYPE:
            continue
        layers = resource.setdefault("Properties", {}).setdefault("Layers", [])
        layers.append(ref(MEDIA_LAYER))
    return result
