"""A court-format form read before someone else saved it is refused (409) and shows the
format as it is now, at its new version, so the supervisor can make her change again and
save it: as the message says. It used to show her own refused values at the old version,
which were refused again each time she sent them."""

from __future__ import annotations

import html
import re

from tests.helpers import csrf_in, page_text
from tests.integration.test_import_formats_pages import (
    HEADER,
    county_supervisor,
    set_up_by_position,
)


def form_fields(form: str, name: str) -> dict[str, str]:
    """What a browser sends from the format form ``form`` with its name changed."""
    carried = re.search(r'name="sample" value="([^"]*)"', form).group(1)
    return {
        "csrf_token": csrf_in(form),
        "sample": html.unescape(carried),
        "format_id": re.search(r'name="format_id" value="([^"]*)"', form).group(1),
        "version": re.search(r'name="version" value="([^"]*)"', form).group(1),
        "name": name,
        "column_id_number": "1",
        "column_date": "2",
        "column_time": "3",
        "date_format": "MM/DD/YYYY (or M/D/YYYY)",
        "time_format": "24-hour, HH:MM (14:30)",
    }


def test_a_stale_court_format_form_shows_the_format_as_it_is_now_and_saves_from_there(
    http, stack, stores
):
    web, _, _ = county_supervisor(http, stack, stores)
    set_up_by_position(web, HEADER.encode())
    listing = web.get("/imports/formats").body.decode()
    format_id = re.search(r"/imports/formats/([0-9a-f]+)", listing).group(1)
    first_tab = web.get(f"/imports/formats/{format_id}").body.decode()
    second_tab = web.get(f"/imports/formats/{format_id}").body.decode()
    assert web.post("/imports/formats/save", form_fields(first_tab, "Renamed")).status_code == 303

    stale = web.post("/imports/formats/save", form_fields(second_tab, "Again"))

    assert stale.status_code == 409
    assert "Someone changed this format" in page_text(stale)
    shown = stale.body.decode()
    assert 'value="Renamed"' in shown and 'name="version" value="2"' in shown
    again = web.post("/imports/formats/save", form_fields(shown, "Again"))
    assert again.status_code == 303, page_text(again)[:500]
