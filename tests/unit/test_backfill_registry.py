"""Which backfills an upgrade runs, and the courthouse backfill's reading of a place."""

from __future__ import annotations

import pytest

from infra.ops.backfills.courthouse_codes import AMBIGUOUS, NO_COURTHOUSE, derive
from infra.ops.backfills.model import Backfill, Unusable
from infra.ops.backfills.registry import BACKFILLS, backfills_between

COURTHOUSES = [
    ("SLDC", "Matheson Courthouse"),
    ("WJ", "West Jordan"),
    ("WJA", "West Jordan, Annex"),
]


def names(found) -> list[str]:
    return [backfill.name for backfill in found]


def test_a_stack_older_than_any_release_gets_every_backfill_up_to_the_one_it_takes():
    assert names(backfills_between(None, "0.17.0")) == ["caseload_fields", "id_keys"]
    assert names(backfills_between(None, "0.18.0")) == [b.name for b in BACKFILLS]


def test_a_numbered_stack_gets_only_the_backfills_of_later_releases():
    assert names(backfills_between("0.17.0", "0.18.0")) == ["courthouse_codes"]
    assert backfills_between("0.18.0", "0.18.0") == []
    assert names(backfills_between("0.9.0", "0.17.0")) == ["caseload_fields", "id_keys"]


def test_a_release_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match=r"MAJOR\.MINOR\.PATCH"):
        backfills_between("v0.17", "0.18.0")


def test_a_backfill_declared_without_a_rule_refuses_to_decide_items():
    bare = Backfill("plain", "0.19.0", "clients", None, "a plan's stand-in")
    with pytest.raises(NotImplementedError):
        bare.rule.prepare(None)  # type: ignore[arg-type]


def test_every_backfill_is_named_once_with_a_release_and_a_table():
    assert len({b.name for b in BACKFILLS}) == len(BACKFILLS)
    assert all(b.table and b.description and b.release.count(".") == 2 for b in BACKFILLS)


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Matheson Courthouse", ("SLDC", "")),
        ("Matheson Courthouse, Room W43", ("SLDC", "W43")),
        ("Matheson Courthouse, Courtroom 5", ("SLDC", "Courtroom 5")),
        ("West Jordan, Room 2", ("WJ", "2")),
    ],
)
def test_a_place_an_import_wrote_gives_back_its_courthouse_and_room(place, expected):
    assert derive(place, COURTHOUSES) == expected


@pytest.mark.parametrize(
    ("place", "reason"),
    [
        ("West Jordan, Annex, Room 3", AMBIGUOUS),
        ("Matheson Courthouse Annex", NO_COURTHOUSE),
        ("SLC9, Room 4", NO_COURTHOUSE),
        ("Matheson Courthouse, W43", NO_COURTHOUSE),  # no import words a room so
        ("", NO_COURTHOUSE),
    ],
)
def test_a_place_naming_no_courthouse_or_several_is_left_alone(place, reason):
    with pytest.raises(Unusable, match=reason.split(":")[0]):
        derive(place, COURTHOUSES)


def test_a_saved_new_wording_and_the_seed_0_17_wrote_from_name_one_courthouse():
    both = [("sldc", "Matheson Courthouse (new)"), ("SLDC", "Matheson Courthouse")]
    assert derive("Matheson Courthouse, Room 4", both) == ("SLDC", "4")
    assert derive("Matheson Courthouse (new), Room 4", both) == ("sldc", "4")
