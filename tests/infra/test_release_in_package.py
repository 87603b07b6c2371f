"""A package names its release: the zip's VERSION file (which the app, unpacked as Lambda
unpacks it, reads), and the template's description, metadata and ``Version`` output."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

from chalicelib.version import Release, __version__, parse_version_file
from infra.package import release
from tests.helpers import ROOT
from tests.infra.packaging import load

# Only the unpacked zip on sys.path, as in Lambda: which release does the app say it is?
PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from chalicelib import version
found = version.running()
print(json.dumps([version.VERSION_FILE.as_posix(), found.version, found.commit]))
"""


def test_the_zip_names_the_release_it_was_built_from(packaged):
    for package in packaged.examples.values():
        with zipfile.ZipFile(package.zip) as archive:
            shipped = parse_version_file(archive.read("VERSION").decode())
        assert shipped == package.release
        assert shipped.version == __version__


def test_the_app_unpacked_from_the_zip_reads_that_release(packaged, unpacked):
    package = packaged.large  # the session's unpacked zip (conftest.py)
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-I", "-S", "-c", PROBE, str(unpacked)],
        capture_output=True,
        text=True,
        check=True,
    )
    path, version, commit = json.loads(done.stdout)
    assert path == (unpacked / "VERSION").as_posix()  # beside app.py, at the zip's root
    assert (version, commit) == (package.release.version, package.release.commit)


def test_the_template_names_the_release_and_the_jurisdiction(packaged):
    for name, package in packaged.examples.items():
        template = load(package.template)
        assert template["Description"].startswith(f"ClientComm {__version__} for ")
        assert template["Outputs"]["Version"]["Value"] == __version__
        assert release.of_template(template) == (name, package.release)


def test_a_build_of_this_checkout_names_its_commit():
    done = subprocess.run(  # noqa: S603 - fixed arguments
        ["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    assert release.of_app(ROOT).commit == done.stdout.strip()


def test_a_copy_of_the_app_outside_git_names_no_commit(packaged):
    """The extra-schedule app is a copy in a temporary directory, not a checkout."""
    assert packaged.with_schedule.release == Release(__version__)
    template = load(packaged.with_schedule.template)
    assert template["Metadata"]["ClientComm"]["Commit"] == "unknown"
