"""The records_retention settings: the schema (build, editors) and the app's own parse read
the same fields with the same defaults and refuse the same mistakes, by path; a kind left
out is a notice (kept forever), not a problem."""

from __future__ import annotations

import copy
import json

import pytest

from chalicelib.domain.jurisdiction import parse_jurisdiction
from chalicelib.domain.retention import DAY_SETTINGS, HOLD_SETTING, SETTING, RecordsRetention
from infra.config_loader import JURISDICTIONS_DIR
from infra.jurisdiction_schema import problems
from infra.jurisdiction_schema.model import JurisdictionFile
from infra.jurisdiction_schema.problems import node_at

SALT_LAKE = json.loads((JURISDICTIONS_DIR / "salt-lake-county.json").read_text(encoding="utf-8"))


def with_retention(retention: object) -> dict:
    data = copy.deepcopy(SALT_LAKE)
    data[SETTING] = retention
    return data


def test_every_retention_setting_the_app_reads_is_in_the_schema():
    for name in (*DAY_SETTINGS, HOLD_SETTING):
        assert node_at((SETTING, name)), name


def test_the_schema_and_the_app_default_to_keeping_everything_forever():
    data = copy.deepcopy(SALT_LAKE)
    del data[SETTING]
    schema = JurisdictionFile.model_validate(data).records_retention
    assert RecordsRetention(**schema.model_dump()) == RecordsRetention()
    assert parse_jurisdiction(data).records_retention == RecordsRetention()


def test_the_example_schedule_reads_the_same_in_the_schema_and_the_app():
    schema = JurisdictionFile.model_validate(SALT_LAKE).records_retention
    app = parse_jurisdiction(SALT_LAKE).records_retention
    assert RecordsRetention(**schema.model_dump()) == app == RecordsRetention(1095, 1095, 2555)


@pytest.mark.parametrize(
    ("retention", "path", "words"),
    [
        ({"texts_days": 7}, "records_retention.texts_days", "at least 30"),
        ({"texts_days": 1095, "audit_days": 90}, "records_retention.audit_days", "texts_days"),
        ({"audit_days": 2555}, "records_retention.audit_days", "texts_days"),
        ({"texts_dayz": 1095}, "records_retention.texts_dayz", '"texts_days"'),
        ({"legal_hold": "true"}, "records_retention.legal_hold", "true or false"),
        ("forever", "records_retention", "object"),
    ],
)
def test_a_mistake_is_reported_once_with_its_path(retention, path, words):
    found = problems(with_retention(retention))
    assert list(found) == [path]
    assert words in found[path]


def test_the_check_says_plainly_what_is_kept_forever_and_still_passes(capsys):
    from infra.jurisdiction_schema.__main__ import main

    assert main(["check", "multnomah-county"]) == 0
    shown = capsys.readouterr().out
    for name in DAY_SETTINGS:
        assert f"notice: records_retention.{name} is not set" in shown
    assert "texts and markers are kept forever" in shown
    assert main(["check", "salt-lake-county"]) == 0
    shown = capsys.readouterr().out
    assert "records_retention.texts_days: texts and markers kept 1095 days" in shown
    assert "is not set" not in shown  # (its backups' notice is tests/infra/test_backup_settings)


def test_the_build_summary_names_the_schedule_and_the_hold():
    from chalicelib.domain.retention import RecordsRetention as Retention
    from infra.jurisdiction_schema import retention_report

    lines = retention_report(Retention(texts_days=1095, audit_days=2555, legal_hold=True))
    assert "records_retention.audit_days: audit rows kept 2555 days" in lines
    assert any("closed_clients_days is not set" in line for line in lines)
    assert "notice: records_retention.legal_hold is true: nothing is deleted" in lines
