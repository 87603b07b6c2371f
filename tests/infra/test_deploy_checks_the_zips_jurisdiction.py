"""The zip now carries the jurisdiction's settings (its numbers, its texts): a deploy refuses a
zip packaged for another jurisdiction even when both come from the same release, since the
VERSION check alone cannot tell them apart."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from infra.package import artifacts
from infra.package.build import TEMPLATE, ZIP
from infra.package.zip_additions import JURISDICTION_ENTRY


def test_another_jurisdictions_zip_of_the_same_release_is_refused(packaged, tmp_path):
    salt_lake, multnomah = (
        packaged.examples["salt-lake-county"],
        packaged.examples["multnomah-county"],
    )
    assert salt_lake.release == multnomah.release
    shutil.copyfile(salt_lake.template, tmp_path / TEMPLATE)
    shutil.copyfile(multnomah.zip, tmp_path / ZIP)
    with pytest.raises(artifacts.ArtifactError, match="multnomah-county") as refused:
        artifacts.read_built(tmp_path, "salt-lake-county")
    assert "package again" in str(refused.value)


def test_a_zip_without_a_jurisdiction_file_is_refused(packaged, tmp_path):
    package = packaged.examples["salt-lake-county"]
    shutil.copyfile(package.template, tmp_path / TEMPLATE)
    with zipfile.ZipFile(package.zip) as source, zipfile.ZipFile(tmp_path / ZIP, "w") as copy:
        for name in ("VERSION", "app.py"):
            copy.writestr(name, source.read(name))
    with pytest.raises(artifacts.ArtifactError, match=JURISDICTION_ENTRY):
        artifacts.read_built(tmp_path, "salt-lake-county")


def test_the_zip_and_template_of_one_build_are_accepted(packaged):
    package = packaged.examples["salt-lake-county"]
    built = artifacts.read_built(package.template.parent, "salt-lake-county")
    assert built.release == package.release
