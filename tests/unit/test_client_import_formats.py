"""Client-import formats: a header the documented names miss is not read by guesswork;
each field is set up by column number and the next file with that header reads at once."""

from __future__ import annotations

import pytest

from chalicelib.domain.client_import_file import ClientRow, UnrecognisedColumns, read_file
from chalicelib.domain.client_import_formats import (
    ClientFormat,
    format_from_form,
    from_raw,
    to_raw,
)
from chalicelib.domain.errors import ValidationFailed

COUNTY = (
    b"Offender Number,Last,First,Cell,,Officer Login,Primary Language,Officer Login\n"
    b"A-17,Ruiz,Ana,801-555-0142,x,kristina,Spanish,kristina\n"
)


def test_a_header_with_columns_nobody_named_is_refused_with_its_columns_and_rows():
    with pytest.raises(UnrecognisedColumns) as refused:
        read_file(COUNTY)
    shown = refused.value
    assert "Offender Number" in str(shown.field_errors) and "column 5 (no header)" in str(
        shown.field_errors
    )
    assert shown.header[3] == "Cell" and shown.rows == [
        ["A-17", "Ruiz", "Ana", "801-555-0142", "x", "kristina", "Spanish", "kristina"]
    ]
    assert shown.found == {"last_name": 1, "first_name": 2, "phone": 3}


def county_format(header: list[str]) -> ClientFormat:
    form = {
        "name": "County export",
        "column_first_name": "3",
        "column_last_name": "2",
        "column_phone": "4",
        "column_id_number": "1",
        "column_case_manager": "8",  # the second of two columns headed alike: by position
        "column_language": "7",
    }
    return format_from_form(form, header, "f1", 0)


def test_a_format_set_up_by_position_reads_the_next_file_with_that_header():
    header = COUNTY.decode().splitlines()[0].split(",")
    saved = from_raw("f1", to_raw(county_format(header)), 1)
    sheet = read_file(COUNTY.replace(b"A-17", b"B-2"), [saved])
    assert sheet.format_name == "County export"
    assert sheet.ignored == ["Officer Login"]  # the first of the two, not mapped
    assert sheet.rows == [
        ClientRow(2, "Ana", "Ruiz", "801-555-0142", "Spanish", "B-2", "kristina"),
    ]


def test_a_file_with_another_header_is_not_read_with_the_format():
    header = COUNTY.decode().splitlines()[0].split(",")
    other = COUNTY.replace(b"Primary Language", b"Lang")
    with pytest.raises(UnrecognisedColumns):
        read_file(other, [county_format(header)])
    renamed_blank = COUNTY.replace(b"Cell,,", b"Cell,(expression),")  # blank: by position
    assert read_file(renamed_blank, [county_format(header)]).rows[0].first_name == "Ana"


def test_every_mistake_in_the_form_is_named_on_its_field():
    with pytest.raises(ValidationFailed) as refused:
        format_from_form(
            {"column_first_name": "3", "column_last_name": "3"}, ["a", "b", "c"], "", 0
        )
    assert set(refused.value.field_errors) == {"name", "column_last_name", "column_phone"}
