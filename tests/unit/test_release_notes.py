"""A release is one number written once: the package, pyproject.toml, CHANGELOG.md and the
git tag agree, and every release tells ops what to do when taking it."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

from chalicelib.version import Release, __version__, parse_version_file, read_release

ROOT = Path(__file__).resolve().parents[2]
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
ENTRY = re.compile(r"^## (\S+)", re.MULTILINE)


def changelog_entries() -> dict[str, str]:
    """Each release's section of CHANGELOG.md, by version, in the file's order."""
    text = (ROOT / "CHANGELOG.md").read_text()
    heads = list(ENTRY.finditer(text))
    entries = {}
    for head, after in zip(heads, [*heads[1:], None], strict=True):
        if SEMVER.match(head.group(1)):
            entries[head.group(1)] = text[head.end() : after.start() if after else len(text)]
    return entries


def test_the_version_is_major_minor_patch():
    assert SEMVER.match(__version__), __version__


def test_pyproject_names_the_same_version():
    with (ROOT / "pyproject.toml").open("rb") as stream:
        assert tomllib.load(stream)["project"]["version"] == __version__


def test_the_changelog_opens_with_the_current_version():
    assert next(iter(changelog_entries())) == __version__


def test_every_release_in_the_changelog_has_upgrade_notes():
    for version, entry in changelog_entries().items():
        notes = entry.split("### Upgrade notes", 1)
        assert len(notes) == 2, f"{version} has no '### Upgrade notes'"
        assert notes[1].split("\n## ")[0].strip(), f"{version}'s upgrade notes are empty"


def test_a_release_tag_on_this_commit_names_this_version():
    done = subprocess.run(  # noqa: S603 - fixed arguments
        ["git", "-C", str(ROOT), "tag", "--points-at", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    tags = [t for t in done.stdout.split() if t.startswith("v") and SEMVER.match(t[1:])]
    assert all(tag == f"v{__version__}" for tag in tags), tags


def test_the_version_file_reads_back_what_the_build_wrote():
    for release in (
        Release("0.17.0"),
        Release("0.17.0", "1a2b3c4d5e6f"),
        Release("1.2.3", "1a2b3c4d5e6f", modified=True),
    ):
        text = release.version_file()
        assert text.splitlines()[0] == release.version  # `cat VERSION` starts with the number
        assert parse_version_file(text) == release


def test_a_clone_without_a_version_file_runs_the_package_version(tmp_path):
    assert read_release(tmp_path / "VERSION") == Release(__version__)
