"""What may be a client's mobile number, and what is kept of the words typed around it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.domain.client_numbers import (
    ClientPhone,
    combined_note,
    number_refusal,
    parse_client_phone,
)
from chalicelib.domain.clients import ClientDetails
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.jurisdiction import parse_jurisdiction

DEMO = json.loads((Path(__file__).parents[2] / "infra/jurisdictions/demo.json").read_text())


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ("801-555-0100 ext 5", "ext. 5"),
        ("801.555.0100 x12", "ext. 12"),
        ("801-555-0100 extension 22", "ext. 22"),
        ("(801) 555 0100 - mom's phone", "mom's phone"),
        ("801-555-0100, ext. 5 (mom)", "ext. 5, mom"),
        ("mom: 801 555 0100", "mom"),
        ("801-555-0100", ""),
        ("+1 801 555 0100", ""),
    ],
)
def test_an_extension_or_a_note_is_kept_beside_the_number(typed, note):
    parsed = parse_client_phone(typed)
    assert parsed.e164 == "+18015550100"
    assert parsed.phone_note == note


def test_two_numbers_in_one_field_are_refused_rather_than_guessed():
    with pytest.raises(ValidationFailed) as caught:
        parse_client_phone("801-555-0100 or 801-555-0199")
    assert "one mobile number" in caught.value.field_errors["phone"]


@pytest.mark.parametrize("typed", ["555-12", "call me", ""])
def test_text_without_a_number_gets_the_usual_message(typed):
    with pytest.raises(ValidationFailed) as caught:
        parse_client_phone(typed)
    assert caught.value.field_errors["phone"]


def test_a_note_typed_again_with_the_number_is_not_repeated():
    assert combined_note("ext. 5", "ext. 5") == "ext. 5"
    assert combined_note("ext. 5", "front desk") == "ext. 5, front desk"
    assert combined_note("", "  front   desk ") == "front desk"
    assert combined_note("ext. 5", "") == "ext. 5"


def test_the_form_keeps_the_extension_in_its_own_field():
    details = ClientDetails.from_form(
        {"first_name": "Ana", "last_name": "Peña", "phone": "801-555-0100 ext 5"}
    )
    assert (details.phone, details.phone_note) == ("+18015550100", "ext. 5")


def test_a_refused_number_is_reported_with_every_other_problem():
    with pytest.raises(ValidationFailed) as caught:
        ClientDetails.from_form(
            {"first_name": "", "last_name": "X", "phone": "801-555-0100"},
            refuse_number=lambda phone: f"no {phone}",
        )
    assert caught.value.field_errors == {
        "first_name": "Enter the client's first name.",
        "phone": "no +18015550100",
    }


def test_a_department_may_not_make_its_own_texting_number_a_clients():
    demo = parse_jurisdiction(DEMO)
    refusal = number_refusal("+18015550100", "probation", demo)
    assert refusal and "this department's own texting number" in refusal


def test_another_departments_texting_number_is_refused_by_name():
    demo = parse_jurisdiction(DEMO)
    refusal = number_refusal("+18015550200", "probation", demo)
    assert refusal and "Pretrial" in refusal


def test_numbers_outside_the_allowed_countries_are_refused_naming_both():
    demo = parse_jurisdiction(DEMO)
    refusal = number_refusal("+442079460958", "probation", demo)
    assert refusal and "United Kingdom" in refusal and "United States" in refusal
    assert number_refusal("+18015550123", "probation", demo) is None


def test_a_jurisdiction_can_allow_more_countries():
    border = parse_jurisdiction({**DEMO, "allowed_countries": ["US", "CA", "MX"]})
    assert number_refusal("+16045550123", "probation", border) is None  # Vancouver
    assert number_refusal("+525512345678", "probation", border) is None
    assert number_refusal("+442079460958", "probation", border) is not None
    refusal = number_refusal("+16045550123", "probation", parse_jurisdiction(DEMO))
    assert refusal and "Canada" in refusal


def test_a_phone_note_is_empty_when_nothing_came_with_the_number():
    assert ClientPhone("+18015550100").phone_note == ""


@pytest.mark.parametrize(
    ("typed", "prefixes"),
    [
        ("Tran", ["tran"]),
        ("  PEÑA ", ["pena"]),
        ("Tran, Mi", ["tran\x1fmi"]),
        ("Tran,", ["tran"]),
        ("michael tran", ["tran\x1fmichael", "michael\x1ftran"]),
        ("", [""]),
    ],
)
def test_a_typed_name_becomes_starts_of_the_stored_sort_name(typed, prefixes):
    from chalicelib.store.client_lookup import name_prefixes

    assert name_prefixes(typed) == prefixes
