"""Each release leaves a schema snapshot (infra/package/snapshots/<version>.json), which the
upgrade plan and its rehearsal read; the current release's must say what the models say, so
a release cannot forget to write it (``make snapshot``)."""

from __future__ import annotations

from chalicelib.version import __version__
from infra.package import snapshots


def test_the_current_release_has_a_snapshot_equal_to_its_models():
    path = snapshots.path_for(__version__)
    assert path.is_file(), f"no {path.name}: run make snapshot"
    assert snapshots.load(__version__) == snapshots.current(), "models changed: make snapshot"


def test_each_committed_snapshot_names_its_release_and_every_table_has_keys():
    for path in sorted(snapshots.SNAPSHOT_DIR.glob("*.json")):
        loaded = snapshots.load(path.stem)
        assert loaded["release"] == path.stem
        for table, schema in loaded["tables"].items():
            assert schema["key_schema"][0][1] == "HASH", (path.name, table)
