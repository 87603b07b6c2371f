"""The ``backups`` setting of a jurisdiction file: its defaults and limits, every mistake by
path, and what the check says about records deleted while a backup of them is kept."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from chalicelib.domain.retention import RecordsRetention
from infra.config_loader import JURISDICTIONS_DIR, load_stack_config
from infra.jurisdiction_schema import backup_report, backups_of, problems
from infra.jurisdiction_schema.model import Backups
from infra.jurisdiction_schema.reference import SCHEMA_FILE

SALT_LAKE = json.loads((JURISDICTIONS_DIR / "salt-lake-county.json").read_text(encoding="utf-8"))
ZONE = "America/Denver"


def with_backups(backups: object) -> dict:
    data = copy.deepcopy(SALT_LAKE)
    data["backups"] = backups
    return data


def test_left_out_every_table_is_backed_up_daily_for_a_week_and_monthly_for_a_year():
    found = backups_of({})
    assert (found.enabled, found.daily_keep_days, found.monthly_keep_months) == (True, 7, 12)
    assert found.monthly_keep_days() == 366


@pytest.mark.parametrize(("months", "days"), [(0, 0), (1, 31), (12, 366), (84, 2557), (120, 3653)])
def test_a_monthly_backup_is_kept_at_least_as_many_days_as_its_months_can_have(months, days):
    assert Backups(monthly_keep_months=months).monthly_keep_days() == days


def test_the_stack_config_carries_the_files_backups(tmp_path):
    data = with_backups({"daily_keep_days": 14, "monthly_keep_months": 84})
    data["name"] = "backed-up-county"
    (tmp_path / "backed-up-county.json").write_text(json.dumps(data), encoding="utf-8")
    config = load_stack_config("backed-up-county", tmp_path)
    assert config.backups == Backups(daily_keep_days=14, monthly_keep_months=84)


@pytest.mark.parametrize(
    ("backups", "path", "words"),
    [
        ({"daily_keep_days": 0}, "backups.daily_keep_days", "at least 1"),
        ({"daily_keep_days": 400}, "backups.daily_keep_days", "at most 365"),
        ({"daily_keep_days": "7"}, "backups.daily_keep_days", "a whole number"),
        ({"monthly_keep_months": 121}, "backups.monthly_keep_months", "at most 120"),
        ({"monthly_keep_months": -1}, "backups.monthly_keep_months", "at least 0"),
        ({"monthly_keep_monts": 12}, "backups.monthly_keep_monts", '"monthly_keep_months"'),
        ({"enabled": "no"}, "backups.enabled", "true or false"),
        ({"enabled": False, "daily_keep_days": 7}, "backups.daily_keep_days", "enabled is false"),
        ("daily", "backups", "an object"),
    ],
)
def test_a_mistake_is_reported_once_with_its_path(backups, path, words):
    found = problems(with_backups(backups))
    assert list(found) == [path]
    assert words in found[path]


def test_turning_backups_off_is_fine_and_each_retention_beside_it_is_named():
    assert problems(with_backups({"enabled": False})) == {}
    both = {"enabled": False, "daily_keep_days": 7, "monthly_keep_months": 0}
    found = problems(with_backups(both))
    assert set(found) == {"backups.daily_keep_days", "backups.monthly_keep_months"}


def test_editors_refuse_a_retention_beside_backups_off_as_the_build_does():
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert not list(validator.iter_errors(with_backups({"enabled": False})))
    assert not list(validator.iter_errors(with_backups({"daily_keep_days": 30})))
    wrong = list(validator.iter_errors(with_backups({"enabled": False, "daily_keep_days": 7})))
    assert [list(error.absolute_path) for error in wrong] == [["backups"]]  # if/then: the object


def test_the_check_says_when_deleted_records_are_finally_gone_from_every_copy(capsys):
    from infra.jurisdiction_schema.__main__ import main

    assert main(["check", "salt-lake-county"]) == 0  # records_retention and backups set
    shown = capsys.readouterr().out
    assert "backups: every table daily at 03:00 America/Denver, kept 14 days" in shown
    assert "the 1st of each month kept 24 months (731 days)" in shown
    assert "destruction is complete 731 days after each deletion" in shown
    assert main(["check", "multnomah-county"]) == 0  # no records schedule: nothing is deleted
    shown = capsys.readouterr().out
    assert "backups: every table daily" in shown
    assert "destruction" not in shown


def test_the_longest_copy_sets_the_destruction_date_and_point_in_time_recovery_counts_too():
    schedule = RecordsRetention(texts_days=30)

    def complete(backups: Backups) -> str:
        (notice,) = [line for line in backup_report(backups, schedule, ZONE) if "complete" in line]
        return notice.rsplit("destruction is complete ", 1)[1]

    assert complete(Backups(daily_keep_days=365, monthly_keep_months=0)).startswith("365 days")
    assert complete(Backups(daily_keep_days=7, monthly_keep_months=0)).startswith("35 days")
    assert complete(Backups(monthly_keep_months=84)).startswith("2557 days")


def test_backups_off_is_a_notice_and_deleted_records_stay_in_point_in_time_recovery():
    lines = backup_report(Backups(enabled=False), RecordsRetention(texts_days=30), ZONE)
    assert lines[0].startswith("notice: backups.enabled is false")
    assert "stays 35 days in point-in-time recovery" in lines[1]
    assert len(backup_report(Backups(enabled=False), RecordsRetention(), ZONE)) == 1


def test_a_legal_hold_comes_with_the_reminder_that_backups_still_lapse():
    held = backup_report(Backups(), RecordsRetention(texts_days=30, legal_hold=True), ZONE)
    assert "notice: records_retention.legal_hold does not stop backups from lapsing" in held[-1]
    assert "Backups beyond point-in-time recovery" in held[-1]
