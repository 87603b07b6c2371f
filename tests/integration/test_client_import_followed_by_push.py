"""Issue 20, item 1, second pass: a client import's other open pages (a second tab, the
supervisor's) follow the apply by push to its final state, without a reload; a page that
may not open the import hears nothing of it."""

from __future__ import annotations

import time

from tests.helpers import WebVisitor, fresh_phone, page_text
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_client_imports import apply_all, csv_of, upload
from tests.integration.test_pushed_updates import connect_url
from tests.socket_client import SocketListener


def test_the_supervisors_open_page_follows_a_case_managers_import_to_the_end(http, stack, stores):
    own = new_staff(stack, stores)
    uploader = WebVisitor(http).sign_in(own.user_id, PASSWORD)
    phones = [fresh_phone() for _ in range(3)]
    rows = [(f"Follow{i % 3}", "Pushed", phones[i % 3], "", "", "") for i in range(250)]
    import_id = upload(uploader, csv_of(*rows))  # three chunks of 100 rows
    supervisor = WebVisitor(http).sign_in("dana")
    watching = supervisor.get(f"/client-imports/{import_id}").body.decode()
    assert 'data-refresh-on="client-import-' + import_id in watching
    other = WebVisitor(http).sign_in("marcus").get("/caseload").body.decode()
    with (
        SocketListener(connect_url(watching)) as followed,
        SocketListener(connect_url(other)) as outsider,
    ):
        time.sleep(0.5)  # both sockets stored before the first step is recorded
        apply_all(uploader, import_id)
        heard = [followed.next("client-import", import_id=import_id)["next_row"]]
        while heard[-1] < 250:
            heard.append(followed.next("client-import", import_id=import_id)["next_row"])
        assert heard == [100, 200, 250]
        leaked = [m for m in list(outsider.received.queue) if m.get("import_id") == import_id]
        assert leaked == []

    region = supervisor.get(f"/client-imports/{import_id}/live")  # what the push refetches
    assert region.status_code == 200
    text = page_text(region)
    assert "Import applied" in text and "3 clients added" in text
    assert "<html" not in region.body.decode()  # the region alone


def test_the_live_region_of_an_import_under_way_shows_its_progress(http, stack, stores):
    own = new_staff(stack, stores)
    uploader = WebVisitor(http).sign_in(own.user_id, PASSWORD)
    rows = [(f"Part{i}", "Way", fresh_phone(), "", "", "") for i in range(2)]
    rows += [rows[0]] * 150  # duplicates: two chunks, one client written
    import_id = upload(uploader, csv_of(*rows))
    before = page_text(uploader.get(f"/client-imports/{import_id}/live"))
    assert "What applying would do" in before and "Rows" in before
    from tests.helpers import FORM, csrf_in

    token = csrf_in(uploader.get(f"/client-imports/{import_id}").body.decode())
    headers = uploader._headers({**FORM, "Accept": "application/json"})
    uploader.http.post(
        f"/client-imports/{import_id}/apply", headers=headers, body=f"csrf_token={token}"
    )
    during = page_text(uploader.get(f"/client-imports/{import_id}/live"))
    assert "Went through 100 of 152 rows" in during and "What applying would do" not in during
