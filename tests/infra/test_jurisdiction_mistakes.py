"""A jurisdiction file can't be wrong quietly: every mistake is refused before packaging,
all of them at once, each with its path, what was wrong and what is expected."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra.config_loader import JURISDICTIONS_DIR, JurisdictionConfigError, load_stack_config
from tests.helpers import ROOT

SALT_LAKE = json.loads((JURISDICTIONS_DIR / "salt-lake-county.json").read_text(encoding="utf-8"))
NAME = "new-county"


def county(**changes: Any) -> dict[str, Any]:
    """A deployable file (Salt Lake County's, renamed) with ``changes`` on top."""
    return {**copy.deepcopy(SALT_LAKE), "name": NAME, **changes}


def write(directory: Path, data: dict[str, Any]) -> str:
    (directory / f"{NAME}.json").write_text(json.dumps(data), encoding="utf-8")
    return NAME


def problems_in(directory: Path, data: dict[str, Any]) -> dict[str, str]:
    """Path → message for every problem ``load_stack_config`` reports in one run."""
    with pytest.raises(JurisdictionConfigError) as caught:
        load_stack_config(write(directory, data), directory)
    assert f"{NAME}.json" in str(caught.value)
    return caught.value.problems


def test_a_copy_of_an_example_under_a_new_name_is_accepted(tmp_path):
    assert load_stack_config(write(tmp_path, county()), tmp_path).name == NAME


def test_misspelled_settings_are_refused_naming_the_setting_meant(tmp_path):
    data = county()
    data["reminder_offset_days"] = data.pop("reminder_offsets_days")
    data["mail-from"] = data.pop("mail_from")
    data["texts"]["sp"] = data["texts"].pop("es")
    data["departments"][1]["nmae"] = data["departments"][1].pop("name")
    found = problems_in(tmp_path, data)
    assert "reminder_offsets_days" in found["reminder_offset_days"]
    assert "mail_from" in found["mail-from"]
    assert '"es"' in found["texts.sp"]
    assert '"name"' in found["departments[1].nmae"]
    assert "missing" in found["texts.es"]
    assert "missing" in found["departments[1].name"]


def test_wrong_types_are_reported_with_their_paths_instead_of_a_traceback(tmp_path):
    data = county(
        reminder_offsets_days=7,
        departments=["probation", "pretrial"],
        late_grace_minutes="15",
        allowed_countries="US",
    )
    found = problems_in(tmp_path, data)
    assert "is 7" in found["reminder_offsets_days"]
    assert "list" in found["reminder_offsets_days"]
    assert '"probation"' in found["departments[0]"] and "object" in found["departments[0]"]
    assert '"pretrial"' in found["departments[1]"]
    assert "whole number" in found["late_grace_minutes"]
    assert "list" in found["allowed_countries"]


def test_a_missing_field_does_not_hide_the_other_problems(tmp_path):
    data = county(time_zone="Mars/Olympus", mfa="MAYBE")
    del data["display_name"]
    del data["alarm_email"]
    data["departments"][0]["twilio_number"] = "12"
    found = problems_in(tmp_path, data)
    assert set(found) >= {
        "display_name",
        "alarm_email",
        "time_zone",
        "mfa",
        "departments[0].twilio_number",
    }
    assert "missing" in found["display_name"]


@pytest.mark.parametrize(
    ("zone", "instead"),
    [
        ("EST", "America/New_York"),
        ("EST5EDT", "America/New_York"),
        ("MST", "America/Denver"),
        ("MST7MDT", "America/Denver"),
        ("PST8PDT", "America/Los_Angeles"),
        ("US/Pacific", "America/Los_Angeles"),
        ("Etc/GMT+5", "America/New_York"),
        ("UTC", "America/"),
    ],
)
def test_a_time_zone_that_is_not_a_region_is_refused_naming_the_zone_to_use(
    tmp_path, zone, instead
):
    found = problems_in(tmp_path, county(time_zone=zone))
    assert set(found) == {"time_zone"}
    assert zone in found["time_zone"] and instead in found["time_zone"]


@pytest.mark.parametrize("zone", ["America/Phoenix", "Pacific/Honolulu", "America/Denver"])
def test_a_region_zone_is_accepted_with_or_without_daylight_saving(tmp_path, zone):
    config = load_stack_config(write(tmp_path, county(time_zone=zone)), tmp_path)
    assert config.jurisdiction.time_zone == zone


def test_a_fixed_offset_zone_is_accepted_only_with_the_explicit_override(tmp_path):
    fixed = county(time_zone="Etc/GMT+5", allow_fixed_offset_time_zone=True)
    assert load_stack_config(write(tmp_path, fixed), tmp_path).jurisdiction.time_zone == "Etc/GMT+5"
    ruled = county(time_zone="MST7MDT", allow_fixed_offset_time_zone=True)
    assert "America/Denver" in problems_in(tmp_path, ruled)["time_zone"]


def test_a_bad_court_import_mapping_is_refused_before_packaging(tmp_path):
    data = county()
    mapping = data["court_import"]
    mapping["columns"]["id_number"] = None
    mapping["columns"]["dtae"] = "crt_dt2"
    mapping["date_format"] = "%m/%Y"
    mapping["locatons"] = {}
    mapping["locations"] = {"SLDC": 7}
    found = problems_in(tmp_path, data)
    assert "required" in found["court_import.columns.id_number"]
    assert "court_import.columns.dtae" in found
    assert "%m/%Y" in found["court_import.date_format"]
    assert '"locations"' in found["court_import.locatons"]
    assert "court_import.locations.SLDC" in found


def test_a_missing_spanish_text_is_refused(tmp_path):
    data = county()
    del data["texts"]["es"]["help"]
    found = problems_in(tmp_path, data)
    assert set(found) == {"texts.es.help"}
    assert "missing" in found["texts.es.help"]


def test_texts_are_required_in_every_language_clients_can_choose(tmp_path):
    data = county()
    del data["texts"]["es"]
    assert "missing" in problems_in(tmp_path, data)["texts.es"]


def test_a_text_with_a_placeholder_is_refused_since_it_would_be_sent_as_typed(tmp_path):
    data = county()
    data["texts"]["en"]["help"] = "Hi {first_name}, text your case manager here."
    found = problems_in(tmp_path, data)
    assert "{first_name}" in found["texts.en.help"]


def test_a_text_longer_than_three_segments_is_refused_with_its_count(tmp_path):
    data = county()
    data["texts"]["es"]["auto_reply"] = "Aquí " * 60
    found = problems_in(tmp_path, data)
    assert "segments" in found["texts.es.auto_reply"]
    assert "UCS-2" in found["texts.es.auto_reply"]


def test_packaging_reports_every_mistake_in_one_run_and_exits_2(tmp_path):
    data = county(time_zone="EST", reminder_offsets_days=7)
    data["departments"] = ["probation", *data["departments"][1:]]
    data["departments"][1]["nmae"] = data["departments"][1].pop("name")
    data["texts"]["es"].pop("help")
    data["court_import"]["date_format"] = "%d"
    data["mail-from"] = data.pop("mail_from")
    del data["display_name"]
    write(tmp_path, data)
    done = subprocess.run(  # noqa: S603 (our own module, a path we made)
        [
            sys.executable,
            "-m",
            "infra.package.build",
            NAME,
            "--jurisdictions-dir",
            str(tmp_path),
            "--out",
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    for path in (
        "time_zone",
        "reminder_offsets_days",
        "departments[0]",
        "departments[1].nmae",
        "departments[1].name",
        "texts.es.help",
        "court_import.date_format",
        "mail-from",
        "display_name",
    ):
        assert any(line.startswith(f"  {path}: ") for line in lines), (path, done.stderr)
    assert not (tmp_path / "out").exists()
