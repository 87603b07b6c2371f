"""Kristina schedules texts from Michael's page: add, see pending, edit, cancel, and every
refusal said next to its field with what she typed kept."""

from __future__ import annotations

import html
import re
import secrets
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.helpers import WebVisitor, caseload_row, fresh_phone, page_text

PROBATION = "+18015550100"
MADE: list[str] = []  # clients made by the running test


@pytest.fixture(autouse=True)
def nothing_left_waiting(stores):
    """A text left waiting would be due for the next test that runs the sweep (the stack is
    shared): each test's texts are finished when it ends."""
    MADE.clear()
    yield
    for client_id in MADE:
        for text in stores.scheduled.pending_for_client(client_id):
            stores.scheduled.fail(text, "the test is over")


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


@pytest.fixture(scope="module")
def zone():
    from chalicelib.config import get_jurisdiction

    return get_jurisdiction().zone


def add_client(visitor, first="Sam", last="Schedule", phone=None) -> str:
    visitor.get("/clients/new")
    made = visitor.post(
        "/clients", {"first_name": first, "last_name": last, "phone": phone or fresh_phone()}
    )
    assert made.status_code == 303, made.body[:400]
    client_id = made.headers["Location"].split("/")[2].split("?")[0]
    MADE.append(client_id)
    visitor.get(f"/clients/{client_id}")
    return client_id


def local_day(now: datetime, zone, days: int) -> str:
    return (now.astimezone(zone).date() + timedelta(days=days)).isoformat()


def schedule(visitor, client_id, body, send_date, send_time="09:00", **extra):
    visitor.get(f"/clients/{client_id}")
    form = {"body": body, "send_date": send_date, "send_time": send_time, **extra}
    return visitor.post(f"/clients/{client_id}/scheduled", form)


def scheduled_ids(page: str, client_id: str) -> list[str]:
    """The texts the page offers to edit, in the order listed."""
    return re.findall(rf"/clients/{client_id}/scheduled/([0-9a-f]+)/edit", page)


def typed_in(page: str, field_id: str) -> str:
    found = re.search(rf'<textarea id="{field_id}"[^>]*>([^<]*)</textarea>', page)
    assert found, f"no textarea #{field_id}"
    return html.unescape(found.group(1))


def a_time_the_clocks_skip(now: datetime, zone) -> tuple[str, str] | None:
    """The next local 2:30 that does not exist (clocks going forward), within the year."""
    today = now.astimezone(zone).date()
    for n in range(2, 365):
        day = today + timedelta(days=n)
        wall = datetime.combine(day, time(2, 30))
        there = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
        if there.replace(tzinfo=None) != wall:
            return day.isoformat(), "02:30"
    return None


def test_a_quick_pick_schedules_the_text_and_lists_it_as_pending(now, kristina, stores, zone):
    client_id = add_client(kristina, "Michael", "Picked")
    page = kristina.get(f"/clients/{client_id}").body.decode()
    pick = re.search(r'name="pick" value="([^"]+)"[^>]*>Tomorrow 9:00', page).group(1)
    response = kristina.post(
        f"/clients/{client_id}/scheduled",
        {
            "body": "Court is Tuesday at 9. <b>Bring ID</b>",
            "send_date": "",
            "send_time": "",
            "pick": pick,
        },
    )
    assert response.status_code == 303
    assert "scheduled=added" in response.headers["Location"]
    page = kristina.get(response.headers["Location"].split("#")[0]).body.decode()
    assert "Court is Tuesday at 9. &lt;b&gt;Bring ID&lt;/b&gt;" in page
    text = page_text(kristina.get(f"/clients/{client_id}"))
    assert "Scheduled to send (1)" in text and "Text scheduled." not in text
    assert "by Kristina Alvarez" in text and "Cancel text" in text
    [pending] = stores.scheduled.pending_for_client(client_id)
    local = pending.send_at.astimezone(zone)
    assert (local.date().isoformat(), local.strftime("%H:%M")) == (local_day(now, zone, 1), "09:00")
    assert scheduled_ids(page, client_id) == [pending.scheduled_id]


def test_a_typed_date_and_time_mean_the_jurisdictions_clock(now, kristina, stores, zone):
    client_id = add_client(kristina)
    day = local_day(now, zone, 3)
    assert schedule(kristina, client_id, "Class moved", day, "14:30").status_code == 303
    [pending] = stores.scheduled.pending_for_client(client_id)
    assert pending.send_at.tzinfo is not None
    assert pending.send_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") == f"{day} 14:30"
    assert "2:30 PM" in page_text(kristina.get(f"/clients/{client_id}"))


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_the_live_refresh_lists_pending_texts_too(now, kristina, zone):
    client_id = add_client(kristina)
    schedule(kristina, client_id, "Seen live", local_day(now, zone, 2))
    live = kristina.get(f"/clients/{client_id}/live", headers={"X-ClientComm-Background": "1"})
    assert live.status_code == 200 and "Seen live" in page_text(live)


