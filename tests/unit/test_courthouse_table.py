"""The court's table of courthouse codes, uploaded on /courthouses (it replaced the locations
file once sent with each import): its columns found by their names or given by number,
and every bad row named at once."""

from __future__ import annotations

import pytest

from chalicelib.domain.courthouses import Courthouse, read_table
from chalicelib.domain.errors import ValidationFailed


def test_the_salt_lake_export_columns_are_found_by_their_names():
    data = b"crt_loc_desc,crt_loc_cd\nMatheson Courthouse,SLDC\n\n  West  Jordan ,WJDC\n"
    assert read_table(data) == [
        Courthouse("SLDC", "Matheson Courthouse"),
        Courthouse("WJDC", "West Jordan"),
    ]


def test_columns_given_by_number_win_over_the_names():
    data = b"a,b,c\nx,SLC3,Matheson\n"
    assert read_table(data, code_column=2, description_column=3) == [Courthouse("SLC3", "Matheson")]


def test_every_bad_row_is_named_together():
    data = b"code,description\nSLDC,\nA\nX,One\nx,Two\n"
    with pytest.raises(ValidationFailed) as caught:
        read_table(data)
    message = caught.value.field_errors["file"]
    assert "row 2" in message and "row 3" in message and "row 5" in message
