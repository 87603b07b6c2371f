"""The zip has a size budget: the build prints the zip's size and its largest packages, and
fails, naming them, when the zip crosses the budget."""

from __future__ import annotations

import pytest

from infra.package.build import BuildFailed, build, summary
from infra.package.zip_contents import LARGEST_SHOWN, ZIP_BUDGET_BYTES


def test_the_summary_shows_the_zips_size_its_largest_packages_and_the_budget(packaged):
    package = packaged.examples["salt-lake-county"]
    shown = summary(package)
    assert f"{package.zip_size.zipped / 1e6:.1f} MB zipped" in shown
    assert len(package.zip_size.largest) == LARGEST_SHOWN
    for name, _ in package.zip_size.largest:
        assert name in shown
    assert f"budget {ZIP_BUDGET_BYTES / 1e6:.1f} MB zipped" in shown
    assert package.zip_size.zipped <= ZIP_BUDGET_BYTES


def test_a_zip_over_its_budget_fails_the_build_naming_its_largest_packages(packaged, tmp_path):
    with pytest.raises(BuildFailed) as failed:
        build("salt-lake-county", tmp_path / "over", zip_budget=1_000_000)
    message = str(failed.value)
    assert "over its budget of 1.0 MB" in message
    assert "largest (MB zipped): " in message
    assert "infra/package/zip_contents.py" in message
