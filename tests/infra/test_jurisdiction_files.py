"""Jurisdiction files: the examples are deployable, the demo stays local, errors name things."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.jurisdiction import parse_jurisdiction
from infra.config_loader import (
    JURISDICTIONS_DIR,
    JurisdictionConfigError,
    load_jurisdiction,
    load_stack_config,
)
from tests.helpers import ROOT
from tests.infra.packaging import EXAMPLES

DEMO = json.loads((JURISDICTIONS_DIR / "demo.json").read_text())


def test_there_are_at_least_two_example_jurisdictions_besides_the_demo():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_jurisdiction_is_ready_to_deploy(name):
    config = load_stack_config(name)
    assert config.name == name
    assert config.table_prefix == f"clientcomm-{name}-"
    assert config.retention_days >= 1
    assert all(d.twilio_number.startswith("+1") for d in config.jurisdiction.departments)
    assert set(config.jurisdiction.texts) == {"en", "es"}


def test_the_demo_jurisdiction_loads_for_the_local_stack_but_not_for_a_deployment():
    assert load_jurisdiction("demo").name == "demo"
    with pytest.raises(JurisdictionConfigError) as caught:
        load_stack_config("demo")
    assert "demo.json" in str(caught.value)
    assert "public_base_url" in str(caught.value)


def test_deployment_settings_are_all_checked_at_once():
    broken = {
        **DEMO,
        "aws_region": "Oregon",
        "retention_days": 0,
        "alarm_email": "ops at county",
        "mfa": "SOMETIMES",
        "public_base_url": "http://clientcomm.example.gov",
    }
    with pytest.raises(ValidationFailed) as caught:
        parse_jurisdiction(broken)
    assert set(caught.value.field_errors) == {
        "aws_region",
        "retention_days",
        "alarm_email",
        "mfa",
        "public_base_url",
    }


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://clientcomm.example.gov", True),
        ("http://127.0.0.1:8000", True),
        ("http://clientcomm.example.gov", False),
        ("https://clientcomm.example.gov/?x=1", False),
        ("clientcomm.example.gov", False),
    ],
)
def test_plain_http_base_urls_are_only_for_the_local_stack(url, accepted):
    data = {**DEMO, "public_base_url": url}
    if accepted:
        parse_jurisdiction(data)
    else:
        with pytest.raises(ValidationFailed) as caught:
            parse_jurisdiction(data)
        assert "public_base_url" in caught.value.field_errors


def test_a_true_retention_is_not_mistaken_for_one_day():
    with pytest.raises(ValidationFailed) as caught:
        parse_jurisdiction({**DEMO, "retention_days": True})
    assert "retention_days" in caught.value.field_errors


def test_a_broken_file_is_reported_with_its_name_and_every_field(tmp_path):
    bad = {**DEMO, "name": "broken", "mfa": "MAYBE", "time_zone": "Mars/Olympus"}
    (tmp_path / "broken.json").write_text(json.dumps(bad))
    with pytest.raises(JurisdictionConfigError) as caught:
        load_stack_config("broken", tmp_path)
    message = str(caught.value)
    assert "broken.json" in message and "mfa" in message and "time_zone" in message


def test_a_file_missing_deployment_settings_names_each_of_them(tmp_path):
    minimal = {k: DEMO[k] for k in ("display_name", "time_zone", "departments", "texts")}
    (tmp_path / "tiny.json").write_text(json.dumps({**minimal, "name": "tiny"}))
    with pytest.raises(JurisdictionConfigError) as caught:
        load_stack_config("tiny", tmp_path)
    for field in ("aws_region", "retention_days", "alarm_email", "mfa"):
        assert field in str(caught.value)


def test_invalid_json_is_reported_with_the_line(tmp_path):
    (tmp_path / "oops.json").write_text('{\n  "name": "oops",\n}')
    with pytest.raises(JurisdictionConfigError, match=r"oops\.json: not valid JSON \(line 3"):
        load_jurisdiction("oops", tmp_path)


def test_a_name_that_does_not_match_its_file_is_refused(tmp_path):
    (tmp_path / "elsewhere.json").write_text(json.dumps(DEMO))
    with pytest.raises(JurisdictionConfigError, match="must match the file name"):
        load_jurisdiction("elsewhere", tmp_path)


def test_an_unknown_jurisdiction_lists_the_known_ones():
    with pytest.raises(JurisdictionConfigError) as caught:
        load_jurisdiction("atlantis")
    assert "salt-lake-county" in str(caught.value)


def test_packaging_the_demo_fails_fast_with_the_reason():
    done = subprocess.run(
        [sys.executable, "-m", "infra.package.build", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "demo.json" in done.stderr and "public_base_url" in done.stderr


def test_a_file_with_an_unknown_country_is_refused_naming_the_setting(tmp_path):
    bad = {**DEMO, "name": "faraway", "allowed_countries": ["US", "Canada"]}
    (tmp_path / "faraway.json").write_text(json.dumps(bad))
    with pytest.raises(JurisdictionConfigError) as caught:
        load_jurisdiction("faraway", tmp_path)
    assert "allowed_countries" in str(caught.value) and "Canada" in str(caught.value)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_says_which_countries_clients_numbers_may_be_in(name):
    countries = load_stack_config(name).jurisdiction.allowed_countries
    assert countries and "US" in countries
