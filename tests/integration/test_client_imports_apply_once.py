"""A client import's rows are written once, however often or late they are applied: two
uploads of one file applied one after the other, a chunk carried out again after its
progress was lost, and a case manager deactivated between the preview and the apply."""

from __future__ import annotations

import secrets
from dataclasses import replace

import pytest

from chalicelib.store.client_imports import ClientImportModel, _model
from tests.helpers import fresh_phone, page_text
from tests.integration.session_tools import new_staff
from tests.integration.test_client_imports import apply_all, caseload, csv_of, upload


@pytest.fixture()
def manager(stack, stores):
    return new_staff(stack, stores)


def three_rows(manager) -> bytes:
    """Id numbers of this test's own: the same id number is the same person."""
    mark = secrets.token_hex(3)
    return csv_of(
        *[(f"Once{n}", "Only", fresh_phone(), "", f"{mark}-{n}", manager.user_id) for n in range(3)]
    )


def test_two_uploads_of_one_file_applied_in_turn_add_each_client_once(web, stores, manager):
    data = three_rows(manager)
    web.sign_in("dana")
    first, second = upload(web, data), upload(web, data)  # both planned "new"
    assert apply_all(web, first)[-1]["tally"] == {"added": 3}
    assert apply_all(web, second)[-1]["tally"] == {"already here": 3}
    assert len(caseload(stores, manager.user_id)) == 3
    done = page_text(web.get(f"/client-imports/{second}"))
    assert "Rows refused while applying" in done and "Already here" in done


def test_a_chunk_carried_out_again_after_its_progress_was_lost_adds_nobody_twice(
    web, stores, manager
):
    web.sign_in("dana")
    import_id = upload(web, three_rows(manager))
    apply_all(web, import_id)
    model = _model()  # as if the request's progress write had never landed
    model(f"client-import#{import_id}").update(
        actions=[
            ClientImportModel.next_row.set(0),
            ClientImportModel.state.set("applying"),
            ClientImportModel.tally.set({}),
        ]
    )
    assert apply_all(web, import_id)[-1]["tally"] == {"already here": 3}
    assert len(caseload(stores, manager.user_id)) == 3


def test_a_case_manager_deactivated_after_the_preview_gets_the_rows_their_verdict(
    web, stores, manager
):
    web.sign_in("dana")
    import_id = upload(web, three_rows(manager))
    stores.users.save(replace(manager, active=False))
    assert apply_all(web, import_id)[-1]["tally"] == {"unknown case manager": 3}
    assert caseload(stores, manager.user_id) == {}
    done = page_text(web.get(f"/client-imports/{import_id}"))
    assert done.count("Unknown or inactive case manager") == 4  # the tally, and each row
