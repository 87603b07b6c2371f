"""Before a mass text is sent the page lists who is skipped and why (the page's own rule);
skipped clients get nothing; the progress view counts queued, sent, delivered, failed and
skipped, and "cancel the rest" cancels the texts no sender has claimed."""

from __future__ import annotations

import pytest

from tests.clock import real_now
from tests.helpers import page_text
from tests.integration.mass_tools import client_of, count_of, group_with, texts_of, written
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_mass_texts_once import cleanup, later_form

pytestmark = pytest.mark.any_hour  # sends "now" and relative to now; nothing else of the hour


def skipped_and_texted(stack, stores, manager):
    from chalicelib.domain.delivery import ERROR_EXPLANATIONS, LANDLINE

    return {
        "ok": client_of(stores, manager, "Okay"),
        "stop": client_of(stores, manager, "Stopped", opted_out=True),
        "retired": client_of(
            stores, manager, "Closed", retired_at=real_now(), retired_reason="case_closed"
        ),
        "landline": client_of(
            stores, manager, "Landline", delivery_problem=ERROR_EXPLANATIONS[LANDLINE]
        ),
    }


def test_the_preview_lists_the_skipped_with_their_reasons_and_they_get_nothing(web, stack, stores):
    manager = new_staff(stack, stores)
    chosen = skipped_and_texted(stack, stores, manager)
    web.sign_in(manager.user_id, PASSWORD)
    group_id = group_with(web, "Skips", list(chosen.values()))
    web.get("/mass-texts/new")
    form = later_form(group_id, "5c" * 16, "Hi {first_name} from {case_manager}")
    preview = web.post("/mass-texts/preview", form)
    assert preview.status_code == 200, preview.body[:500]
    html = preview.body.decode()
    skipped = html[html.index('id="skipped-list"') : html.index('id="texts-heading"')]
    texted = html[html.index('id="preview-list"') :]
    assert "texted STOP" in skipped and "retired" in skipped
    assert "could not be delivered" in skipped
    assert f"Hi Okay from {manager.display_name}" in texted and "1 segment" in texted
    assert "Stopped" not in texted and "Landline" not in texted
    assert "Send to 1 client" in page_text(preview)
    started = web.post("/mass-texts", form)
    mass = written(stores, started.headers["Location"].split("/")[2])
    try:
        assert mass.recipients == (chosen["ok"].client_id,)
        assert set(mass.skipped.values()) == {"opted_out", "retired", "cannot_text"}
        for name in ("stop", "retired", "landline"):
            assert texts_of(stores, mass, chosen[name].client_id) == []
        progress = web.get(started.headers["Location"])
        assert count_of(progress, "skipped") == 3 and count_of(progress, "queued") == 1
    finally:
        cleanup(stores, chosen.values())


def test_a_placeholder_that_is_not_one_is_refused_with_the_form_kept(web, stack, stores):
    manager = new_staff(stack, stores)
    client = client_of(stores, manager)
    web.sign_in(manager.user_id, PASSWORD)
    group_id = group_with(web, "Typos", [client])
    web.get("/mass-texts/new")
    refused = web.post("/mass-texts/preview", later_form(group_id, "7a" * 16, "Hi {frist_name}"))
    assert refused.status_code == 400
    assert "{frist_name} is not a placeholder" in page_text(refused)
    assert "Hi {frist_name}" in refused.body.decode()


def test_cancel_the_rest_cancels_every_text_not_yet_claimed(web, stack, stores):
    manager = new_staff(stack, stores)
    clients = [client_of(stores, manager, n) for n in ("Ann", "Bo")]
    web.sign_in(manager.user_id, PASSWORD)
    group_id = group_with(web, "Cancelled", clients)
    web.get("/mass-texts/new")
    started = web.post("/mass-texts", later_form(group_id, "c4" * 16))
    path = started.headers["Location"]
    mass = written(stores, path.split("/")[2])
    web.get(path)
    done = web.post(f"{path}/cancel", {})
    assert done.status_code == 303
    for client in clients:
        assert [r.state for r in texts_of(stores, mass, client.client_id)] == ["cancelled"]
        assert stores.clients.get(client.client_id).scheduled_count == 0
    page = web.get(path)
    assert count_of(page, "cancelled") == 2 and "100 % done" in page_text(page)
    assert "Cancel the rest" not in page_text(page)
    listed = web.get("/mass-texts")
    assert path in listed.body.decode() and "rest cancelled" in page_text(listed)


