"""A mass text reaches each recipient exactly once: the form submitted twice starts one
mass text; the fan-out delivered twice, or dying midway and run again, writes each
recipient's scheduled text once, and their caseload counts go up once."""

from __future__ import annotations

import pytest

from tests.helpers import page_text
from tests.integration.mass_tools import client_of, group_with, texts_of, written
from tests.integration.session_tools import PASSWORD, new_staff

pytestmark = pytest.mark.any_hour  # "send later" two days ahead: any hour will do

FORM_ID = "5e" * 16


def later_form(
    group_id: str, form_id: str = FORM_ID, body: str = "Hi {first_name}, see you"
) -> dict:
    from datetime import timedelta

    from chalicelib.config import get_jurisdiction
    from tests.clock import real_now

    day = (real_now().astimezone(get_jurisdiction().zone) + timedelta(days=2)).strftime("%Y-%m-%d")
    return {
        "form_id": form_id,
        "pick": "group",
        "group": group_id,
        "body": body,
        "when": "later",
        "send_date": day,
        "send_time": "09:00",
    }


def cleanup(stores, clients) -> None:
    """No later test's sweep may find these texts due."""
    for client in clients:
        for text in stores.scheduled.pending_for_client(client.client_id):
            stores.scheduled.fail(text, "the test is over")


def test_the_form_submitted_twice_starts_one_mass_text_with_one_text_each(web, stack, stores):
    manager = new_staff(stack, stores)
    clients = [client_of(stores, manager, name) for name in ("Ana", "Ben", "Cy")]
    web.sign_in(manager.user_id, PASSWORD)
    group_id = group_with(web, "Twice", clients)
    web.get("/mass-texts/new")
    first = web.post("/mass-texts", later_form(group_id))
    second = web.post("/mass-texts", later_form(group_id))
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    mass = written(stores, first.headers["Location"].split("/")[2])
    try:
        for client in clients:
            texts = texts_of(stores, mass, client.client_id)
            assert len(texts) == 1
            assert texts[0].body == f"Hi {client.first_name}, see you"
            assert stores.clients.get(client.client_id).scheduled_count == 1
            trail = stores.audit.trail(f"client#{client.client_id}")
            assert [e.details.get("mass_text") for e in trail if e.action == "schedule"] == [
                mass.mass_id
            ]
    finally:
        cleanup(stores, clients)


def test_a_fan_out_delivered_twice_or_retried_after_dying_midway_writes_each_text_once(
    stack, stores
):
    from chalicelib.domain.mass_texts import scheduled_id_for
    from chalicelib.jobs.mass_fan_out import fan_out_records
    from chalicelib.services.mass_texts import start_mass_text, texts_for
    from tests.clock import real_now

    manager = new_staff(stack, stores)
    clients = [client_of(stores, manager, f"Fan{n}") for n in range(4)]
    mass = start_mass_text(
        manager,
        stores.clients,
        stores.mass_texts,
        [c.client_id for c in clients],
        "Office closed Monday, {first_name}",
        real_now().replace(year=real_now().year + 1),
        "fa" * 16,
    )
    # a first run got as far as the first recipient's text, then died (its Lambda timed
    # out); the stream's own run may race these, as a retry would
    stores.mass_texts.write_texts(mass.mass_id, texts_for(mass, stores.clients, stores.users)[:1])
    record = {"eventName": "INSERT", "dynamodb": {"Keys": {"mass_id": {"S": mass.mass_id}}}}
    fan_out_records([record])  # the retry
    fan_out_records([record])  # and the stream delivering it again
    try:
        for client in clients:
            rows = texts_of(stores, written(stores, mass.mass_id), client.client_id)
            assert [r.scheduled_id for r in rows] == [
                scheduled_id_for(mass.mass_id, client.client_id)
            ]
            assert stores.clients.get(client.client_id).scheduled_count == 1
    finally:
        cleanup(stores, clients)


def test_starting_answers_before_the_recipients_texts_are_written(web, stack, stores):
    """The request writes one item; the texts come from the stream afterwards."""
    from tests.aws_calls import writes

    manager = new_staff(stack, stores)
    clients = [client_of(stores, manager, name) for name in ("Di", "Ed")]
    web.sign_in(manager.user_id, PASSWORD)
    group_id = group_with(web, "One item", clients)
    web.get("/mass-texts/new")
    with writes() as calls:
        started = web.post("/mass-texts", later_form(group_id, "0b" * 16))
    assert started.status_code == 303
    assert calls.count("dynamodb:TransactWriteItems") == 1, calls  # the item + audit row
    assert len(calls) <= 2, calls  # and the session's activity, at most
    written(stores, started.headers["Location"].split("/")[2])
    cleanup(stores, clients)
    assert "Mass text" in page_text(web.get(started.headers["Location"]))


def test_a_fan_out_meeting_conflicts_and_throttling_writes_each_text_once(stack, stores):
    """DynamoDB answers some of the fan-out's transactions with conflicts (retried at
    once); a run throttled past every retry fails, so the stream runs it again."""
    from chalicelib.services.mass_texts import fan_out, start_mass_text, texts_for
    from chalicelib.store.write_failures import WriteNotStored
    from tests.clock import real_now
    from tests.dynamodb_faults import failing_dynamodb

    manager = new_staff(stack, stores)
    clients = [client_of(stores, manager, f"Busy{n}") for n in range(3)]
    mass = start_mass_text(
        manager,
        stores.clients,
        stores.mass_texts,
        [c.client_id for c in clients],
        "Busy day, {first_name}",
        real_now().replace(year=real_now().year + 1),
        "bc" * 16,
    )
    texts = texts_for(mass, stores.clients, stores.users)
    try:
        throttled = failing_dynamodb(reason="ThrottlingError", times=100, on_item=None)
        with throttled, pytest.raises(WriteNotStored):
            stores.mass_texts.write_texts(mass.mass_id, texts)
        with failing_dynamodb(reason="TransactionConflict", times=2, on_item=1) as faults:
            stores.mass_texts.write_texts(mass.mass_id, texts)
        assert faults.failed == 2
        fan_out(stores.mass_texts, stores.clients, stores.users, mass.mass_id)
        for client in clients:
            assert len(texts_of(stores, written(stores, mass.mass_id), client.client_id)) == 1
            assert stores.clients.get(client.client_id).scheduled_count == 1
    finally:
        cleanup(stores, clients)
