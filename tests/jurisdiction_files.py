"""A test's own jurisdiction: the running one with some settings changed, in a file of its own.

The app reads its jurisdiction from a file (``JURISDICTION_FILE``; packaged in the zip when
deployed) and caches it by path, so a changed jurisdiction goes in a new file named after its
content: one path always holds one content, and the cache can never hand back an old one.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

FILE_VARIABLE = "JURISDICTION_FILE"


def running_jurisdiction() -> dict[str, Any]:
    """The settings of the jurisdiction the app reads now (the local stack's)."""
    return json.loads(Path(os.environ[FILE_VARIABLE]).read_text(encoding="utf-8"))


def jurisdiction_file(directory: Path, settings: dict[str, Any]) -> Path:
    """``settings`` written to ``directory``, in a file named after its content."""
    body = json.dumps(settings, ensure_ascii=False, indent=1, sort_keys=True)
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    path = directory / f"jurisdiction-{digest}.json"
    path.write_text(body, encoding="utf-8")
    return path


def use_jurisdiction(
    monkeypatch: pytest.MonkeyPatch, directory: Path, settings: dict[str, Any]
) -> Path:
    """For the rest of the test, the app (in this process) runs with ``settings``."""
    path = jurisdiction_file(directory, settings)
    monkeypatch.setenv(FILE_VARIABLE, str(path))
    return path