def test_the_list_shows_ones_own_mass_texts_and_a_supervisor_the_departments(web, stack, stores):
    from chalicelib.domain.users import Role

    author, colleague = new_staff(stack, stores), new_staff(stack, stores)
    supervisor = new_staff(stack, stores, Role.SUPERVISOR)
    client = client_of(stores, author)
    web.sign_in(author.user_id, PASSWORD)
    group_id = group_with(web, "Listed", [client])
    web.get("/mass-texts/new")
    path = web.post("/mass-texts", later_form(group_id, "1e" * 16)).headers["Location"]
    try:
        assert path in web.get("/mass-texts").body.decode()
        web.sign_in(colleague.user_id, PASSWORD)
        assert path not in web.get("/mass-texts").body.decode()
        assert web.get(path).status_code == 403
        web.sign_in(supervisor.user_id, PASSWORD)
        assert path in web.get("/mass-texts").body.decode()
        assert web.get(path).status_code == 200
    finally:
        written(stores, path.split("/")[2])
        cleanup(stores, [client])


def test_progress_follows_the_texts_through_the_sweep_and_the_sender(
    web, stack, stores, queue, sender
):
    from chalicelib.services.sending import SendOrder, send_order, sweep

    manager = new_staff(stack, stores)
    clients = [client_of(stores, manager, n) for n in ("Sal", "Tia")]
    web.sign_in(manager.user_id, PASSWORD)
    group_id = group_with(web, "Now", clients)
    web.get("/mass-texts/new")
    form = {**later_form(group_id, "d7" * 16), "when": "now"}
    started = web.post("/mass-texts", form)
    path = started.headers["Location"]
    written(stores, path.split("/")[2])
    ours = {c.client_id for c in clients}
    sweep(stores.scheduled, queue, real_now())
    while batch := queue.receive(most=10):
        for message in batch:
            order = SendOrder.from_json(message.body)
            if order.client_id in ours:
                send_order(order, sender, real_now())
            queue.delete(message.receipt)
    for client in clients:
        assert [m["body"] for m in stack.twilio.messages(to=client.phone)] == [
            "Hi " + client.first_name + ", see you"
        ]
    live = web.get(f"{path}/progress", headers={"X-ClientComm-Background": "1"})
    assert (
        count_of(live, "queued") == 0 and count_of(live, "sent") + count_of(live, "delivered") == 2
    )
    assert "100 % done" in page_text(live)


def test_court_date_this_week_picks_only_clients_with_one(web, stack, stores):
    from datetime import timedelta

    manager = new_staff(stack, stores)
    soon = (real_now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    court = client_of(stores, manager, "Court", appointments={"a": f"{soon}|court|none"})
    other = client_of(stores, manager, "Class", appointments={"b": f"{soon}|treatment|none"})
    web.sign_in(manager.user_id, PASSWORD)
    web.get("/mass-texts/new")
    form = {**later_form("", "3d" * 16, "See you in court, {first_name}"), "pick": "court_soon"}
    preview = web.post("/mass-texts/preview", form)
    assert preview.status_code == 200, preview.body[:300]
    assert "See you in court, Court" in page_text(preview)
    assert other.client_id not in preview.body.decode()
    assert court.client_id in preview.body.decode()


def test_a_supervisor_texts_a_department_group_across_caseloads(web, stack, stores):
    from chalicelib.domain.users import Role

    supervisor = new_staff(stack, stores, Role.SUPERVISOR)
    first, second = new_staff(stack, stores), new_staff(stack, stores)
    clients = [client_of(stores, first, "Uno"), client_of(stores, second, "Dos")]
    web.sign_in(supervisor.user_id, PASSWORD)
    web.get("/groups")
    made = web.post("/groups", {"name": "Whole office", "kind": "department"})
    group_id = made.headers["Location"].split("/")[2].split("?")[0]
    web.get(f"/groups/{group_id}")
    for client in clients:
        web.post(f"/groups/{group_id}/add", {"client": client.client_id})
    web.get("/mass-texts/new")
    form = later_form(group_id, "4e" * 16, "{first_name}: {case_manager} is away Monday")
    preview = page_text(web.post("/mass-texts/preview", form))
    assert f"Uno: {first.display_name} is away Monday" in preview
    assert f"Dos: {second.display_name} is away Monday" in preview
    # a case manager of the department cannot text it
    web.sign_in(first.user_id, PASSWORD)
    web.get("/mass-texts/new")
    assert web.post("/mass-texts/preview", form).status_code in (403, 404)
