"""Issue 20, item 1, second pass: a county's client export whose header the documented
names miss is set up once (fields chosen by column, by header or by position) and the
next file with that header is read at once; a stale format form is refused.
In departments of their own, so no other test's uploads meet these formats."""

from __future__ import annotations

import html
import json
import re
import secrets

from chalicelib.domain.users import Role
from tests.helpers import WebVisitor, csrf_in, fresh_phone, page_text
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_client_imports import apply_all, post_file, upload
from tests.integration.test_court_import_pages import counts

COUNTY = "Offender Number,Last,First,Cell,,Officer Login,Primary Language,Officer Login\n"


def county(http, stack, stores, role: Role = Role.SUPERVISOR):
    """A department of its own: a member of staff of ``role`` signed in, and a case
    manager to import into."""
    department = f"county{secrets.token_hex(4)}"
    person = new_staff(stack, stores, role, department)
    manager = (
        person if role is Role.CASE_MANAGER else new_staff(stack, stores, department=department)
    )
    return WebVisitor(http).sign_in(person.user_id, PASSWORD), manager


def carried(page: str) -> str:
    return html.unescape(re.search(r'name="sample" value="([^"]*)"', page).group(1))


def test_an_unrecognised_header_is_set_up_by_header_and_position_then_read_at_once(
    http, stack, stores
):
    web, manager = county(http, stack, stores)
    phone = fresh_phone()
    number = f"OF-{secrets.token_hex(3)}"
    data = (COUNTY + f"{number},Ruiz,Ana,{phone},desk 4,x,Español,{manager.user_id}\n").encode()

    refused = post_file(web, data, "county.csv")
    assert refused.status_code == 400
    said = page_text(refused)
    assert "Columns not recognised: Offender Number" in said and "column 5 (no header)" in said
    assert stores.clients.holder_of(manager.department_id, phone) is None

    shown = web.post("/client-imports/formats/new", {"sample": carried(refused.body.decode())})
    assert shown.status_code == 200, page_text(shown)[:500]
    form = shown.body.decode()
    assert "(matched by position)" in form  # the blank and the two "Officer Login" columns
    assert "801" in page_text(shown) or phone[-4:] in page_text(shown)  # sample values shown
    assert re.search(r'<option value="3" selected>Column 3: First', form)  # by its header
    saved = web.post(
        "/client-imports/formats/save",
        {
            "csrf_token": csrf_in(form),
            "sample": carried(form),
            "version": "0",
            "name": "County offender export",
            "column_first_name": "3",
            "column_last_name": "2",
            "column_phone": "4",
            "column_id_number": "1",
            "column_language": "7",
            "column_case_manager": "8",  # the second "Officer Login": by position
        },
    )
    assert saved.status_code == 303, page_text(saved)[:800]
    listed = page_text(web.get("/client-imports/formats"))
    assert "County offender export" in listed and "column 8 (Officer Login)" in listed

    import_id = upload(web, data)  # the same header: read at once
    preview = web.get(f"/client-imports/{import_id}")
    assert counts(preview.body.decode()) == {"New client": 1}
    assert "columns ignored: Officer Login" in page_text(preview)
    apply_all(web, import_id)
    [made] = stores.clients.caseload(manager.user_id)
    assert (made.first_name, made.last_name, made.phone) == ("Ana", "Ruiz", phone)
    assert (made.language, made.id_number) == ("es", number)
    trail = stores.audit.trail(f"department#{manager.department_id}")
    assert "client_import_format" in [e.action for e in trail]