def test_editing_changes_the_text_and_the_time(now, kristina, stores, zone):
    client_id = add_client(kristina)
    schedule(kristina, client_id, "Old wording", local_day(now, zone, 2), "10:15")
    [sid] = scheduled_ids(kristina.get(f"/clients/{client_id}").body.decode(), client_id)
    form = kristina.get(f"/clients/{client_id}/scheduled/{sid}/edit").body.decode()
    assert typed_in(form, "schedule-body") == "Old wording"
    assert f'value="{local_day(now, zone, 2)}"' in form and 'value="10:15"' in form
    assert 'name="version" value="1"' in form
    response = kristina.post(
        f"/clients/{client_id}/scheduled/{sid}",
        {
            "body": "New wording",
            "send_date": local_day(now, zone, 4),
            "send_time": "08:45",
            "version": "1",
        },
    )
    assert response.status_code == 303 and "scheduled=changed" in response.headers["Location"]
    text = stores.scheduled.get(client_id, sid)
    assert (text.body, text.version) == ("New wording", 2)
    assert text.send_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") == (
        f"{local_day(now, zone, 4)} 08:45"
    )
    page = page_text(kristina.get(f"/clients/{client_id}?scheduled=changed"))
    assert "New wording" in page and "Old wording" not in page
    assert "Scheduled text changed." in page


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_cancelling_takes_it_off_the_list_and_the_caseload_count(now, kristina, stores, zone):
    client_id = add_client(kristina, "Casey", "Counted")
    assert "scheduled" not in caseload_row(kristina, client_id)
    schedule(kristina, client_id, "First reminder", local_day(now, zone, 2))
    schedule(kristina, client_id, "Second reminder", local_day(now, zone, 3))
    assert "2 scheduled" in caseload_row(kristina, client_id)
    first, second = scheduled_ids(kristina.get(f"/clients/{client_id}").body.decode(), client_id)
    response = kristina.post(f"/clients/{client_id}/scheduled/{first}/cancel", {"version": "1"})
    assert response.status_code == 303 and "scheduled=cancelled" in response.headers["Location"]
    assert stores.scheduled.get(client_id, first).state.value == "cancelled"
    page = page_text(kristina.get(f"/clients/{client_id}?scheduled=cancelled"))
    assert "First reminder" not in page and "Second reminder" in page
    assert "Scheduled text cancelled" in page
    assert "1 scheduled" in caseload_row(kristina, client_id)
    kristina.get(f"/clients/{client_id}")
    kristina.post(f"/clients/{client_id}/scheduled/{second}/cancel", {"version": "1"})
    assert "scheduled" not in caseload_row(kristina, client_id)
    assert stores.clients.get(client_id).scheduled_count == 0


