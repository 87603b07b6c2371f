from datetime import timedelta

import pytest

from chalicelib.domain.clients import (
    CaseloadOrder,
    Client,
    ClientDetails,
    matches,
    order_caseload,
    sort_key_for,
)
from chalicelib.domain.errors import ValidationFailed


def client(first, last, unread=0, contact=None, phone="+18015550123"):
    return Client(
        f"{first}-{last}",
        "probation",
        "kristina",
        first,
        last,
        phone,
        unread_count=unread,
        last_contact_at=contact,
    )


def test_details_from_a_form_are_trimmed_and_normalised():
    details = ClientDetails.from_form(
        {
            "first_name": "  Ana  María ",
            "last_name": "Peña",
            "phone": "801 555 0123",
            "language": "es",
        }
    )
    assert (details.first_name, details.phone, details.language) == (
        "Ana María",
        "+18015550123",
        "es",
    )


def test_every_problem_of_a_form_is_reported_at_once():
    with pytest.raises(ValidationFailed) as caught:
        ClientDetails.from_form(
            {
                "first_name": "",
                "last_name": "x" * 61,
                "phone": "12",
                "language": "fr",
                "notes": "n" * 2001,
            }
        )
    assert set(caught.value.field_errors) == {
        "first_name",
        "last_name",
        "phone",
        "language",
        "notes",
    }


def test_control_characters_from_a_paste_are_dropped():
    details = ClientDetails.from_form(
        {"first_name": "Ana\x00\x1b", "last_name": "Lee\t", "phone": "8015550123"}
    )
    assert (details.first_name, details.last_name) == ("Ana", "Lee")


def test_alphabetical_order_is_by_last_name_then_first_ignoring_accents_and_case():
    listed = order_caseload(
        [client("Zoe", "peña"), client("Al", "Pena"), client("Bo", "Adams")], CaseloadOrder.NAME
    )
    assert [c.listed_name for c in listed] == ["Adams, Bo", "Pena, Al", "peña, Zoe"]


def test_unread_first_keeps_alphabetical_order_among_equals():
    listed = order_caseload(
        [
            client("A", "Cole", 0),
            client("B", "Brown", 2),
            client("C", "Able", 0),
            client("D", "Dean", 2),
        ],
        CaseloadOrder.UNREAD,
    )
    assert [c.last_name for c in listed] == ["Brown", "Dean", "Able", "Cole"]


def test_most_recent_contact_first_and_never_contacted_last(now):
    listed = order_caseload(
        [
            client("A", "Old", contact=now - timedelta(days=3)),
            client("B", "Never"),
            client("C", "New", contact=now),
        ],
        CaseloadOrder.RECENT,
    )
    assert [c.last_name for c in listed] == ["New", "Old", "Never"]


def test_an_unknown_order_falls_back_to_alphabetical():
    assert CaseloadOrder.parse("<script>") is CaseloadOrder.NAME


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("mich", True),
        ("TRAN", True),
        ("michael tran", True),
        ("tran mich", True),
        ("555-0123", True),
        ("0123", True),
        ("999", False),
        ("michelle", False),
        ("", True),
    ],
)
def test_search_matches_names_or_digits(query, found):
    assert matches(client("Michael", "Tran"), query) is found


def test_sort_key_folds_accents():
    assert sort_key_for("José", "Núñez") == sort_key_for("jose", "nunez")
