"""A spreadsheet of clients: a verdict per row first, nothing written; then apply, a chunk
of the kept plan per request; the same file again changes nothing."""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlencode

import pytest

from tests.helpers import FORM, csrf_in, fresh_phone, page_text
from tests.integration.session_tools import new_staff
from tests.integration.test_court_import_pages import counts, multipart

HEADER = "first name,last name,phone,language,id number,case manager username\n"


def post_file(web, data: bytes, name: str = "clients.csv"):
    token = csrf_in(web.get("/client-imports").body.decode())
    content_type, body = multipart({"csrf_token": token}, {"client_file": (name, data)})
    headers = web._headers({"Content-Type": content_type})
    return web._remember(web.http.post("/client-imports", headers=headers, body=body))


def upload(web, data: bytes) -> str:
    response = post_file(web, data)
    assert response.status_code == 303, page_text(response)[:800]
    return response.headers["Location"].split("/")[2]


def apply_step(web, import_id: str, token: str):
    headers = web._headers({**FORM, "Accept": "application/json"})
    body = urlencode({"csrf_token": token})
    path = f"/client-imports/{import_id}/apply"
    return web._remember(web.http.post(path, headers=headers, body=body))


def apply_all(web, import_id: str) -> list[dict]:
    """What the page's script does: one chunk after another until done."""
    token = csrf_in(web.get(f"/client-imports/{import_id}").body.decode())
    steps: list[dict] = []
    while not (steps and steps[-1]["done"]):
        response = apply_step(web, import_id, token)
        assert response.status_code == 200, page_text(response)[:500]
        steps.append(json.loads(response.body))
        assert len(steps) < 100
    return steps


def csv_of(*rows: tuple[str, ...]) -> bytes:
    lines = [",".join(f'"{cell}"' for cell in row) for row in rows]
    return (HEADER + "\n".join(lines) + "\n").encode()


@pytest.fixture()
def manager(stack, stores):
    """A case manager of probation nobody else uses: her caseload is the test's."""
    return new_staff(stack, stores)


def caseload(stores, user_id: str) -> dict[str, object]:
    return {c.phone: c for c in stores.clients.caseload(user_id)}


def test_dana_previews_then_applies_and_the_same_file_again_changes_nothing(web, stores, manager):
    phones = [fresh_phone() for _ in range(3)]
    ids = [f"IMP-{secrets.token_hex(3)}" for _ in range(2)]  # the same id is the same person
    data = csv_of(
        ("Ana", "Ruiz", phones[0], "Spanish", ids[0], manager.user_id),
        ("Ben", "Okafor", phones[1], "", "", manager.user_id),
        ("Cy", "Lund", phones[2] + " ext 4", "en", ids[1], manager.user_id.upper()),
    )
    web.sign_in("dana")
    import_id = upload(web, data)
    preview = web.get(f"/client-imports/{import_id}")
    assert counts(preview.body.decode()) == {"New client": 3}
    assert caseload(stores, manager.user_id) == {}  # nothing written before applying

    steps = apply_all(web, import_id)
    assert steps[-1]["tally"] == {"added": 3}
    made = caseload(stores, manager.user_id)
    assert set(made) == set(phones)
    ana = made[phones[0]]
    assert (ana.first_name, ana.language, ana.id_number) == ("Ana", "es", ids[0])
    assert stores.clients.get(made[phones[2]].client_id).phone_note == "ext. 4"
    trail = stores.audit.trail(f"client#{ana.client_id}")
    assert [(e.action, e.actor, e.details["import_id"]) for e in trail] == [
        ("client_import", "dana", import_id)
    ]
    done = page_text(web.get(f"/client-imports/{import_id}"))
    assert "Import applied" in done and "3 clients added" in done

    again = upload(web, data)
    page = web.get(f"/client-imports/{again}").body.decode()
    assert counts(page) == {"Already here": 3}
    assert "Nothing to apply" in page
    assert apply_all(web, again)[-1]["tally"] == {"already here": 3}
    assert len(caseload(stores, manager.user_id)) == 3