def test_a_stale_client_format_form_is_refused_and_shows_the_format_as_it_is_now(
    http, stack, stores
):
    web, _ = county(http, stack, stores, Role.CASE_MANAGER)  # whoever imports sets up
    header = COUNTY.strip().split(",")
    fields = {
        "sample": json.dumps({"header": header, "rows": []}),
        "version": "0",
        "name": "First name for it",
        "column_first_name": "3",
        "column_last_name": "2",
        "column_phone": "4",
    }
    token = csrf_in(web.get("/client-imports/formats").body.decode())
    assert (
        web.post("/client-imports/formats/save", {**fields, "csrf_token": token}).status_code == 303
    )
    page = web.get("/client-imports/formats").body.decode()
    format_id = re.search(r"/client-imports/formats/([0-9a-f]+)", page).group(1)
    first_tab = web.get(f"/client-imports/formats/{format_id}").body.decode()
    second_tab = web.get(f"/client-imports/formats/{format_id}").body.decode()
    edit = {**fields, "format_id": format_id, "version": "1", "csrf_token": csrf_in(first_tab)}
    assert web.post("/client-imports/formats/save", {**edit, "name": "Renamed"}).status_code == 303
    stale = web.post(
        "/client-imports/formats/save",
        {**edit, "name": "Overwritten", "csrf_token": csrf_in(second_tab)},
    )
    assert stale.status_code == 409
    assert "Someone changed this format" in page_text(stale)
    assert 'value="Renamed"' in stale.body.decode() and 'name="version" value="2"' in (
        stale.body.decode()
    )
    assert "Overwritten" not in page_text(web.get("/client-imports/formats"))


def test_a_departments_formats_are_its_own(http, stack, stores):
    web, _ = county(http, stack, stores)
    header = ["Given", "Family", "Mobile #"]
    token = csrf_in(web.get("/client-imports/formats").body.decode())
    saved = web.post(
        "/client-imports/formats/save",
        {
            "csrf_token": token,
            "sample": '{"header": ["Given", "Family", "Mobile #"], "rows": []}',
            "version": "0",
            "name": "Ours alone",
            "column_first_name": "1",
            "column_last_name": "2",
            "column_phone": "3",
        },
    )
    assert saved.status_code == 303
    page = web.get("/client-imports/formats").body.decode()
    format_id = re.search(r"/client-imports/formats/([0-9a-f]+)", page).group(1)
    other = WebVisitor(http).sign_in("dana")
    assert "Ours alone" not in page_text(other.get("/client-imports/formats"))
    assert other.get(f"/client-imports/formats/{format_id}").status_code == 404
    refused = post_file(other, b"Given,Family,Mobile #\nAna,Ruiz,8015550142\n")
    assert refused.status_code == 400  # probation has no such format
    hijack = other.post(
        "/client-imports/formats/save",
        {
            "csrf_token": csrf_in(other.get("/client-imports/formats").body.decode()),
            "sample": json.dumps({"header": header, "rows": []}),
            "format_id": format_id,
            "version": "1",
            "name": "Hijacked",
            "column_first_name": "2",
            "column_last_name": "1",
            "column_phone": "3",
        },
    )
    assert hijack.status_code == 404
    assert "Hijacked" not in page_text(web.get("/client-imports/formats"))
    assert "Hijacked" not in page_text(other.get("/client-imports/formats"))


def test_a_new_format_form_sent_twice_saves_one_format(http, stack, stores):
    web, _ = county(http, stack, stores)
    header = ["Vorname", "Nachname", "Handy"]
    shown = web.post(
        "/client-imports/formats/new", {"sample": json.dumps({"header": header, "rows": []})}
    )
    form = shown.body.decode()
    fields = {
        "csrf_token": csrf_in(form),
        "sample": carried(form),
        "version": "0",  # every field the form has, as a browser sends it
        "name": "Sent twice",
        "column_first_name": "1",
        "column_last_name": "2",
        "column_phone": "3",
    }
    fields["format_id"] = re.search(r'name="format_id" value="([0-9a-f]+)"', form).group(1)
    first = web.post("/client-imports/formats/save", fields)
    again = web.post("/client-imports/formats/save", fields)  # a double click, a resend
    assert (first.status_code, again.status_code) == (303, 303)
    listed = web.get("/client-imports/formats").body.decode()
    assert len(re.findall(r'<h2 id="format-\d+">Sent twice</h2>', listed)) == 1