REFUSALS = {
    "a time already past": (-1, "09:00", "send_time", "That time has already passed"),
    "more than a year ahead": (400, "09:00", "send_date", "at most a year ahead"),
    "no date": (None, "09:00", "send_date", "Choose a date."),
    "no time": (2, "", "send_time", "Choose a time."),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refused_time_is_explained_next_to_its_field_and_the_text_kept(
    now, case, kristina, stores, zone
):
    days, at, field, message = REFUSALS[case]
    client_id = add_client(kristina)
    day = "" if days is None else local_day(now, zone, days)
    response = schedule(kristina, client_id, "Keep this wording", day, at)
    assert response.status_code == 400
    page = response.body.decode()
    error = re.search(rf'id="schedule-{field}-error">([^<]*)<', page)
    assert error and message in error.group(1)
    assert typed_in(page, "schedule-body") == "Keep this wording"
    assert f'value="{day}"' in page  # the date as typed, too
    assert stores.scheduled.pending_for_client(client_id) == []
    assert stores.clients.get(client_id).scheduled_count == 0


def test_a_time_the_clocks_skip_is_refused_with_the_reason(now, kristina, stores, zone):
    skipped = a_time_the_clocks_skip(now, zone)
    if skipped is None:
        pytest.skip("this jurisdiction's clock never skips an hour")
    client_id = add_client(kristina)
    response = schedule(kristina, client_id, "At half past two", *skipped)
    assert response.status_code == 400
    error = re.search(r'id="schedule-send_time-error">([^<]*)<', response.body.decode())
    assert error and "the clocks skip it" in error.group(1)
    assert typed_in(response.body.decode(), "schedule-body") == "At half past two"
    assert stores.scheduled.pending_for_client(client_id) == []


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_an_empty_text_is_refused_next_to_the_text_box(now, kristina, zone):
    client_id = add_client(kristina)
    response = schedule(kristina, client_id, "   ", local_day(now, zone, 2))
    assert response.status_code == 400
    error = re.search(r'id="schedule-body-error">([^<]*)<', response.body.decode())
    assert error and "Write a message first" in error.group(1)


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_a_client_who_opted_out_cannot_be_scheduled_for(now, kristina, stack, stores, zone):
    phone = fresh_phone()
    client_id = add_client(kristina, "Opal", "Stopped", phone)
    stack.twilio.send_inbound(from_=phone, to=PROBATION, body="STOP")
    response = schedule(kristina, client_id, "Are you coming?", local_day(now, zone, 2))
    assert response.status_code == 400
    page = response.body.decode()
    error = re.search(r'id="schedule-body-error">([^<]*)<', page)
    assert error and "texted STOP, so nothing can be sent" in error.group(1)
    assert typed_in(page, "schedule-body") == "Are you coming?"
    assert stores.scheduled.pending_for_client(client_id) == []


def claimed_by_a_sender(stores, client_id: str, scheduled_id: str):
    """What the sender's claim does when the text's time has come."""
    text = stores.scheduled.get(client_id, scheduled_id)
    assert stores.scheduled.claim(text, None)
    return stores.scheduled.get(client_id, scheduled_id)


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_once_a_sender_has_it_it_shows_sending_now_and_changes_are_too_late(
    now, kristina, stores, zone
):
    client_id = add_client(kristina)
    schedule(kristina, client_id, "Almost gone", local_day(now, zone, 1))
    [sid] = scheduled_ids(kristina.get(f"/clients/{client_id}").body.decode(), client_id)
    kristina.get(f"/clients/{client_id}/scheduled/{sid}/edit")  # opened before the claim
    claimed_by_a_sender(stores, client_id, sid)

    edited = kristina.post(
        f"/clients/{client_id}/scheduled/{sid}",
        {
            "body": "Changed my mind",
            "send_date": local_day(now, zone, 2),
            "send_time": "09:00",
            "version": "1",
        },
    )
    assert edited.status_code == 409
    assert "Too late: this text is already being sent" in page_text(edited)
    assert typed_in(edited.body.decode(), "typed") == "Changed my mind"  # nothing lost

    page = kristina.get(f"/clients/{client_id}").body.decode()
    assert "sending now" in page and scheduled_ids(page, client_id) == []
    assert f"/scheduled/{sid}/cancel" not in page
    cancelled = kristina.post(f"/clients/{client_id}/scheduled/{sid}/cancel", {"version": "1"})
    assert cancelled.status_code == 409
    assert "Too late: this text is already being sent" in page_text(cancelled)
    assert stores.scheduled.get(client_id, sid).state.value == "sending"

    opened = page_text(kristina.get(f"/clients/{client_id}/scheduled/{sid}/edit"))
    assert "Sending now" in opened and "Save changes" not in opened


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_an_edit_after_someone_elses_change_keeps_the_typing_and_shows_theirs(
    now, kristina, http, stores, zone
):
    client_id = add_client(kristina)
    schedule(kristina, client_id, "Original", local_day(now, zone, 2))
    [sid] = scheduled_ids(kristina.get(f"/clients/{client_id}").body.decode(), client_id)
    kristina.get(f"/clients/{client_id}/scheduled/{sid}/edit")
    kristina_csrf = re.search(r'name="csrf_token" value="([^"]+)"', kristina.last_page).group(1)

    dana = WebVisitor(http).sign_in("dana")
    dana.get(f"/clients/{client_id}/scheduled/{sid}/edit")
    theirs = {"body": "Dana's wording", "send_date": local_day(now, zone, 2), "send_time": "09:00"}
    assert (
        dana.post(f"/clients/{client_id}/scheduled/{sid}", {**theirs, "version": "1"}).status_code
        == 303
    )

    mine = {
        "body": "Kristina's wording",
        "send_date": local_day(now, zone, 3),
        "send_time": "11:00",
    }
    refused = kristina.post(
        f"/clients/{client_id}/scheduled/{sid}", {**mine, "version": "1"}, csrf=kristina_csrf
    )
    assert refused.status_code == 409
    page = refused.body.decode()
    assert "Someone changed this scheduled text after you opened it" in page_text(refused)
    assert typed_in(page, "schedule-body") == "Kristina's wording"
    assert 'value="11:00"' in page
    assert "Dana&#39;s wording" in page and 'name="version" value="2"' in page
    saved = kristina.post(f"/clients/{client_id}/scheduled/{sid}", {**mine, "version": "2"})
    assert saved.status_code == 303
    assert stores.scheduled.get(client_id, sid).body == "Kristina's wording"


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_a_cancel_from_a_stale_page_is_refused_and_the_text_kept(now, kristina, stores, zone):
    client_id = add_client(kristina)
    schedule(kristina, client_id, "Still wanted", local_day(now, zone, 2))
    [sid] = scheduled_ids(kristina.get(f"/clients/{client_id}").body.decode(), client_id)
    kristina.post(
        f"/clients/{client_id}/scheduled/{sid}",
        {
            "body": "Still wanted!",
            "send_date": local_day(now, zone, 2),
            "send_time": "09:30",
            "version": "1",
        },
    )
    kristina.get(f"/clients/{client_id}")
    refused = kristina.post(f"/clients/{client_id}/scheduled/{sid}/cancel", {"version": "1"})
    assert refused.status_code == 409
    assert "Someone changed this scheduled text" in page_text(refused)
    assert 'id="schedule-notice"' in refused.body.decode()
    assert stores.scheduled.get(client_id, sid).state.value == "scheduled"


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_a_text_no_longer_waiting_has_no_edit_page(now, kristina, zone):
    client_id = add_client(kristina)
    schedule(kristina, client_id, "Short lived", local_day(now, zone, 2))
    [sid] = scheduled_ids(kristina.get(f"/clients/{client_id}").body.decode(), client_id)
    kristina.post(f"/clients/{client_id}/scheduled/{sid}/cancel", {"version": "1"})
    gone = kristina.get(f"/clients/{client_id}/scheduled/{sid}/edit")
    assert gone.status_code == 404 and "no longer waiting" in page_text(gone)
    kristina.get(f"/clients/{client_id}")
    again = kristina.post(
        f"/clients/{client_id}/scheduled/{sid}",
        {
            "body": "Revived?",
            "send_date": local_day(now, zone, 2),
            "send_time": "09:00",
            "version": "1",
        },
    )
    assert again.status_code == 409 and "already cancelled" in page_text(again)


@pytest.mark.any_hour  # days ahead or a refusal: the hour cannot matter
def test_supervisors_see_the_departments_pending_texts_soonest_first(now, kristina, http, zone):
    later = add_client(kristina, "Lena", "Later")
    sooner = add_client(kristina, "Sonny", "Sooner")
    tag = secrets.token_hex(4)
    schedule(kristina, later, f"Later one {tag}", local_day(now, zone, 300), "23:58")
    schedule(kristina, sooner, f"Sooner one {tag}", local_day(now, zone, 300), "23:57")

    dana = WebVisitor(http).sign_in("dana")
    assert 'href="/scheduled"' in dana.get("/caseload").body.decode()
    listed = dana.get("/scheduled")
    assert listed.status_code == 200
    text = page_text(listed)
    assert text.index(f"Sooner one {tag}") < text.index(f"Later one {tag}")
    assert "Sooner, Sonny" in text and "Case manager: Kristina Alvarez" in text
    assert f'href="/clients/{sooner}#scheduled"' in listed.body.decode()

    assert 'href="/scheduled"' not in kristina.get("/caseload").body.decode()
    refused = kristina.get("/scheduled")
    assert refused.status_code == 403 and "Only a supervisor" in page_text(refused)


def test_a_sent_scheduled_text_joins_the_conversation_marked_late(
    now, kristina, stack, stores, zone
):
    """The sender runs in-process here, as its Lambda would, on this one text."""
    import boto3

    from chalicelib import bootstrap
    from chalicelib.adapters.queue import MessageQueue
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.sending import Pacer, Sender, SendOrder, send_order

    client_id = add_client(kristina, "Lou", "Late")
    schedule(kristina, client_id, "Reminder: class at 6", local_day(now, zone, 1), "09:00")
    [text] = stores.scheduled.pending_for_client(client_id)
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"test-pages-{secrets.token_hex(4)}")["QueueUrl"]
    sender = Sender(
        clients=stores.clients,
        scheduled=stores.scheduled,
        outbound=stores.outbound,
        gateway=bootstrap.twilio(),
        jurisdiction=get_jurisdiction(),
        queue=MessageQueue(sqs, url),
        status_callback_base=stack.app_url + "/webhooks/twilio/status",
        pacer=Pacer(sleep=lambda _: None),
    )
    outcome = send_order(SendOrder.of(text), sender, text.send_at + timedelta(minutes=20))
    assert outcome == "sent"
    page = page_text(kristina.get(f"/clients/{client_id}"))
    assert "Reminder: class at 6" in page and "Scheduled to send" not in page
    assert "scheduled, sent 20 min late" in page
    assert "scheduled" not in caseload_row(kristina, client_id)


def test_the_first_day_a_date_may_be_is_today_in_the_jurisdiction(now, kristina, zone):
    client_id = add_client(kristina)
    page = kristina.get(f"/clients/{client_id}").body.decode()
    today = now.astimezone(zone).date()
    assert f'min="{today.isoformat()}"' in page
    assert date.fromisoformat(re.search(r'max="([0-9-]+)"', page).group(1)) > today
