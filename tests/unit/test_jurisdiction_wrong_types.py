"""The app's own parse of JURISDICTION_CONFIG refuses a value of the wrong type with a
ValidationFailed naming it (config.py turns that into a clear ConfigurationError); it never
stops on a TypeError or AttributeError halfway through."""

import json
from pathlib import Path

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.jurisdiction import parse_jurisdiction

DEMO = json.loads((Path(__file__).parents[2] / "infra/jurisdictions/demo.json").read_text())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"departments": ["probation", "pretrial"]}, "departments[0]"),
        ({"departments": "probation"}, "departments"),
        ({"reminder_offsets_days": 7}, "reminder_offsets_days"),
        ({"texts": "Thanks for your text"}, "texts"),
        ({"texts": {"en": "Thanks for your text"}}, "texts.en"),
        ({"allowed_countries": 1}, "allowed_countries"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_naming_it(changes, field):
    with pytest.raises(ValidationFailed) as caught:
        parse_jurisdiction({**DEMO, **changes})
    assert field in caught.value.field_errors


def test_a_bad_department_number_is_named_by_its_own_field():
    departments = [{**DEMO["departments"][0], "twilio_number": "12"}]
    with pytest.raises(ValidationFailed) as caught:
        parse_jurisdiction({**DEMO, "departments": departments})
    assert "departments[0].twilio_number" in caught.value.field_errors
