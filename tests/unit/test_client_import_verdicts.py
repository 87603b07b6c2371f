"""Client import verdicts: every row gets one, before anything is written."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.client_import import (
    Holder,
    Known,
    Staff,
    Verdict,
    phone_reason,
    plan_rows,
)
from chalicelib.domain.client_import_file import FILE, ClientRow, read_file
from chalicelib.domain.errors import ValidationFailed

STAFF = {
    "kristina": Staff("kristina", "Kristina Alvarez", True, True),
    "marcus": Staff("marcus", "Marcus Lee", True, True),
    "gone": Staff("gone", "Gone Away", False, True),
    "dana": Staff("dana", "Dana Whitfield", True, False),
}


def known(oversees: bool = True, importer: str = "dana", **kwargs) -> Known:
    return Known(importer, oversees, STAFF, kwargs.get("by_phone", {}), kwargs.get("by_id", {}))


def row(line: int = 2, **cells: str) -> ClientRow:
    values = {
        "first_name": "Ana",
        "last_name": "Ruiz",
        "phone": "801-555-0142",
        "case_manager": "kristina",
    }
    values.update(cells)
    return ClientRow(line, **values)


def only(rows, known_now=None):
    (planned,) = plan_rows(rows, known_now or known())
    return planned


def test_a_readable_row_for_an_active_case_manager_is_new():
    planned = only([row(language="Spanish", id_number="AB-1")])
    assert planned.verdict is Verdict.NEW
    assert (planned.phone, planned.language, planned.case_manager_id) == (
        "+18015550142",
        "es",
        "kristina",
    )


def test_a_bad_phone_says_phonenumbers_reason():
    planned = only([row(phone="801-555")])
    assert planned.verdict is Verdict.BAD_PHONE
    assert "phonenumbers: " in planned.message


def test_phone_reasons_name_what_is_wrong():
    assert phone_reason("12") == "too short"
    assert phone_reason("801555014212345678") == "too long"
    assert phone_reason("+999 1234 5678") == "its country code is unknown"
    assert phone_reason("801-555-0142") == ""


@pytest.mark.parametrize(
    ("named", "verdict"),
    [
        ("nobody", Verdict.CASE_MANAGER),
        ("gone", Verdict.CASE_MANAGER),
        ("dana", Verdict.CASE_MANAGER),  # a supervisor has no caseload
        ("", Verdict.CASE_MANAGER),  # a supervisor's row must name one
        ("KRISTINA", Verdict.NEW),
    ],
)
def test_a_supervisors_rows_go_to_an_active_case_manager_of_the_department(named, verdict):
    assert only([row(case_manager=named)]).verdict is verdict


def test_a_case_manager_imports_into_her_own_caseload_only():
    mine = known(oversees=False, importer="kristina")
    assert only([row(case_manager="")], mine).case_manager_id == "kristina"
    assert only([row(case_manager="kristina")], mine).verdict is Verdict.NEW
    assert only([row(case_manager="marcus")], mine).verdict is Verdict.NOT_YOURS


def holder(visible: bool = True, **fields) -> Holder:
    values = dict(
        client_id="c1",
        first_name="Ana",
        last_name="Ruiz",
        id_number="",
        case_manager_id="marcus",
        visible=visible,
        manager_name="Marcus Lee",
    )
    values.update(fields)
    return Holder(**values)


def test_the_same_name_on_the_same_number_is_already_here():
    here = known(by_phone={"+18015550142": holder(first_name="ANA", last_name="ruíz")})
    planned = only([row()], here)
    assert planned.verdict is Verdict.HERE and planned.client_id == "c1"


def test_the_same_id_number_is_already_here_whatever_the_phone():
    here = known(by_id={"ab-1": [holder(id_number="AB-1")]})
    assert only([row(id_number="ab-1", phone="801-555-0199")], here).verdict is Verdict.HERE


def test_a_number_held_by_someone_else_is_taken_and_named_only_when_visible():
    seen = known(by_phone={"+18015550142": holder(first_name="Bo")})
    assert only([row()], seen).verdict is Verdict.NUMBER_TAKEN
    assert "Bo Ruiz" in only([row()], seen).message
    hidden = known(by_phone={"+18015550142": holder(visible=False, first_name="Bo")})
    taken = only([row()], hidden)
    assert taken.verdict is Verdict.NUMBER_TAKEN
    assert "Bo" not in taken.message and "Marcus Lee" in taken.message
    assert taken.client_id == ""


def test_different_id_numbers_on_one_number_are_different_people():
    there = known(by_phone={"+18015550142": holder(id_number="X-9")})
    assert only([row(id_number="X-1")], there).verdict is Verdict.NUMBER_TAKEN


def test_a_later_row_with_the_same_phone_or_id_number_is_a_duplicate():
    planned = plan_rows(
        [
            row(2, id_number="A-1"),
            row(3, first_name="Other", phone="(801) 555 0142"),
            row(4, phone="801-555-0177", id_number="a-1"),
        ],
        known(),
    )
    assert [p.verdict for p in planned] == [Verdict.NEW, Verdict.DUPLICATE, Verdict.DUPLICATE]
    assert "Row 2" in planned[1].message


def test_missing_names_and_unknown_languages_are_bad_rows():
    assert only([row(first_name="")]).verdict is Verdict.BAD_ROW
    assert "neither English nor Spanish" in only([row(language="Klingon")]).message


def numbered(found: list[ClientRow]) -> list[ClientRow]:
    """Rows as a spreadsheet numbers them: the header is row 1."""
    return [replace(r, line=i + 2) for i, r in enumerate(found)]


names = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=70
)  # every kind of character, control ones too
phones = st.one_of(
    st.text(alphabet="0123456789 +-().ext", max_size=25),
    st.from_regex(r"\(?[2-9][0-9]{2}\)? ?[2-9][0-9]{2}-[0-9]{4}", fullmatch=True),
    st.text(max_size=25),
)
rows = st.lists(
    st.builds(
        ClientRow,
        line=st.just(0),
        first_name=names,
        last_name=names,
        phone=phones,
        language=st.sampled_from(["", "en", "Spanish", "fr"]),
        id_number=st.sampled_from(["", "A-1", "a-1", "B-2"]),
        case_manager=st.sampled_from(["kristina", "marcus", "gone", ""]),
    ),
    max_size=12,
).map(numbered)


@settings(max_examples=150, deadline=None)
@given(rows)
def test_every_row_gets_one_verdict_and_a_new_one_is_whole(file_rows):
    planned = plan_rows(file_rows, known())
    assert [p.line for p in planned] == [r.line for r in file_rows]
    new = [p for p in planned if p.verdict is Verdict.NEW]
    for p in new:
        assert p.first_name and p.last_name and p.phone.startswith("+")
        assert p.case_manager_id in ("kristina", "marcus")
    assert len({p.phone for p in new}) == len(new)  # never two new clients on one number


@settings(max_examples=150, deadline=None)
@given(rows)
def test_planning_the_file_again_after_applying_it_finds_nothing_new(file_rows):
    first = plan_rows(file_rows, known())
    applied = {
        p.phone: holder(
            client_id=f"c{p.line}",
            first_name=p.first_name,
            last_name=p.last_name,
            id_number=p.id_number,
        )
        for p in first
        if p.verdict is Verdict.NEW
    }
    by_id: dict[str, list[Holder]] = {}
    for h in applied.values():
        if h.id_number:
            by_id.setdefault(h.id_number.casefold(), []).append(h)
    again = plan_rows(file_rows, known(by_phone=applied, by_id=by_id))
    assert not [p for p in again if p.verdict is Verdict.NEW]
    for before, after in zip(first, again, strict=True):
        if before.verdict is Verdict.NEW:
            assert after.verdict is Verdict.HERE


def test_the_documented_columns_are_read_by_name():
    data = (
        b"\xef\xbb\xbfFirst_Name,SURNAME,Mobile,Case Manager Username,,\n"
        b"Ana,Ruiz,801-555-0142,kristina,,\n"
    )
    sheet = read_file(data)
    assert sheet.ignored == []  # blank columns at the end are no columns
    assert sheet.rows == [ClientRow(2, "Ana", "Ruiz", "801-555-0142", case_manager="kristina")]


def test_a_file_without_a_phone_column_is_refused_naming_it():
    with pytest.raises(ValidationFailed) as refused:
        read_file(b"first name,last name\nAna,Ruiz\n")
    assert "phone" in refused.value.field_errors[FILE]


def test_formula_looking_cells_are_kept_as_written():
    sheet = read_file(b'first name,last name,phone\n"=HYPERLINK(""x"")",+Ruiz,801-555-0142\n')
    assert (sheet.rows[0].first_name, sheet.rows[0].last_name) == ('=HYPERLINK("x")', "+Ruiz")


@settings(max_examples=50, deadline=None)
@given(rows)
def test_a_kept_plan_reads_back_exactly(file_rows):
    from chalicelib.domain.client_import import as_plain, from_plain

    planned = plan_rows(file_rows, known())
    assert [from_plain(json.loads(json.dumps(as_plain(p)))) for p in planned] == planned
