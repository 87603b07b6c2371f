"""What the build adds to Chalice's zip once Chalice has written it.

Chalice zips ``app.py``, ``chalicelib/``, ``vendor/`` and the installed requirements, and
keeps the result in its dependency cache under a hash of all of them but the requirements'
installed files. Anything that differs between builds of the same app (the ``VERSION``
file, the jurisdiction's settings) would make every build a new cache entry, and a new entry
installs every dependency again (about 15 s). So those go in afterwards, with the pages'
templates (not app code Chalice knows of): the layout in the zip is the repo's, beside
``app.py``, where ``chalicelib/web/rendering.py`` and ``chalicelib/config.py`` look.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Mapping
from pathlib import Path

from chalicelib.config import PACKAGED_JURISDICTION

JURISDICTION_ENTRY = f"chalicelib/{PACKAGED_JURISDICTION.name}"
TEMPLATES = "templates"
SKIPPED = ("__pycache__", ".DS_Store")
# Lambda runs the code as a user that owns none of it: every file must be world-readable.
READABLE_FILE = (stat.S_IFREG | 0o644) << 16
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest: the same text, the same bytes


def shipped_files(app_dir: Path) -> dict[str, Path]:
    """Files of ``app_dir`` the zip needs beside the code: ``templates/`` at ``templates/``,
    and anything in ``vendor/`` at the root, as Chalice would place it (symlinks followed)."""
    found: dict[str, Path] = {}
    for folder, prefix in ((app_dir / "vendor", ""), (app_dir / TEMPLATES, f"{TEMPLATES}/")):
        for root, directories, names in os.walk(folder, followlinks=True):
            directories[:] = sorted(d for d in directories if d not in SKIPPED)
            for name in sorted(names):
                if name not in SKIPPED and not name.endswith(".pyc"):
                    path = Path(root) / name
                    found[prefix + path.relative_to(folder).as_posix()] = path
    return found


def add_to_zip(archive_path: Path, files: Mapping[str, Path], texts: Mapping[str, str]) -> None:
    """Append ``files`` (entry name → file) and ``texts`` (entry name → UTF-8 text).

    An entry the zip already holds is refused: a second copy of a name would leave which
    one Lambda unpacks to chance.
    """
    with zipfile.ZipFile(archive_path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        present = set(archive.namelist())
        clashes = sorted(present & (set(files) | set(texts)))
        if clashes:
            raise ValueError(f"the zip already holds {', '.join(clashes)}")
        for name, path in files.items():
            archive.write(path, name)
        for name, text in texts.items():
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.external_attr = READABLE_FILE
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, text.encode("utf-8"))