def test_every_verdict_is_shown_before_anything_is_written(web, stores, stack, manager):
    gone = new_staff(stack, stores)
    stores.users.save(gone.__class__(**{**vars(gone), "active": False}))
    here, taken, new = fresh_phone(), fresh_phone(), fresh_phone()
    web.sign_in("kristina")
    web.get("/clients/new")
    for first, phone in (("Held", here), ("Other", taken)):
        made = web.post("/clients", {"first_name": first, "last_name": "Person", "phone": phone})
        assert made.status_code == 303
    web.sign_in("dana")
    data = csv_of(
        ("Nia", "Cole", new, "", "", manager.user_id),
        ("Held", "Person", here, "", "", manager.user_id),
        ("Someone", "Else", taken, "", "", manager.user_id),
        ("Bad", "Phone", "801-555", "", "", manager.user_id),
        ("No", "Manager", fresh_phone(), "", "", "nobody-here"),
        ("Left", "Already", fresh_phone(), "", "", gone.user_id),
        ("Nia", "Again", new, "", "", manager.user_id),
        ("", "Nameless", fresh_phone(), "", "", manager.user_id),
    )
    import_id = upload(web, data)
    page = web.get(f"/client-imports/{import_id}")
    assert counts(page.body.decode()) == {
        "New client": 1,
        "Already here": 1,
        "Bad phone number": 1,
        "Number held by another client": 1,
        "Unknown or inactive case manager": 2,
        "Duplicate row": 1,
        "Bad row": 1,
    }
    text = page_text(page)
    assert "Other Person" in text  # Dana may open Kristina's client, so it is named
    assert "phonenumbers: too short" in text or "phonenumbers:" in text
    assert caseload(stores, manager.user_id) == {}
    assert apply_all(web, import_id)[-1]["tally"]["added"] == 1


def test_a_row_whose_number_is_taken_before_applying_is_listed_with_its_verdict(
    web, stores, manager
):
    first, second = fresh_phone(), fresh_phone()
    web.sign_in("dana")
    import_id = upload(
        web,
        csv_of(
            ("Early", "Bird", first, "", "", manager.user_id),
            ("Late", "Comer", second, "", "", manager.user_id),
        ),
    )
    web.get("/clients/new")
    meanwhile = web.post(
        "/clients",
        {
            "first_name": "Quick",
            "last_name": "Hands",
            "phone": second,
            "case_manager_id": "kristina",
        },
    )
    assert meanwhile.status_code == 303
    steps = apply_all(web, import_id)
    assert steps[-1]["tally"] == {"added": 1, "number taken": 1}
    done = page_text(web.get(f"/client-imports/{import_id}"))
    assert "Rows refused while applying" in done and "Number held by another client" in done
    assert set(caseload(stores, manager.user_id)) == {first}


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", b"\xef\xbb\xbf"), ("utf-8", b""), ("latin-1", b"")]
)
def test_utf8_with_or_without_a_bom_and_latin1_files_read_alike(
    web, stores, manager, encoding, bom
):
    phone = fresh_phone()
    text = HEADER + f"José,Núñez,{phone},español,,{manager.user_id}\n"
    web.sign_in("dana")
    import_id = upload(web, bom + text.encode(encoding))
    apply_all(web, import_id)
    made = caseload(stores, manager.user_id)[phone]
    assert (made.first_name, made.last_name, made.language) == ("José", "Núñez", "es")


def test_formula_looking_cells_stay_text_and_pages_escape_them(web, stores, manager):
    phone = fresh_phone()
    name = '=HYPERLINK("http://x.invalid","<b>Bo</b>")'
    data = (
        HEADER.encode()
        + f'"{name.replace(chr(34), chr(34) * 2)}",+Sum,{phone},,,{manager.user_id}\n'.encode()
    )
    web.sign_in("dana")
    import_id = upload(web, data)
    preview = web.get(f"/client-imports/{import_id}").body.decode()
    assert "<b>Bo</b>" not in preview and "&lt;b&gt;Bo&lt;/b&gt;" in preview
    apply_all(web, import_id)
    made = caseload(stores, manager.user_id)[phone]
    assert (made.first_name, made.last_name) == (name, "+Sum")


