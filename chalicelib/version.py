"""Which release is running, so a supervisor or admin can tell support exactly what they use.

``__version__`` is the one place a release's number is written: the build reads it from this
file, CHANGELOG.md has an entry for it, its git tag is ``v`` + it, and the deploy names the
zip and template after it. The build also writes a ``VERSION`` file at the zip's root (beside
``app.py``) saying which commit it was built from; a clone has none and shows the number only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

__version__ = "0.23.0"

VERSION_FILE = Path(__file__).resolve().parents[1] / "VERSION"
COMMIT = "commit "
MODIFIED = "with uncommitted changes"


@dataclass(frozen=True)
class Release:
    """A version number and, for a packaged build, the commit it was built from."""

    version: str
    commit: str | None = None
    modified: bool = False

    def version_file(self) -> str:
        """The ``VERSION`` file's text: the number alone on the first line (``cat VERSION``)."""
        lines = [self.version]
        if self.commit:
            lines.append(COMMIT + self.commit)
            if self.modified:
                lines.append(MODIFIED)
        return "\n".join(lines) + "\n"


def parse_version_file(text: str) -> Release:
    """Read what ``Release.version_file`` wrote; unknown lines are ignored."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return Release(__version__)
    commit = next((line[len(COMMIT) :] for line in lines[1:] if line.startswith(COMMIT)), None)
    return Release(lines[0], commit, MODIFIED in lines[1:])


@cache
def read_release(path: Path) -> Release:
    """The release a ``VERSION`` file names, or this module's number where there is none."""
    try:
        return parse_version_file(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Release(__version__)


def running() -> Release:
    """This process's release (the file is read once per container)."""
    return read_release(VERSION_FILE)
