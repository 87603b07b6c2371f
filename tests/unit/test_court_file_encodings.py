"""A court file is read in the encoding it says it has: UTF-8 (with or without a byte
order mark), UTF-16 or UTF-32 by their byte order marks; Windows-1252 otherwise. A file
that is not text at all (a workbook, a PDF, anything with NUL bytes) is refused with
what to do, instead of failing later as a file without the id column."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.court_import import CourtMapping, Verdict, decode, plan_import
from chalicelib.domain.errors import ValidationFailed

TEXT = (
    "id_number,date,time,room\r\n"
    "100200,2027-05-10,09:00,Sala Peña\r\n"
    "100201,2027-05-11,13:30,W43\r\n"
)
NOW = datetime(2027, 5, 1, 18, 0, tzinfo=UTC)


def plan(data: bytes):
    return plan_import(
        data,
        CourtMapping(),
        ZoneInfo("America/Denver"),
        {"100200": "client-a", "100201": "client-b"},
        [],
        NOW,
    )


ENCODED = {
    "utf-8": TEXT.encode("utf-8"),
    "utf-8 with bom": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "utf-16 le with bom (Excel's Unicode text)": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf-16 be with bom": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "utf-32 le with bom": codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
    "utf-32 be with bom": codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"),
    "windows-1252": TEXT.encode("cp1252"),
}


@pytest.mark.parametrize("data", ENCODED.values(), ids=ENCODED.keys())
def test_a_court_file_is_read_in_the_encoding_its_bytes_say(data):
    assert decode(data) == TEXT
    results = plan(data)
    assert [r.verdict for r in results] == [Verdict.NEW, Verdict.NEW]
    assert results[0].row is not None and results[0].row.room == "Sala Peña"


NOT_TEXT = {
    "an excel workbook": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "Excel workbook"),
    "an old excel workbook": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40,
        "Excel workbook",
    ),
    "a pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
    "utf-16 without a byte order mark": (TEXT.encode("utf-16-le"), "not a text file"),
    "bytes with nul": (b"id_number,date\n\x00\x01\x02\x03", "not a text file"),
}


@pytest.mark.parametrize(("data", "says"), NOT_TEXT.values(), ids=NOT_TEXT.keys())
def test_a_file_that_is_not_text_is_refused_saying_so(data, says):
    with pytest.raises(ValidationFailed) as refused:
        plan(data)
    message = refused.value.field_errors["file"]
    assert says in message and "CSV" in message
    assert "column" not in message


def test_a_utf16_file_whose_bytes_are_broken_is_refused_as_not_text():
    broken = codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")[:-1]  # an odd byte count
    with pytest.raises(ValidationFailed) as refused:
        decode(broken)
    assert "UTF-16" in refused.value.field_errors["file"]