def test_a_two_thousand_row_file_is_applied_in_steps_with_progress(web, stores, manager):
    """40 numbers, each on 50 rows: 40 clients to write and 1,960 duplicate rows, so the
    steps (100 rows a request) are what is measured, not moto's write speed."""
    phones = [fresh_phone() for _ in range(40)]
    rows = [(f"Name{i % 40}", "Bulk", phones[i % 40], "", "", manager.user_id) for i in range(2000)]
    web.sign_in("dana")
    import_id = upload(web, csv_of(*rows))
    preview = web.get(f"/client-imports/{import_id}")
    assert counts(preview.body.decode()) == {"New client": 40, "Duplicate row": 1960}
    assert "Showing 500 of 2,000 rows" in page_text(preview)
    steps = apply_all(web, import_id)
    assert len(steps) == 20
    assert [s["next_row"] for s in steps] == list(range(100, 2001, 100))
    assert steps[-1]["tally"] == {"added": 40, "duplicate row": 1960}
    assert len(caseload(stores, manager.user_id)) == 40


def test_a_case_manager_imports_into_her_own_caseload_only(web, stores, stack):
    own = new_staff(stack, stores)
    mine, theirs = fresh_phone(), fresh_phone()
    web.sign_in(own.user_id, password="Throwaway-pass-1!")
    import_id = upload(
        web,
        csv_of(("Mine", "Row", mine, "", "", ""), ("Their", "Row", theirs, "", "", "kristina")),
    )
    assert counts(web.get(f"/client-imports/{import_id}").body.decode()) == {
        "New client": 1,
        "Another caseload": 1,
    }
    apply_all(web, import_id)
    assert set(caseload(stores, own.user_id)) == {mine}
    assert theirs not in caseload(stores, "kristina")


def test_nobody_imports_into_another_department_or_opens_anothers_import(web, stores, stack):
    phone = fresh_phone()
    web.sign_in("priya")  # pretrial's supervisor names probation's case manager
    import_id = upload(web, csv_of(("Cross", "Border", phone, "", "", "kristina")))
    assert counts(web.get(f"/client-imports/{import_id}").body.decode()) == {
        "Unknown or inactive case manager": 1
    }
    web.sign_in("dana")  # probation's supervisor cannot even open it
    assert web.get(f"/client-imports/{import_id}").status_code == 404
    web.sign_in("kristina")
    assert web.get(f"/client-imports/{import_id}").status_code == 404
    assert stores.clients.holder_of("probation", phone) is None
    assert stores.clients.holder_of("pretrial", phone) is None


def test_a_supervisor_sees_her_case_managers_import_and_another_case_manager_does_not(
    web, stores, stack
):
    own = new_staff(stack, stores)
    web.sign_in(own.user_id, password="Throwaway-pass-1!")
    import_id = upload(web, csv_of(("Seen", "By", fresh_phone(), "", "", "")))
    web.sign_in("dana")
    assert web.get(f"/client-imports/{import_id}").status_code == 200
    web.sign_in("marcus")
    assert web.get(f"/client-imports/{import_id}").status_code == 404


def test_a_file_without_the_required_columns_is_refused_saying_which(web):
    web.sign_in("dana")
    response = post_file(web, b"name,mobile\nAna,8015550100\n")
    assert response.status_code == 400
    assert "first name, last name" in page_text(response)


def test_the_navigation_offers_the_import_to_case_managers_and_supervisors(web):
    for who in ("kristina", "dana"):
        web.sign_in(who)
        assert 'href="/client-imports"' in web.get("/caseload").body.decode()


def test_a_client_import_is_never_listed_or_opened_as_a_court_import(web):
    web.sign_in("dana")
    import_id = upload(web, csv_of(("Not", "Court", fresh_phone(), "", "", "kristina")))
    assert "clients.csv" not in page_text(web.get("/imports"))
    assert web.get(f"/imports/{import_id}").status_code == 404
    assert web.get(f"/imports/client-import%23{import_id}").status_code == 404
