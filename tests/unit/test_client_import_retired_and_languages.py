"""Client import verdicts, second pass: a row for a retired client is never a second
client for that person, and languages are read leniently (anything else is a verdict)."""

from __future__ import annotations

import pytest

from chalicelib.domain.client_import import Holder, Known, Verdict, language_of, plan_rows
from chalicelib.domain.client_import_file import ClientRow
from tests.unit.test_client_import_verdicts import STAFF, holder, row


def known_with(**kwargs) -> Known:
    return Known("dana", True, STAFF, kwargs.pop("by_phone", {}), kwargs.pop("by_id", {}), **kwargs)


def only(one: ClientRow, now: Known) -> object:
    (planned,) = plan_rows([one], now)
    return planned


def former(**fields) -> Holder:
    return holder(client_id="r1", **fields)


def test_a_row_with_a_retired_clients_id_number_is_a_retired_client_not_a_new_one():
    now = known_with(retired_by_id={"ab-1": [former(id_number="AB-1")]})
    planned = only(row(id_number="ab-1", phone="801-555-0199"), now)
    assert planned.verdict is Verdict.RETIRED
    assert planned.client_id == "r1" and "reactivate" in planned.message


def test_a_row_with_a_retired_clients_number_and_name_is_a_retired_client():
    now = known_with(retired_by_phone={"+18015550142": [former(first_name="ANA")]})
    assert only(row(), now).verdict is Verdict.RETIRED
    someone_else = only(row(first_name="Bea"), now)
    assert someone_else.verdict is Verdict.NEW  # the freed number, another person


def test_a_retired_client_the_importer_may_not_open_is_not_named():
    now = known_with(retired_by_id={"ab-1": [former(visible=False, id_number="AB-1")]})
    planned = only(row(id_number="AB-1"), now)
    assert planned.verdict is Verdict.RETIRED
    assert "Ana" not in planned.message and "Marcus Lee" in planned.message
    assert planned.client_id == ""


def test_an_active_client_with_the_id_number_wins_over_a_retired_one():
    now = known_with(
        by_id={"ab-1": [holder(id_number="AB-1")]},
        retired_by_id={"ab-1": [former(id_number="AB-1")]},
    )
    assert only(row(id_number="AB-1"), now).verdict is Verdict.HERE


@pytest.mark.parametrize(
    ("cell", "language"),
    [
        ("Spanish", "es"),
        ("SPA", "es"),
        ("es", "es"),
        ("Español", "es"),
        ("es-MX", "es"),
        ("Spanish (Mexico)", "es"),
        ("castellano", "es"),
        ("ENG", "en"),
        ("en_US", "en"),
        ("Inglés", "en"),
        ("", "en"),
        ("Vietnamese", None),
        ("fr", None),
    ],
)
def test_languages_are_read_leniently(cell, language):
    assert language_of(cell) == language


def test_a_language_neither_english_nor_spanish_is_its_own_verdict():
    planned = only(row(language="Vietnamese"), known_with())
    assert planned.verdict is Verdict.LANGUAGE
    assert "Vietnamese" in planned.message
