"""An uploaded file as text: in the encoding its first bytes declare, else UTF-8, else
Windows-1252 as Excel writes it, else Latin-1 (which reads any bytes).

Excel's "Unicode Text" and several court systems write UTF-16 with a byte order mark;
read as Windows-1252 it turns into letters between NUL characters and no column is ever
found. A file that is not text at all (a workbook, a PDF) is refused saying what it is
and how to get a CSV from it, rather than failing later over a missing column.
"""

from __future__ import annotations

import codecs

from .errors import ValidationFailed

# Longest first: UTF-32 LE's mark starts with UTF-16 LE's.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
SAVE_AS_CSV = (
    "Save or export it as CSV (in Excel: File, Save As, “CSV UTF-8 (Comma delimited)”) "
    "and upload that file."
)
# What the first bytes of common files that are not text say they are.
NOT_TEXT_SIGNATURES = (
    (b"PK\x03\x04", "This is an Excel workbook (or another zipped file), not a CSV file."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "This is an Excel workbook, not a CSV file."),
    (b"%PDF-", "This is a PDF, not a CSV file."),
)
NOT_TEXT = "This is not a text file, so it is not a CSV file ClientComm can read."
FALLBACKS = ("utf-8", "cp1252", "latin-1")


def as_text(data: bytes, field: str) -> str:
    """The file's text, or ValidationFailed on ``field`` saying why it is not text."""
    for signature, what in NOT_TEXT_SIGNATURES:
        if data.startswith(signature):
            raise ValidationFailed({field: f"{what} {SAVE_AS_CSV}"})
    text = _decoded(data, field)
    if "\x00" in text:
        raise ValidationFailed({field: f"{NOT_TEXT} {SAVE_AS_CSV}"})
    return text


def _decoded(data: bytes, field: str) -> str:
    for mark, encoding, name in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data[len(mark) :].decode(encoding)
            except UnicodeDecodeError:
                message = (
                    f"The file starts as {name} text, but its bytes break off or are not "
                    f"{name}. {SAVE_AS_CSV}"
                )
                raise ValidationFailed({field: message}) from None
    for encoding in FALLBACKS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("Latin-1 decodes any bytes")  # pragma: no cover
