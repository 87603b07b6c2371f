"""``make package JURISDICTION=<name>``: the CloudFormation template and zip for one stack.

Each function's policy file is written first (``permissions.py``). Then one pass of
``chalice package``; its template says which handlers and Twilio routes the app declares
(Chalice names them), from which our part is made (tables, bucket, user pool, queues,
access log, alarms, dashboard, throttling, environment) and merged into it, as
``--merge-template`` would. Then the pages' templates, ``VERSION`` and the jurisdiction's
file go into Chalice's zip (``zip_additions.py``). The installed dependencies are cached
for as long as the requirements stay the same (``dependency_cache.py``), so a build after
the first takes a second or two. Pillow and pillow-heif go into a second zip, a Lambda layer
for the thumbnail function only (``media_layer.py``), kept likewise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.version import Release
from infra.config_loader import (
    JURISDICTIONS_DIR,
    JurisdictionConfigError,
    StackConfig,
    load_stack_config,
)
from infra.jurisdiction_schema import backup_report, retention_report, text_report

from . import checks, dependency_cache, media_layer, release, zip_contents
from .functions import Handler, handlers_in
from .gradual import point_at_aliases
from .merge import API_HANDLER, environment, merge_template, merged
from .policy import function_policies
from .staging import chalice_config, stage_project, write_chalice_files
from .tables import table_resources
from .throttling import twilio_routes
from .zip_additions import JURISDICTION_ENTRY, add_to_zip, shipped_files

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "out"
DEFAULT_CACHE = DEFAULT_OUT / ".cache" / "chalice-deployments"
DEFAULT_LAYER_CACHE = DEFAULT_OUT / ".cache" / "media-layer"
TEMPLATE = "template.json"
ZIP = "deployment.zip"
LAYER_ZIP = media_layer.LAYER_ZIP
MERGE_TEMPLATE = "merge-template.json"


class BuildFailed(Exception):
    """Packaging stopped; the message says why (Chalice's output, or the failed checks)."""


@dataclass(frozen=True)
class Package:
    config: StackConfig
    template: Path
    zip: Path
    handlers: tuple[Handler, ...]
    release: Release
    zip_size: zip_contents.ZipSize
    zip_budget: int
    layer: Path
    layer_size: zip_contents.ZipSize
    layer_budget: int


def build(
    name: str,
    out_dir: Path | None = None,
    *,
    app_dir: Path = ROOT,
    cache_dir: Path = DEFAULT_CACHE,
    jurisdictions_dir: Path = JURISDICTIONS_DIR,
    zip_budget: int = zip_contents.ZIP_BUDGET_BYTES,
    layer_cache_dir: Path = DEFAULT_LAYER_CACHE,
    layer_budget: int = media_layer.LAYER_BUDGET_BYTES,
) -> Package:
    """Package ``app_dir`` for jurisdiction ``name`` into ``out_dir`` (default ``out/<name>``)."""
    config = load_stack_config(name, jurisdictions_dir)
    if not zip_contents.lambda_python_matches(dependency_cache.lambda_python()):
        raise BuildFailed(
            f"Chalice packages for {dependency_cache.lambda_python()}: run the build with that"
            " Python, whose bytecode the zip carries (the project venv's)"
        )
    out_dir = (out_dir or DEFAULT_OUT / name).resolve()
    build_dir = out_dir / "build"
    for stale in (build_dir, out_dir / TEMPLATE, out_dir / ZIP, out_dir / LAYER_ZIP):
        _remove(stale)
    build_dir.mkdir(parents=True)
    stage_project(app_dir, build_dir)
    built = release.of_app(app_dir)
    policies = function_policies(config, table_resources(config.table_prefix))
    write_chalice_files(build_dir, chalice_config(app_dir, config), name, policies)
    dependency_cache.link(build_dir, cache_dir)
    dependency_cache.prepare(build_dir, cache_dir)

    chalice_out = out_dir / ".chalice-package"
    chalice_template = run_chalice(build_dir, config, chalice_out)
    entry = dependency_cache.chalice_entry(build_dir)
    if zip_contents.slim(entry):  # once per cache entry: the entries after it start slim
        shutil.copyfile(entry, chalice_out / ZIP)
    dependency_cache.keep(build_dir, cache_dir)
    handlers = handlers_in(chalice_template)
    merge = merge_template(config, handlers, twilio_routes(chalice_template))
    release.stamp(merge, config, built)
    (out_dir / MERGE_TEMPLATE).write_text(json.dumps(merge, indent=2) + "\n")
    final = media_layer.with_media_layer(
        point_at_aliases(merged(chalice_template, merge)),
        config.name,
        dependency_cache.lambda_python(),
    )

    template_path = out_dir / TEMPLATE
    template_path.write_text(json.dumps(final, indent=2) + "\n")
    shutil.move(chalice_out / ZIP, out_dir / ZIP)
    texts = {release.VERSION_FILE: built.version_file(), JURISDICTION_ENTRY: config.compact_json()}
    add_to_zip(out_dir / ZIP, shipped_files(app_dir), texts)
    zip_contents.add_app_bytecode(out_dir / ZIP)
    size = zip_contents.size_of(out_dir / ZIP)
    layer = build_media_layer(app_dir, layer_cache_dir, out_dir / LAYER_ZIP)
    layer_size = media_layer.size_of(layer)
    for leftover in (build_dir, chalice_out):
        _remove(leftover)
    dependency_cache.prune(cache_dir)
    required = set(environment(config, Handler("check", API_HANDLER, ())))
    found = checks.problems(final, policies, required)
    if found:
        raise BuildFailed(checks.describe(found))
    try:
        zip_contents.check_budget(size, zip_budget)
        media_layer.check_budget(layer_size, layer_budget)
    except (zip_contents.ZipTooLarge, media_layer.LayerFailed) as exc:
        raise BuildFailed(str(exc)) from exc
    return Package(
        config,
        template_path,
        out_dir / ZIP,
        tuple(handlers),
        built,
        size,
        zip_budget,
        layer,
        layer_size,
        layer_budget,
    )


def build_media_layer(app_dir: Path, cache_dir: Path, target: Path) -> Path:
    """The media layer from ``app_dir``'s ``requirements-media.txt`` (``media_layer.py``)."""
    requirements = app_dir / media_layer.MEDIA_REQUIREMENTS
    if not requirements.is_file():
        raise BuildFailed(f"{requirements} is missing: the media layer is made from it")
    try:
        return media_layer.build_layer(
            requirements, cache_dir, target, dependency_cache.lambda_python()
        )
    except media_layer.LayerFailed as exc:
        raise BuildFailed(f"the media layer: {exc}") from exc


def run_chalice(build_dir: Path, config: StackConfig, target: Path) -> dict[str, Any]:
    """``chalice package`` (CloudFormation flavour, JSON) into ``target``; its template."""
    _remove(target)
    command = [
        chalice_executable(),
        "--project-dir",
        str(build_dir),
        "package",
        "--stage",
        config.name,
        "--pkg-format",
        "cloudformation",
        "--template-format",
        "json",
    ]
    command.append(str(target))
    # Packaging calls no AWS API, but Chalice wants a region to build service principals.
    env = {**os.environ, "AWS_DEFAULT_REGION": config.aws_region}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BuildFailed(f"chalice package failed:\n{done.stdout}{done.stderr}")
    return json.loads((target / "sam.json").read_text())


def chalice_executable() -> str:
    """The ``chalice`` installed beside this Python (the project venv's)."""
    beside = Path(sys.executable).parent / "chalice"
    found = str(beside) if beside.exists() else shutil.which("chalice")
    if not found:
        raise BuildFailed("chalice is not installed; run `make install`")
    return found


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def summary(package: Package) -> str:
    scheduled = [h.logical_id for h in package.handlers if h.scheduled] or ["none"]
    parameters = "\n".join(f"    {p}" for p in package.config.secret_parameters.values())
    texts = "\n             ".join(text_report(package.config.jurisdiction.texts))
    jurisdiction = package.config.jurisdiction
    records = "\n             ".join(
        retention_report(jurisdiction.records_retention)
        + backup_report(
            package.config.backups, jurisdiction.records_retention, jurisdiction.time_zone
        )
    )
    return f"""Packaged {package.config.name} ({package.config.aws_region})
  release    ClientComm {release.describe(package.release)}
  template   {package.template}
  zip        {package.zip}
             {package.zip_size.describe()}
             budget {package.zip_budget / 1e6:.1f} MB zipped (infra/package/zip_contents.py)
  layer      {package.layer}
             {package.layer_size.describe()}
             budget {package.layer_budget / 1e6:.1f} MB zipped (infra/package/media_layer.py)
             for {", ".join(sorted(media_layer.MEDIA_LAYER_FUNCTIONS))} only
  handlers   {", ".join(h.logical_id for h in package.handlers)}
  scheduled  {", ".join(scheduled)} (each has an EventBridge rule and a heartbeat alarm)
  texts      {texts}
  records    {records}
  Before the first deploy, store these SecureStrings (infra/ops/store_secrets.py):
{parameters}
Next: docs/operations.md, "First deploy"."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.package.build",
        description="Write out/<jurisdiction>/template.json and deployment.zip for one stack.",
    )
    parser.add_argument("jurisdiction", help="a file name in infra/jurisdictions/, without .json")
    parser.add_argument("--out", type=Path, help="output directory (default out/<jurisdiction>)")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the app to package")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE,
        help="Chalice's dependency cache, shared between builds",
    )
    parser.add_argument("--jurisdictions-dir", type=Path, default=JURISDICTIONS_DIR)
    parser.add_argument(
        "--layer-cache-dir",
        type=Path,
        default=DEFAULT_LAYER_CACHE,
        help="the media layer's cache, shared between builds",
    )
    parser.add_argument(
        "--zip-budget-mb",
        type=float,
        default=zip_contents.ZIP_BUDGET_BYTES / 1e6,
        help="fail when the zip is larger (MB, zipped)",
    )
    args = parser.parse_args(argv)
    try:
        package = build(
            args.jurisdiction,
            args.out,
            app_dir=args.app_dir.resolve(),
            cache_dir=args.cache_dir,
            jurisdictions_dir=args.jurisdictions_dir,
            zip_budget=int(args.zip_budget_mb * 1e6),
            layer_cache_dir=args.layer_cache_dir,
        )
    except JurisdictionConfigError as exc:  # the file's mistakes, one per line: fix and rerun
        print(f"make package: {exc}", file=sys.stderr)
        return 2
    except BuildFailed as exc:
        print(f"make package: {exc}", file=sys.stderr)
        return 1
    print(summary(package))
    return 0


if __name__ == "__main__":
    sys.exit(main())
