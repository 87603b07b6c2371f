"""The build (make package, make check-jurisdiction) parses a jurisdiction file in full; the
app's own load of that file at a cold start takes numbers already written as E.164 and
two-letter country codes as written, so the first text does not load phonenumbers just
to prove the file again. Anything written another way is still parsed, or refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib import config
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.jurisdiction import parse_jurisdiction
from tests.jurisdiction_files import jurisdiction_file

DEMO = json.loads((Path(__file__).parents[2] / "infra/jurisdictions/demo.json").read_text())
NOT_A_NUMBER = "+10000000000"  # written like E.164; no such number


def with_number(number: str) -> dict:
    first = {**DEMO["departments"][0], "twilio_number": number}
    return {**DEMO, "departments": [first, *DEMO["departments"][1:]]}


def test_the_builds_full_parse_refuses_an_e164_shaped_number_that_is_no_number():
    with pytest.raises(ValidationFailed) as caught:
        parse_jurisdiction(with_number(NOT_A_NUMBER))
    assert "departments[0].twilio_number" in caught.value.field_errors


def test_the_builds_full_parse_refuses_a_country_code_that_does_not_exist():
    with pytest.raises(ValidationFailed) as caught:
        parse_jurisdiction({**DEMO, "allowed_countries": ["US", "XX"]})
    assert "allowed_countries" in caught.value.field_errors


def test_a_checked_file_keeps_its_e164_numbers_as_written():
    loaded = parse_jurisdiction(DEMO, checked_at_build=True)
    assert [d.twilio_number for d in loaded.departments] == [
        d["twilio_number"] for d in DEMO["departments"]
    ]
    assert loaded == parse_jurisdiction(DEMO)


def test_a_checked_file_still_parses_a_number_written_another_way():
    loaded = parse_jurisdiction(with_number("(801) 555-0100"), checked_at_build=True)
    assert loaded.departments[0].twilio_number == "+18015550100"


@pytest.mark.parametrize("number", ["12", "801 555 01", ""])
def test_a_checked_file_still_refuses_a_number_that_is_no_number(number):
    with pytest.raises(ValidationFailed) as caught:
        parse_jurisdiction(with_number(number), checked_at_build=True)
    assert "departments[0].twilio_number" in caught.value.field_errors


@pytest.mark.parametrize("countries", [["us"], ["USA"], [], "US", [1]])
def test_a_checked_file_still_refuses_country_codes_of_the_wrong_form(countries):
    with pytest.raises(ValidationFailed) as caught:
        parse_jurisdiction({**DEMO, "allowed_countries": countries}, checked_at_build=True)
    assert "allowed_countries" in caught.value.field_errors


def test_the_apps_load_is_the_checked_one(monkeypatch, tmp_path):
    monkeypatch.delenv("JURISDICTION_CONFIG", raising=False)
    path = jurisdiction_file(tmp_path, with_number(NOT_A_NUMBER))
    monkeypatch.setenv("JURISDICTION_FILE", str(path))
    # the build refuses this file (above); the app trusts the build and does not parse again
    assert config.get_jurisdiction().departments[0].twilio_number == NOT_A_NUMBER
