"""Each example jurisdiction packaged once per session, plus one app with an extra schedule
and one jurisdiction file of 64 KB.

Packaging runs the real ``chalice package``. The dependencies it installs are kept under
``out/.cache`` (infra/package/dependency_cache.py): only the first build of a session may
install them, and only when the requirements changed since the last run, so it goes first.
"""

from __future__ import annotations

import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.package.build import Package, build
from tests.infra.packaging import (
    EXAMPLES,
    LARGE_JURISDICTION,
    SCHEDULE_JURISDICTION,
    app_with_extra_schedule,
    large_jurisdiction,
    load,
)


@dataclass(frozen=True)
class Packaged:
    examples: dict[str, Package]
    with_schedule: Package
    large: Package


@pytest.fixture(scope="session")
def packaged(tmp_path_factory) -> Packaged:
    out = tmp_path_factory.mktemp("packages")
    extra_app = app_with_extra_schedule(out / "app-with-schedule")
    large_dir = large_jurisdiction(out / "jurisdictions").parent
    first, *others = EXAMPLES
    examples = {first: build(first, out / first)}  # installs the dependencies if none are kept
    with ThreadPoolExecutor(max_workers=1) as background:
        scheduled = background.submit(
            build, SCHEDULE_JURISDICTION, out / "with-schedule", app_dir=extra_app
        )
        examples.update({name: build(name, out / name) for name in others})
        large = build(LARGE_JURISDICTION, out / "large", jurisdictions_dir=large_dir)
        return Packaged(examples, scheduled.result(), large)


@pytest.fixture(scope="session")
def templates(packaged) -> dict[str, dict[str, Any]]:
    """Every example's final template, by jurisdiction name."""
    return {name: load(package.template) for name, package in packaged.examples.items()}


@pytest.fixture(scope="session")
def scheduled_template(packaged) -> dict[str, Any]:
    return load(packaged.with_schedule.template)


@pytest.fixture(scope="session")
def unpacked(packaged, tmp_path_factory) -> Path:
    """The 64 KB jurisdiction's zip unpacked as Lambda unpacks it, once per session (33 MB
    take seconds), for the tests that run the app from it; none of them changes it."""
    target = tmp_path_factory.mktemp("lambda-root")
    with zipfile.ZipFile(packaged.large.zip) as archive:
        archive.extractall(target)
    return target
