"""Groups: a case manager's own hold only her caseload's clients, a department's only its
clients; clients go in from ticked rows and the client page and come out again; nobody
reaches a group or puts a client in one that isn't theirs."""

from __future__ import annotations

import pytest

from chalicelib.domain.users import Role
from tests.aws_calls import writes
from tests.helpers import page_text
from tests.integration.mass_tools import client_of, group_with, post_many
from tests.integration.session_tools import PASSWORD, new_staff

pytestmark = pytest.mark.any_hour  # nothing here depends on the hour


def signed_in(web, user):
    web.sign_in(user.user_id, PASSWORD)
    return web


def test_a_case_manager_puts_ticked_clients_in_her_group_and_takes_one_out(web, stack, stores):
    manager = new_staff(stack, stores)
    ana, ben = client_of(stores, manager, "Ana"), client_of(stores, manager, "Ben")
    signed_in(web, manager).get("/caseload")
    chosen = post_many(web, "/caseload/picked", {"client": [ana.client_id, ben.client_id]})
    assert chosen.status_code == 200 and "Add 2 clients to a group" in page_text(chosen)
    group_id = group_with(web, "Thursday class", [])
    web.get("/caseload")
    added = post_many(
        web, "/caseload/picked", {"client": [ana.client_id, ben.client_id], "group": group_id}
    )
    assert added.status_code == 303
    page = page_text(web.get(f"/groups/{group_id}"))
    assert ana.listed_name in page and ben.listed_name in page
    web.post(f"/groups/{group_id}/remove", {"client": ben.client_id})
    page = page_text(web.get(f"/groups/{group_id}"))
    assert ana.listed_name in page and ben.listed_name not in page
    assert stores.groups.get("probation", manager.user_id, group_id).members == {ana.client_id}


def test_a_client_goes_into_a_group_from_the_client_page(web, stack, stores):
    manager = new_staff(stack, stores)
    ana = client_of(stores, manager, "Ana")
    signed_in(web, manager)
    group_id = group_with(web, "Check-ins", [])
    assert "Add to a group" in page_text(web.get(f"/clients/{ana.client_id}"))
    chooser = web.get(f"/groups/pick?client={ana.client_id}")
    assert "Check-ins" in page_text(chooser)
    done = web.post("/caseload/picked", {"client": ana.client_id, "group": group_id})
    assert done.headers["Location"] == f"/groups/{group_id}?done=added"
    assert "Added to the group." in page_text(web.get(done.headers["Location"]))
    assert stores.groups.get("probation", manager.user_id, group_id).members == {ana.client_id}


def test_nobody_puts_a_client_of_another_caseload_in_their_group(web, stack, stores):
    owner, other = new_staff(stack, stores), new_staff(stack, stores)
    hers = client_of(stores, owner, "Hers")
    mine = client_of(stores, other, "Mine")
    signed_in(web, other)
    group_id = group_with(web, "Mixed", [mine])
    web.get(f"/groups/{group_id}")
    with writes() as written:
        refused = post_many(
            web, f"/groups/{group_id}/add", {"client": [mine.client_id, hers.client_id]}
        )
    assert refused.status_code == 403 and written == []
    assert stores.groups.get("probation", other.user_id, group_id).members == {mine.client_id}


def test_a_department_group_holds_only_that_departments_clients(web, stack, stores):
    supervisor = new_staff(stack, stores, Role.SUPERVISOR)
    manager = new_staff(stack, stores)
    elsewhere = new_staff(stack, stores, department="pretrial")
    ours, theirs = client_of(stores, manager), client_of(stores, elsewhere, department="pretrial")
    signed_in(web, supervisor).get("/groups")
    made = web.post("/groups", {"name": "Office closed list", "kind": "department"})
    group_id = made.headers["Location"].split("/")[2].split("?")[0]
    assert group_id.startswith("d")
    assert post_many(web, f"/groups/{group_id}/add", {"client": ours.client_id}).status_code == 303
    web.get(f"/groups/{group_id}")
    assert (
        post_many(web, f"/groups/{group_id}/add", {"client": theirs.client_id}).status_code == 403
    )
    # a case manager of the department neither sees nor changes it
    signed_in(web, manager)
    assert web.get(f"/groups/{group_id}").status_code in (403, 404)
    assert "Office closed list" not in page_text(web.get("/groups"))


def test_a_case_manager_cannot_make_a_department_group(web, stack, stores):
    manager = new_staff(stack, stores)
    signed_in(web, manager).get("/groups")
    with writes() as written:
        refused = web.post("/groups", {"name": "Everyone", "kind": "department"})
    assert refused.status_code == 403 and written == []


def test_a_client_moved_to_another_caseload_stays_listed_and_is_marked(web, stack, stores):
    from chalicelib.store.models import ClientModel

    manager, other = new_staff(stack, stores), new_staff(stack, stores)
    ana = client_of(stores, manager, "Ana")
    signed_in(web, manager)
    group_id = group_with(web, "Moving", [ana])
    ClientModel(ana.client_id).update(actions=[ClientModel.case_manager_id.set(other.user_id)])
    page = page_text(web.get(f"/groups/{group_id}"))
    assert ana.listed_name in page and "moved to another caseload" in page
