"""Issue 20: a court-import format's "new format" form sent twice (a double click, a resend
after a dropped answer) saves one format, as the client-import formats' form does; a new
form opened again is a second format of its own. In a department of its own."""

from __future__ import annotations

import html
import re

from tests.helpers import csrf_in, page_text
from tests.integration.test_import_formats_pages import (
    HEADER,
    county_supervisor,
    post_multipart,
)

NAME = "Sent twice"


def new_format_form(web) -> str:
    """The form the "Show its columns" button opens for a sample of the county's export."""
    token = csrf_in(web.get("/imports/formats").body.decode())
    shown = post_multipart(
        web,
        "/imports/formats/new",
        {"csrf_token": token},
        {"sample_file": ("s.csv", HEADER.encode())},
    )
    assert shown.status_code == 200, page_text(shown)[:500]
    return shown.body.decode()


def filled_in(form: str) -> dict[str, str]:
    """Every hidden field the form has, as a browser sends it, and the choices made."""
    hidden = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
    }
    return {
        **hidden,
        "name": NAME,
        "column_id_number": "1",
        "column_date": "2",
        "column_time": "3",
        "date_format": "MM/DD/YYYY (or M/D/YYYY)",
        "time_format": "24-hour, HH:MM (14:30)",
    }


def formats_named(web, name: str) -> int:
    listed = web.get("/imports/formats").body.decode()
    return len(re.findall(rf'<h2 id="format-\d+">{re.escape(name)}</h2>', listed))


def test_a_new_court_format_form_sent_twice_saves_one_format(http, stack, stores):
    web, _, _ = county_supervisor(http, stack, stores)
    fields = filled_in(new_format_form(web))
    first = web.post("/imports/formats/save", fields)
    again = web.post("/imports/formats/save", fields)  # a double click, a resend
    assert (first.status_code, again.status_code) == (303, 303), page_text(again)[:800]
    assert formats_named(web, NAME) == 1


def test_a_new_court_format_form_sent_again_with_other_choices_is_refused_as_changed(
    http, stack, stores
):
    web, _, _ = county_supervisor(http, stack, stores)
    fields = filled_in(new_format_form(web))
    assert web.post("/imports/formats/save", fields).status_code == 303
    changed = web.post("/imports/formats/save", {**fields, "name": "Something else"})
    assert changed.status_code == 409
    assert "Someone changed this format" in page_text(changed)
    assert formats_named(web, NAME) == 1 and formats_named(web, "Something else") == 0


def test_two_new_court_format_forms_save_two_formats(http, stack, stores):
    web, _, _ = county_supervisor(http, stack, stores)
    one, two = filled_in(new_format_form(web)), filled_in(new_format_form(web))
    assert web.post("/imports/formats/save", one).status_code == 303
    assert web.post("/imports/formats/save", two).status_code == 303
    assert formats_named(web, NAME) == 2
