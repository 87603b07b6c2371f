"""Chalice's dependency cache, shared between builds and kept across changes to the app.

Chalice keeps each zip it builds under ``.chalice/deployments``, named after a hash of the
requirements *and* the app's code, and reuses it only for that exact app: any change to
``app.py`` or ``chalicelib/`` installs every dependency again (about 15 s, most of a build).
Yet what it installs depends on the requirements and the Python version alone. So after a
build its zip is also kept under a name made of those two (``requirements-…``); a later
build whose own entry is missing starts from that copy, with the app's code replaced by its
own (Chalice's ``inject_latest_app`` swaps ``app.py``, ``chalicelib/`` and Chalice's runtime),
and Chalice finds the entry it looks for. Changing a requirement installs them as before.
Nothing else of a build is in these zips: ``zip_additions.py`` adds it after Chalice.
Kept dependencies are slimmed and compiled (``zip_contents.py``), and named after its
``FORMAT``, so a change to what the zip leaves out slims them again.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from chalice.config import Config
from chalice.constants import DEFAULT_LAMBDA_ARCHITECTURE
from chalice.deploy.packager import LambdaDeploymentPackager
from chalice.utils import UI, OSUtils

from . import zip_contents

KEPT_PREFIX = "requirements-"
KEEP_BUILDS = 3  # Chalice's own entries: one per app version, ~33 MB each
KEEP_REQUIREMENTS = 2  # the requirements now and, while a change settles, the ones before


def link(build_dir: Path, cache_dir: Path) -> None:
    """Point the staged project's ``.chalice/deployments`` at the shared ``cache_dir``."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    deployments = build_dir / ".chalice" / "deployments"
    deployments.parent.mkdir(parents=True, exist_ok=True)
    if deployments.is_symlink() or deployments.exists():
        return
    deployments.symlink_to(cache_dir.resolve(), target_is_directory=True)


def chalice_entry(build_dir: Path) -> Path:
    """The cached zip ``chalice package`` will look for, as Chalice itself names it."""
    name = _packager().deployment_package_filename(str(build_dir), lambda_python())
    return Path(name)


def kept_entry(build_dir: Path, cache_dir: Path) -> Path:
    """Where the dependencies for ``build_dir``'s requirements are kept."""
    requirements = (build_dir / "requirements.txt").read_bytes()
    digest = hashlib.sha256(requirements).hexdigest()[:20]
    return cache_dir / f"{KEPT_PREFIX}{digest}-{lambda_python()}-{zip_contents.FORMAT}.zip"


def prepare(build_dir: Path, cache_dir: Path) -> bool:
    """Give Chalice its entry from the kept dependencies if it has none; True if it has one
    now (False: Chalice will install the dependencies)."""
    entry, kept = chalice_entry(build_dir), kept_entry(build_dir, cache_dir)
    if entry.is_file():
        return True
    if not kept.is_file():
        return False
    draft = _draft_beside(entry)
    try:
        shutil.copyfile(kept, draft)
        _packager().inject_latest_app(str(draft), str(build_dir))
        os.replace(draft, entry)  # whole or not at all: another build may look for it now
    finally:
        draft.unlink(missing_ok=True)
    kept.touch()  # in use: the last to be pruned
    return True


def keep(build_dir: Path, cache_dir: Path) -> None:
    """After ``chalice package``: keep its zip's dependencies for the next app version."""
    entry, kept = chalice_entry(build_dir), kept_entry(build_dir, cache_dir)
    if kept.is_file() or not entry.is_file():
        return
    draft = _draft_beside(kept)
    try:
        shutil.copyfile(entry, draft)
        os.replace(draft, kept)
    finally:
        draft.unlink(missing_ok=True)


def prune(cache_dir: Path) -> None:
    """Keep only the newest few entries of each kind."""
    zips = sorted(cache_dir.glob("*.zip"), key=lambda p: p.stat().st_mtime, reverse=True)
    builds = [p for p in zips if not p.name.startswith(KEPT_PREFIX)]
    requirements = [p for p in zips if p.name.startswith(KEPT_PREFIX)]
    for stale in builds[KEEP_BUILDS:] + requirements[KEEP_REQUIREMENTS:]:
        stale.unlink(missing_ok=True)


def _draft_beside(target: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    draft = Path(name)
    draft.chmod(0o644)  # as Chalice's own entries (mkstemp makes it private)
    return draft


def _packager() -> LambdaDeploymentPackager:
    """Chalice's packager, only for naming an entry and injecting code (it installs nothing
    here, so it needs no dependency builder)."""
    return LambdaDeploymentPackager(
        osutils=OSUtils(),
        dependency_builder=None,  # type: ignore[arg-type]
        ui=UI(out=io.StringIO(), err=io.StringIO()),  # "Regen deployment package." is noise
        architecture=DEFAULT_LAMBDA_ARCHITECTURE,
    )


def lambda_python() -> str:
    """The Lambda runtime Chalice packages for (it follows the running interpreter)."""
    return Config().lambda_python_version
