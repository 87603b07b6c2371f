"""A Chalice project directory holding only what Chalice packages, plus its config.

Chalice zips ``app.py``, ``chalicelib/`` and the requirements; the pages' templates, the
``VERSION`` file and the jurisdiction's settings are added to its zip afterwards
(``zip_additions.py`` says why).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from chalicelib.config import PACKAGED_JURISDICTION
from infra.config_loader import StackConfig
from infra.definitions import APP_NAME

from .names import API_STAGE
from .permissions import DEFAULT, declared_functions

IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")
APP_FILES = ("app.py", "requirements.txt")
LAMBDA_MEMORY_MB = 512  # more memory is more CPU: cold start is a product feature
LAMBDA_TIMEOUT_SECONDS = 30  # API Gateway gives up after 29 s anyway
# API Gateway gzips an answer at least this long for a browser that accepts it (pages,
# the stylesheet, the scripts: issue 23's weights); smaller ones are not worth the CPU.
# The local gateway compresses from the same size (infra/local/compression.py).
MINIMUM_COMPRESSION_BYTES = 1024


def stage_project(app_dir: Path, build_dir: Path) -> None:
    """Copy the code of ``app_dir`` into an empty ``build_dir``. A jurisdiction file left in
    ``chalicelib/`` (e.g. by hand) is not copied: the build adds the one it packages for."""
    for name in APP_FILES:
        shutil.copy2(app_dir / name, build_dir / name)
    shutil.copytree(app_dir / "chalicelib", build_dir / "chalicelib", ignore=IGNORED)
    (build_dir / "chalicelib" / PACKAGED_JURISDICTION.name).unlink(missing_ok=True)


def chalice_config(app_dir: Path, config: StackConfig) -> dict[str, Any]:
    """The repo's Chalice settings with one stage for this jurisdiction.

    Top-level settings are kept; the local stage is not carried over. Each function's own
    top-level settings (``lambda_functions``, e.g. a job's longer timeout) are repeated in
    the stage, where Chalice looks first: otherwise the stage's ``lambda_timeout`` would win.
    Every declared function names its own policy file; any other gets the stage's.
    """
    source = app_dir / ".chalice" / "config.json"
    base: dict[str, Any] = (
        json.loads(source.read_text()) if source.is_file() else {"version": "2.0"}
    )
    base.pop("stages", None)
    base.setdefault("app_name", APP_NAME)
    base["automatic_layer"] = False
    own_settings = base.get("lambda_functions", {})
    functions = {name: dict(settings) for name, settings in own_settings.items()}
    for name in declared_functions():
        functions.setdefault(name, {})["iam_policy_file"] = policy_file_name(config.name, name)
    base["stages"] = {
        config.name: {
            "api_gateway_stage": API_STAGE,
            "api_gateway_endpoint_type": "REGIONAL",
            "autogen_policy": False,
            "iam_policy_file": policy_file_name(config.name),
            "lambda_memory_size": LAMBDA_MEMORY_MB,
            "lambda_timeout": LAMBDA_TIMEOUT_SECONDS,
            "minimum_compression_size": MINIMUM_COMPRESSION_BYTES,
            "tags": {"clientcomm:jurisdiction": config.name},
            "lambda_functions": functions,
        }
    }
    return base


def policy_file_name(stage: str, function: str = DEFAULT) -> str:
    """``policy-<stage>.json`` for the default, ``policy-<stage>-<function>.json`` otherwise."""
    return f"policy-{stage}.json" if function == DEFAULT else f"policy-{stage}-{function}.json"


def write_chalice_files(
    build_dir: Path, settings: dict[str, Any], stage: str, policies: dict[str, dict[str, Any]]
) -> None:
    """The stage's config and one policy file per entry of ``policies`` (function → document)."""
    chalice_dir = build_dir / ".chalice"
    chalice_dir.mkdir(parents=True, exist_ok=True)
    (chalice_dir / "config.json").write_text(json.dumps(settings, indent=2) + "\n")
    for function, document in policies.items():
        path = chalice_dir / policy_file_name(stage, function)
        path.write_text(json.dumps(document, indent=2) + "\n")
