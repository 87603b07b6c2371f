"""What a build says about its release: the ``VERSION`` file in the zip, and the template's
Description, Metadata and ``Version`` output, so a stack and its artifacts always name it.

The number comes from the packaged app's own ``chalicelib/version.py`` (the app being
packaged may be a copy, not this checkout); the commit from git, when the app is a checkout.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path
from typing import Any

from chalicelib.version import Release
from infra.config_loader import StackConfig

VERSION_FILE = "VERSION"
METADATA_KEY = "ClientComm"
VERSION_OUTPUT = "Version"
GIT_TIMEOUT_SECONDS = 10


class ReleaseError(Exception):
    """The app's version cannot be read, or a template names no release."""


def app_version(app_dir: Path) -> str:
    """``__version__`` as written in ``app_dir/chalicelib/version.py`` (read, not imported)."""
    source = app_dir / "chalicelib" / "version.py"
    for node in ast.parse(source.read_text(), str(source)).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__version__" for target in node.targets
        ):
            value = ast.literal_eval(node.value)
            if isinstance(value, str) and value:
                return value
    raise ReleaseError(f"{source} sets no __version__")


def of_app(app_dir: Path) -> Release:
    """The release ``app_dir`` would ship: its number, and its commit if it is a git checkout
    of its own (a copy inside some other repository is not)."""
    version = app_version(app_dir)
    top = _git(app_dir, "rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != app_dir.resolve():
        return Release(version)
    commit = _git(app_dir, "rev-parse", "--short=12", "HEAD")
    changes = _git(app_dir, "status", "--porcelain", "--untracked-files=no")
    return Release(version, commit, bool(changes))


def _git(directory: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(  # noqa: S603 - fixed git arguments
            ["git", "-C", str(directory), *args],  # noqa: S607 - git from PATH, as a developer's
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def stamp(merge: dict[str, Any], config: StackConfig, release: Release) -> None:
    """Name the release in the merge template: its Description (shown by the console beside
    the stack), Metadata (read back by the deploy) and a ``Version`` output."""
    merge["Description"] = (
        f"ClientComm {release.version} for {config.jurisdiction.display_name} ({config.name})"
    )
    merge.setdefault("Metadata", {})[METADATA_KEY] = {
        "Version": release.version,
        "Commit": release.commit or "unknown",
        "UncommittedChanges": release.modified,
        "Jurisdiction": config.name,
    }
    merge.setdefault("Outputs", {})[VERSION_OUTPUT] = {
        "Description": "The ClientComm release this stack runs (CHANGELOG.md)",
        "Value": release.version,
    }


def of_template(template: dict[str, Any]) -> tuple[str, Release]:
    """(jurisdiction, release) a stamped template names."""
    found = template.get("Metadata", {}).get(METADATA_KEY)
    if not isinstance(found, dict) or not found.get("Version") or not found.get("Jurisdiction"):
        raise ReleaseError("the template names no ClientComm release; package it again")
    commit = found.get("Commit")
    release = Release(
        str(found["Version"]),
        None if commit in (None, "unknown") else str(commit),
        bool(found.get("UncommittedChanges")),
    )
    return str(found["Jurisdiction"]), release


def describe(release: Release) -> str:
    """One line for people: ``0.17.0 (commit 1a2b3c4d5e6f, with uncommitted changes)``."""
    if not release.commit:
        return f"{release.version} (commit unknown)"
    extra = ", with uncommitted changes" if release.modified else ""
    return f"{release.version} (commit {release.commit}{extra})"
