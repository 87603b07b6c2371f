"""DynamoDB round trips per operation, counted through botocore events.

Goals: an inbound text ≤ 3 (≤ 4 for a container's first text in a minute, which also reads
the department's supervisors: a new text is unread for each of them too); a "Y" answering a
reminder ≤ 6 (it also reads the client's
appointments and the department's texts, and writes the answer). Every signed-in request
pays 1 for its session (one BatchGetItem reads the session and the staff record, so a
deactivated or demoted person is stopped on the next request), then a send ≤ 3 more, a
caseload page (the first 50 of 110 clients) 2 more (the page, and the person's own unread
items), a live-update poll 1 more. Every full page also
counts the department's unclaimed numbers for the navigation: 1 Query (Select=COUNT,
at most 100 items read); fragments and polls do not render the navigation. Each figure is the whole
HTTP request as the app serves it (webhook or page), not a hand-picked inner function.
"""

from __future__ import annotations

import re
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import counting, install_counter, start_stack, web_client


def main() -> None:
    install_counter()
    stack = start_stack(seed=True)
    try:
        run(stack)
    finally:
        stack.stop()


def run(stack) -> None:
    from chalicelib import bootstrap
    from chalicelib.domain.clients import Client
    from chalicelib.domain.users import Role, User
    from tests.helpers import WebVisitor, signed_webhook

    stores = bootstrap.stores()
    stores.users.save(User("bench", "Bench Mark", "b@x.invalid", Role.CASE_MANAGER, "probation"))
    import boto3

    from infra.local.seed import DEMO_PASSWORD, create_login

    create_login(
        boto3.client("cognito-idp"),
        stack.resources.user_pool_id,
        "bench",
        "Temporary-pass-1!",
        DEMO_PASSWORD,
    )
    clients = []
    for i in range(110):
        clients.append(
            stores.clients.add(
                Client(
                    secrets.token_hex(10),
                    "probation",
                    "bench",
                    f"First{i}",
                    f"Last{i:03d}",
                    f"+1{('303', '503')[i // 100]}55501{i % 100:02d}",
                )
            )
        )
    michael = clients[0]

    with web_client() as client:
        http = client.http
        visitor = WebVisitor(http).sign_in("bench")

        with counting() as caseload:
            page = visitor.get("/caseload")
        listed = page.body.count(b'class="client-name"')
        assert page.status_code == 200 and listed == 50  # the first page of 110

        params = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "From": michael.phone,
            "To": "+18015550100",
            "Body": "Running late, bus broke down",
            "NumMedia": "0",
        }
        with counting() as first_inbound:
            answer = signed_webhook(http, "/webhooks/twilio/sms", params)
        assert answer.status_code == 200
        params = {**params, "MessageSid": "SM" + secrets.token_hex(16)}
        with counting() as inbound:
            answer = signed_webhook(http, "/webhooks/twilio/sms", params)
        assert answer.status_code == 200

        with counting() as retry:
            signed_webhook(http, "/webhooks/twilio/sms", params)

        body = visitor.get(f"/clients/{michael.client_id}").body.decode()
        draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', body).group(1)
        with counting() as send:
            sent = visitor.post(
                f"/clients/{michael.client_id}/messages",
                {"body": "See you at 3", "draft_id": draft},
            )
        assert sent.status_code == 303, sent.body[:300]

        with counting() as poll:
            visitor.get("/api/activity")

        add_history(stores, michael, 35)  # more than a page: the page offers older texts
        body = visitor.get(f"/clients/{michael.client_id}").body.decode()
        older = re.search(r'data-older-src="([^"]+)"', body).group(1).replace("&amp;", "&")
        with counting() as load_older:
            fragment = visitor.get(older)
        assert fragment.status_code == 200 and b"Bench history 00" in fragment.body

        stranger = "+12065550199"
        signed_webhook(
            http,
            "/webhooks/twilio/sms",
            {**params, "MessageSid": "SM" + secrets.token_hex(16), "From": stranger},
        )
        with counting() as unclaimed_page:
            page = visitor.get(f"/unclaimed/{stranger[1:]}?q=last10")
        assert page.status_code == 200 and page.body.count(b'name="client_id"') == 10
        draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page.body.decode()).group(1)
        with counting() as reply:
            sent = visitor.post(
                f"/unclaimed/{stranger[1:]}/reply", {"body": "Who is this?", "draft_id": draft}
            )
        assert sent.status_code == 303, sent.body[:300]

        reminded = remind(stores, clients[1])
        params = {**params, "MessageSid": "SM" + secrets.token_hex(16), "Body": "Yes!"}
        params["From"] = clients[1].phone
        with counting() as confirm:
            answer = signed_webhook(http, "/webhooks/twilio/sms", params)
        assert b"Thank you" in answer.body, answer.body[:300]
        confirmed = stores.appointments.get(clients[1].client_id, reminded)
        assert confirmed is not None and confirmed.confirmation.value == "confirmed"

    report("inbound text, first in a minute", first_inbound, 4)
    report("inbound text (webhook, known client)", inbound, 3)
    report("inbound text retried by Twilio", retry, 3)
    session = 1  # BatchGetItem: the session and the staff record, read fresh
    report("send a text (page POST)", send, session + 3)
    nav = 1  # the navigation's count of unclaimed numbers (Query, Select=COUNT)
    unread = 1  # the person's own unread items (Query), for badges and the unread pin
    report("caseload page, first 50 of 110", caseload, session + 1 + nav + unread)
    report("live-update poll, nothing changed", poll, session + 1)
    report('"Load older" texts (fragment)', load_older, session + 2)
    report("unclaimed number page, name search", unclaimed_page, session + 3 + nav)
    report("reply to an unclaimed number", reply, session + 3)
    report('"Y" after a reminder (webhook)', confirm, 6)


def add_history(stores, client, count: int) -> None:
    """Older texts, a minute apart, ending a day ago (set up, not measured)."""
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind

    start = datetime.now(UTC) - timedelta(days=1, minutes=count)
    for i in range(count):
        stores.conversations.add(
            ConversationEntry(
                client.client_id,
                secrets.token_hex(16),
                start + timedelta(minutes=i),
                EntryKind.TEXT,
                body=f"Bench history {i:02d}",
                direction=Direction.INBOUND,
                phone=client.phone,
            )
        )


def remind(stores, client) -> str:
    """An appointment in 3 days whose first reminder has gone (set up, not measured)."""
    from datetime import UTC, datetime, timedelta

    from chalicelib.config import get_jurisdiction
    from chalicelib.domain.appointments import Appointment, Kind
    from chalicelib.services.appointments import create, department_texts
    from chalicelib.store.models import AppointmentModel

    now = datetime.now(UTC)
    appointment = Appointment(
        client.client_id,
        secrets.token_hex(12),
        client.department_id,
        client.case_manager_id,
        Kind.COURT,
        now + timedelta(days=3),
    )
    texts = department_texts(stores.department_texts, get_jurisdiction(), client.department_id)
    create(stores.appointments, client, appointment, texts, "bench", now)
    AppointmentModel(client.client_id, appointment.appointment_id).update(
        actions=[AppointmentModel.reminded_at.set(now)]
    )
    return appointment.appointment_id


def report(label: str, calls, goal: int) -> None:
    total = sum(calls.values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
    verdict = "ok" if total <= goal else "OVER GOAL"
    print(f"{label:<40} {total:>2} round trips (goal <= {goal}: {verdict})  [{detail}]")


if __name__ == "__main__":
    main()
