"""The upgrade plan says what is unavailable while an index is missing: every index of every
model must have its words in chalicelib/store/index_uses.py."""

from __future__ import annotations

from chalicelib.store.index_uses import INDEX_USES
from infra.package.snapshots import current


def test_every_index_of_every_model_says_what_it_serves():
    declared = {
        table: set(schema["global_secondary_indexes"]) | set(schema["local_secondary_indexes"])
        for table, schema in current()["tables"].items()
    }
    described = {table: set(found) for table, found in INDEX_USES.items()}
    missing = {t: sorted(i - described.get(t, set())) for t, i in declared.items()}
    stale = {t: sorted(i - declared.get(t, set())) for t, i in described.items()}
    assert not any(missing.values()), f"say what these serve in index_uses.py: {missing}"
    assert not any(stale.values()), f"no model declares these any more: {stale}"
