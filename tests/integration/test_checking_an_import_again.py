"""A preview's plan is made once, at upload, and kept (issue 18): so a supervisor who adds
the courthouse an "Unknown courthouse code" row asked for checks the kept file again, as a
new import, instead of uploading it once more. The earlier import is left as it was, and
only a supervisor of the import's own department may do it."""

from __future__ import annotations

from tests.clock import real_now
from tests.helpers import csrf_in, page_text
from tests.integration.test_court_import_pages import apply_all, counts, day_ahead, us
from tests.integration.test_import_formats_pages import (
    COURTHOUSES,
    HEADER,
    county_client,
    county_supervisor,
    post_multipart,
    set_up_by_position,
    upload,
)


def test_after_adding_the_courthouse_checking_the_file_again_makes_its_row_new(http, stack, stores):
    web, department, manager = county_supervisor(http, stack, stores)
    client = county_client(stores, department, manager)
    data = f"{HEADER}{client.id_number},{us(day_ahead(30))},09:30,W42,SLC3\n".encode()
    set_up_by_position(web, data)
    first = upload(web, data)
    page = web.get(f"/imports/{first}").body.decode()
    assert counts(page)["Unknown courthouse code"] == 1
    assert "check the file again" in page_text(web.get(f"/imports/{first}"))

    token = csrf_in(web.get("/courthouses").body.decode())
    table = post_multipart(
        web, "/courthouses/upload", {"csrf_token": token}, {"file": ("c.csv", COURTHOUSES)}
    )
    assert table.status_code == 303
    again = web.post(f"/imports/{first}/again", {"csrf_token": csrf_in(page)})

    assert again.status_code == 303
    second = again.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert second != first
    assert counts(web.get(f"/imports/{second}").body.decode())["New"] == 1
    assert counts(web.get(f"/imports/{first}").body.decode())["Unknown courthouse code"] == 1
    apply_all(web, second)
    [stored] = stores.appointments.imported_in_department(department, real_now())
    assert stored.place == "Matheson Courthouse, 450 S State St, Room W42"


def test_a_file_with_nothing_needing_attention_offers_no_second_check(http, stack, stores):
    web, department, manager = county_supervisor(http, stack, stores)
    client = county_client(stores, department, manager)
    data = f"{HEADER}{client.id_number},{us(day_ahead(31))},09:30,W42,SLC3\n".encode()
    set_up_by_position(web, data)
    token = csrf_in(web.get("/courthouses").body.decode())
    post_multipart(
        web, "/courthouses/upload", {"csrf_token": token}, {"file": ("c.csv", COURTHOUSES)}
    )
    import_id = upload(web, data)
    assert "Check the file again" not in page_text(web.get(f"/imports/{import_id}"))
