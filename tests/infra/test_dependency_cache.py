"""A build of a changed app starts from the dependencies kept for the same requirements
(installing them takes ~15 s) and still ships exactly its own code."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from infra.package import dependency_cache
from tests.helpers import ROOT
from tests.infra.packaging import EXTRA_HANDLER_ID

APP_CODE = ("app.py", "chalicelib/", "chalice/")


def names(archive_path: Path) -> set[str]:
    with zipfile.ZipFile(archive_path) as archive:
        return set(archive.namelist())


def dependencies(archive_path: Path) -> set[str]:
    return {n for n in names(archive_path) if not n.startswith(APP_CODE)}


def staged(target: Path, app_py: str) -> Path:
    """A project as the build stages it: app.py, requirements and chalicelib."""
    target.mkdir()
    shutil.copy2(ROOT / "requirements.txt", target / "requirements.txt")
    (target / "app.py").write_text(app_py)
    shutil.copytree(ROOT / "chalicelib", target / "chalicelib")
    return target


def test_the_app_with_another_handler_ships_its_own_app_py(packaged):
    with zipfile.ZipFile(packaged.with_schedule.zip) as archive:
        shipped = archive.read("app.py").decode()
    assert "def probe_sweep(" in shipped
    assert EXTRA_HANDLER_ID in {h.logical_id for h in packaged.with_schedule.handlers}
    example = next(iter(packaged.examples.values()))
    assert dependencies(packaged.with_schedule.zip) == dependencies(example.zip)


def test_kept_dependencies_meet_the_new_code_and_nothing_of_the_old(tmp_path):
    """Kept: a dependency and an older app's code. A project whose chalicelib lost a module
    and gained one gets the entry Chalice looks for, with exactly its own code in it."""
    build_dir = staged(tmp_path / "build", "from chalice import Chalice\napp = Chalice('x')\n")
    (build_dir / "chalicelib" / "lazy.py").unlink()
    (build_dir / "chalicelib" / "brand_new.py").write_text("NEW = True\n")
    cache = tmp_path / "cache"
    dependency_cache.link(build_dir, cache)
    with zipfile.ZipFile(dependency_cache.kept_entry(build_dir, cache), "w") as kept:
        kept.writestr("somedependency/__init__.py", "KEPT = True\n")
        kept.writestr("app.py", "old = True\n")
        kept.writestr("chalicelib/lazy.py", "OLD = True\n")

    assert dependency_cache.prepare(build_dir, cache) is True

    entry = dependency_cache.chalice_entry(build_dir)
    assert entry.resolve().parent == cache.resolve()
    found = names(entry)
    assert {"somedependency/__init__.py", "chalicelib/brand_new.py", "chalice/app.py"} <= found
    assert "chalicelib/lazy.py" not in found
    with zipfile.ZipFile(entry) as archive:
        assert archive.read("app.py").decode().endswith("app = Chalice('x')\n")


def test_changed_requirements_find_nothing_kept(tmp_path):
    build_dir = staged(tmp_path / "build", "")
    with (build_dir / "requirements.txt").open("a") as requirements:
        requirements.write("six==1.17.0\n")
    cache = tmp_path / "cache"
    dependency_cache.link(build_dir, cache)
    assert dependency_cache.prepare(build_dir, cache) is False
    assert not dependency_cache.chalice_entry(build_dir).exists()
