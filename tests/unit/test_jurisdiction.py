import json
from pathlib import Path

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.jurisdiction import parse_jurisdiction

DEMO = json.loads((Path(__file__).parents[2] / "infra/jurisdictions/demo.json").read_text())


def test_the_demo_jurisdiction_is_valid():
    demo = parse_jurisdiction(DEMO)
    assert [d.department_id for d in demo.departments] == ["probation", "pretrial"]
    assert demo.department_for_number("+18015550200").name == "Pretrial"
    assert demo.text("help", "es").startswith("Servicios")
    assert demo.text("help", "fr") == demo.text("help", "en")


def test_every_problem_is_named_at_once():
    broken = {
        **DEMO,
        "time_zone": "Mars/Olympus",
        "departments": [
            {"id": "a", "name": "A", "twilio_number": "12"},
            {"id": "b", "name": "B", "twilio_number": "+18015550100"},
            {"id": "b", "name": "C", "twilio_number": "+18015550100"},
        ],
        "texts": {"en": {"help": "x"}},
    }
    with pytest.raises(ValidationFailed) as caught:
        parse_jurisdiction(broken)
    errors = caught.value.field_errors
    named = {"time_zone", "departments[0].twilio_number", "texts.en.auto_reply"}
    named |= {"departments[2].id", "departments[2].twilio_number"}
    assert named <= set(errors)


def test_clients_numbers_are_us_only_unless_the_file_allows_more():
    assert parse_jurisdiction(DEMO).allowed_countries == ("US",)
    border = parse_jurisdiction({**DEMO, "allowed_countries": ["US", "CA"]})
    assert border.allowed_countries == ("US", "CA")


@pytest.mark.parametrize("countries", [[], "US", ["USA"], ["us"], ["XX"], [1]])
def test_allowed_countries_must_be_known_country_codes(countries):
    with pytest.raises(ValidationFailed) as caught:
        parse_jurisdiction({**DEMO, "allowed_countries": countries})
    assert "allowed_countries" in caught.value.field_errors
