"""``make cfn-lint JURISDICTION=<name>``: cfn-lint on a packaged template, for its region."""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import subprocess
import sys
from pathlib import Path

from infra.config_loader import JurisdictionConfigError, load_stack_config

from .build import DEFAULT_OUT, TEMPLATE

LINT_CACHE = DEFAULT_OUT / ".cache" / "cfn-lint"
KEEP_CLEAN = 50  # empty files, one per template found clean


def cfn_lint(
    template: Path, region: str, cache_dir: Path | None = LINT_CACHE
) -> subprocess.CompletedProcess[str]:
    """Run the venv's cfn-lint; return code 0 means no errors and no warnings.

    cfn-lint takes seconds a template, and ``make deploy`` packages and lints again what was
    just linted: a template it found clean is remembered in ``cache_dir`` by its content, the
    region and cfn-lint's version, and not linted again. Findings are never remembered.
    """
    executable = Path(sys.executable).parent / "cfn-lint"
    command = [str(executable), "--regions", region, "--", str(template)]
    marker = cache_dir / f"{_clean_key(template, region)}.clean" if cache_dir else None
    if marker is not None and marker.is_file():
        marker.touch()
        said = f"(cfn-lint {_version()} found this same template clean in {region} before)\n"
        return subprocess.CompletedProcess(command, 0, said, "")
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode == 0 and marker is not None:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        _prune(marker.parent)
    return done


def _clean_key(template: Path, region: str) -> str:
    """The template, the region, cfn-lint's version and any cfn-lint settings it would read."""
    digest = hashlib.sha256(template.read_bytes())
    digest.update(f"\0{region}\0{_version()}".encode())
    for settings in sorted(Path.cwd().glob(".cfnlintrc*")):
        digest.update(b"\0" + settings.read_bytes())
    return digest.hexdigest()


def _version() -> str:
    return importlib.metadata.version("cfn-lint")


def _prune(cache_dir: Path, keep: int = KEEP_CLEAN) -> None:
    markers = sorted(cache_dir.glob("*.clean"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in markers[keep:]:
        stale.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.package.lint",
        description="cfn-lint out/<jurisdiction>/template.json in the jurisdiction's region.",
    )
    parser.add_argument("jurisdiction")
    parser.add_argument("--out", type=Path, help="package directory (default out/<jurisdiction>)")
    args = parser.parse_args(argv)
    try:
        config = load_stack_config(args.jurisdiction)
    except JurisdictionConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    template = (args.out or DEFAULT_OUT / args.jurisdiction) / TEMPLATE
    if not template.is_file():
        print(f"{template}: not packaged yet; run make package", file=sys.stderr)
        return 1
    done = cfn_lint(template, config.aws_region)
    print(done.stdout + done.stderr, end="")
    if done.returncode == 0:
        print(f"cfn-lint: {template} is clean ({config.aws_region})")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
