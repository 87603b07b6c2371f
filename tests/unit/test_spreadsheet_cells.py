"""A cell a spreadsheet would run as a formula stays text, however its first character is
written: the fullwidth and small forms (U+FF1D, U+FE66, U+FF0B ...) become = + - @ under
Unicode compatibility normalisation, and spreadsheets read them so."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.court_import import CourtMapping, plain_text, plan_import
from chalicelib.domain.message_body import has_visible_text
from chalicelib.services.conversation import _csv_safe

FORMULAS = [
    '\uff1dHYPERLINK("http://evil.example","x")',  # fullwidth equals
    "\ufe66SUM(A1)",  # small equals
    "\uff0b1+1",  # fullwidth plus
    "\ufe62cmd",  # small plus
    "\uff0d2+3",  # fullwidth hyphen-minus
    "\ufe63cmd",  # small hyphen-minus
    "\uff20SUM(A1)",  # fullwidth commercial at
    "\ufe6bSUM(A1)",  # small commercial at
    "\u3000=1+1",  # an ideographic space first
    "\u2800=1+1",  # a braille blank first
    "\u200b\uff1d1+1",  # a zero-width space, then a fullwidth equals
]


@pytest.mark.parametrize("value", FORMULAS)
def test_an_exported_text_cell_that_would_run_as_a_formula_is_neutralised(value):
    assert _csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["ｈｅｌｌｏ", "１２３", "fine = good", "\u2800ok", "½ - 1"])
def test_an_exported_text_cell_that_is_just_text_is_left_alone(value):
    assert _csv_safe(value) == value


@pytest.mark.parametrize("value", FORMULAS)
def test_a_court_file_cell_loses_the_characters_that_start_a_formula(value):
    kept = plain_text(value)
    assert kept and kept[0] not in "=+-@\uff1d\ufe66\uff0b\ufe62\uff0d\ufe63\uff20\ufe6b"
    assert has_visible_text(kept[0])
    assert kept == plain_text(kept)


def test_an_imported_room_written_with_a_fullwidth_equals_is_stored_as_text():
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            ["id_number", "date", "time", "room"],
            ["100200", "2027-05-10", "09:00", '\uff1dHYPERLINK("http://evil.example")'],
        ]
    )
    [result] = plan_import(
        out.getvalue().encode(),
        CourtMapping(),
        ZoneInfo("America/Denver"),
        {"100200": "client-a"},
        [],
        datetime(2027, 5, 1, 18, 0, tzinfo=UTC),
    )
    assert result.row is not None
    assert result.row.room == 'HYPERLINK("http://evil.example")'
