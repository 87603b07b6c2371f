"""Issue 20, item 1, second pass: a row for a retired client (case closed) is its own
verdict, matched by id number or by number and name, and never adds them a second time:
reactivating them is a person's decision, on their page."""

from __future__ import annotations

import secrets

from tests.helpers import fresh_phone, page_text
from tests.integration.session_tools import new_staff
from tests.integration.test_client_imports import apply_all, csv_of, upload
from tests.integration.test_court_import_pages import counts


def test_a_row_for_a_retired_client_is_its_own_verdict_and_adds_nobody(web, stores, stack):
    manager = new_staff(stack, stores)
    web.sign_in("dana")
    number, phone = f"RT-{secrets.token_hex(3)}", fresh_phone()
    web.get("/clients/new")
    made = web.post(
        "/clients",
        {
            "first_name": "Rita",
            "last_name": "Gone",
            "phone": phone,
            "id_number": number,
            "case_manager_id": manager.user_id,
        },
    )
    assert made.status_code == 303
    client_id = made.headers["Location"].split("/")[2].split("?")[0]
    web.get(f"/clients/{client_id}")
    retired = web.post(f"/clients/{client_id}/retire", {"reason": "case_closed", "version": "1"})
    assert retired.status_code == 303, page_text(retired)[:500]

    import_id = upload(
        web,
        csv_of(
            ("Rita", "Gone", fresh_phone(), "", number, manager.user_id),  # by id number
            ("RITA", "gone", phone, "", "", manager.user_id),  # by number and name
        ),
    )
    preview = web.get(f"/client-imports/{import_id}")
    assert counts(preview.body.decode()) == {"Retired client: reactivate them instead": 2}
    assert f'href="/clients/{client_id}"' in preview.body.decode()  # where to reactivate
    assert "Nothing to apply" in page_text(preview)
    assert apply_all(web, import_id)[-1]["tally"] == {"retired client": 2}
    assert stores.clients.caseload(manager.user_id) == []
