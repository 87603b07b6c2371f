"""Each example jurisdiction packaged once per session, plus one app with an extra schedule.

Packaging runs the real ``chalice package`` (twice per build). Chalice caches the downloaded
dependencies per app version under ``out/.cache``, so only the first build of a new app
version downloads; the extra-schedule app is another version, so it builds alongside.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from infra.package.build import Package, build
from tests.infra.packaging import (
    EXAMPLES,
    SCHEDULE_JURISDICTION,
    app_with_extra_schedule,
    load,
)


@dataclass(frozen=True)
class Packaged:
    examples: dict[str, Package]
    with_schedule: Package


@pytest.fixture(scope="session")
def packaged(tmp_path_factory) -> Packaged:
    out = tmp_path_factory.mktemp("packages")
    extra_app = app_with_extra_schedule(out / "app-with-schedule")
    with ThreadPoolExecutor(max_workers=1) as background:
        scheduled = background.submit(
            build, SCHEDULE_JURISDICTION, out / "with-schedule", app_dir=extra_app
        )
        examples = {name: build(name, out / name) for name in EXAMPLES}
        return Packaged(examples, scheduled.result())


@pytest.fixture(scope="session")
def templates(packaged) -> dict[str, dict[str, Any]]:
    """Every example's final template, by jurisdiction name."""
    return {name: load(package.template) for name, package in packaged.examples.items()}


@pytest.fixture(scope="session")
def scheduled_template(packaged) -> dict[str, Any]:
    return load(packaged.with_schedule.template)
