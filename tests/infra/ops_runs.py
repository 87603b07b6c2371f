"""Running an ops script as an operator does: its own process, its own environment, and a
standard input that may be closed. Shared by the tests of the scripts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping

from tests.helpers import ROOT

# What points boto3 at AWS or at a local moto, or gives it credentials.
AWS_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
)
TWILIO_VARIABLES = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE_URL")


def environment(
    *, aws: bool = True, twilio: bool = False, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """This process's environment (the session's moto, when ``aws``), without the Twilio
    settings unless ``twilio``; without ``aws`` no credentials can be found at all."""
    env = dict(os.environ)
    if not twilio:
        for name in TWILIO_VARIABLES:
            env.pop(name, None)
    if not aws:
        for name in AWS_VARIABLES:
            env.pop(name, None)
        env.update(
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            AWS_EC2_METADATA_DISABLED="true",
        )
    env.update(extra or {})
    return env


def run_script(
    name: str,
    args: Iterable[str],
    env: Mapping[str, str],
    *,
    stdin_text: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m infra.ops.<name> args``; stdin closed unless ``stdin_text`` is given."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", f"infra.ops.{name}", *args],
        cwd=ROOT,
        env=dict(env),
        input=stdin_text,
        stdin=subprocess.DEVNULL if stdin_text is None else None,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def one_line_error(done: subprocess.CompletedProcess[str], prog: str) -> str:
    """The script's single stderr line (no traceback), without its name."""
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr, done.stderr
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: "), done.stderr
    return lines[0].removeprefix(f"{prog}: ")
