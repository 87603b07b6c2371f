"""``make cfn-lint JURISDICTION=<name>``: cfn-lint on a packaged template, for its region."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from infra.config_loader import JurisdictionConfigError, load_stack_config

from .build import DEFAULT_OUT, TEMPLATE


def cfn_lint(template: Path, region: str) -> subprocess.CompletedProcess[str]:
    """Run the venv's cfn-lint; return code 0 means no errors and no warnings."""
    executable = Path(sys.executable).parent / "cfn-lint"
    command = [str(executable), "--regions", region, "--", str(template)]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603


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
