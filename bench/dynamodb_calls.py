"""DynamoDB round trips per operation, counted through botocore events (issue 16's goals).

Every signed-in request pays 1 round trip for its session: one BatchGetItem reads the
session and the staff record fresh (a deactivated or demoted person is stopped on the next
request), and with them whatever else the request already knows the key of: the client its
URL names, and for a full page the departments' sets of waiting numbers that give the
navigation its count (store/waiting.py). Goals: a send ≤ 3 (session + client, then
"sending" and Twilio's answer, one transaction each); a caseload page (the first 50 of
110 clients) ≤ 3 (session, the page, the person's own unread items, the last two read at
the same time); a live-update poll 2; an inbound text ≤ 3 (≤ 4 for a container's first
text in a minute, which also reads the department's supervisors: a new text is unread for
each of them too); a "Y" answering a reminder ≤ 5 (route; client and the department's
wording in one batch while the client's appointments, then the reminders it changes, are
read; the text, its answer and its reminders in one transaction). Each figure is the
whole HTTP request as the app serves it (webhook or page), not a hand-picked inner
function.

Since issue 21 audit rows are linked into their hash chain after they are written, by
chain-audit from the audit table's stream (bench/audit_chain.py): an audited write costs
no round trip more than the goals above.

"In turn" is how many of those calls a request makes one after another (calls in flight
together count once; harness.calls_in_turn): its latency on DynamoDB is about that many
round trips plus the app's own time. The times printed are wall-clock per request and the
part of it waiting on DynamoDB, here mostly moto's own work (in this process, one request
at a time, so reads made together do not finish sooner, and the 2 shared cores make them
noisy). ``BENCH_DYNAMODB_MS=10`` (say) adds a modelled round trip before each call (see
harness.py). ``BENCH_RUNS`` (default 7) repeats the caseload and client pages (medians;
"in turn" is the most any run made).
"""

from __future__ import annotations

import os
import re
import secrets
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    LATENCY_SECONDS,
    calls_in_turn,
    counting,
    install_counter,
    on_a_stack,
    waiting_in_turn,
    web_client,
)

RUNS = max(1, int(os.environ.get("BENCH_RUNS", "7")))


@dataclass
class Measured:
    calls: Counter = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)  # wall clock, each run
    waited: list[float] = field(default_factory=list)  # on DynamoDB, in turn, each run
    in_turn: list[int] = field(default_factory=list)  # calls made one after another


@contextmanager
def measured() -> Iterator[Measured]:
    """The DynamoDB calls made in the block, its wall-clock time, and how long it waited
    on DynamoDB (calls in flight together counted once)."""
    result = Measured()
    began = time.perf_counter()
    with counting() as calls:
        yield result
        result.waited.append(waiting_in_turn())
        result.in_turn.append(calls_in_turn())
    result.seconds.append(time.perf_counter() - began)
    result.calls.update(calls)


def repeated(request: Callable[[], object]) -> Measured:
    """``request`` RUNS times: the calls of the last, the times of each."""
    result = Measured()
    for _ in range(RUNS):
        with measured() as once:
            request()
        result.calls = once.calls
        result.seconds += once.seconds
        result.waited += once.waited
        result.in_turn += once.in_turn
    return result


def main() -> None:
    install_counter()
    on_a_stack(run, seed=True)


def run(stack) -> None:
    from chalicelib import bootstrap
    from chalicelib.domain.clients import Client
    from chalicelib.domain.unread import Unread
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

        page = visitor.get("/caseload")  # the department's first page makes its count
        listed = page.body.count(b'class="client-name"')
        assert page.status_code == 200 and listed == 50  # the first page of 110
        caseload = repeated(lambda: visitor.get("/caseload"))
        for client in clients[:5]:  # texts the person has not read: pinned on top
            unread = Unread(client.client_id, 1, now())
            stores.unread.put("bench", client.client_id, "probation", unread)
        inbox = repeated(lambda: visitor.get("/caseload?order=unread"))

        params = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "From": michael.phone,
            "To": "+18015550100",
            "Body": "Running late, bus broke down",
            "NumMedia": "0",
        }
        with measured() as first_inbound:
            answer = signed_webhook(http, "/webhooks/twilio/sms", params)
        assert answer.status_code == 200
        params = {**params, "MessageSid": "SM" + secrets.token_hex(16)}
        with measured() as inbound:
            answer = signed_webhook(http, "/webhooks/twilio/sms", params)
        assert answer.status_code == 200

        with measured() as retry:
            signed_webhook(http, "/webhooks/twilio/sms", params)

        body = visitor.get(f"/clients/{michael.client_id}").body.decode()
        draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', body).group(1)
        client_page = repeated(lambda: visitor.get(f"/clients/{michael.client_id}"))
        with measured() as send:
            sent = visitor.post(
                f"/clients/{michael.client_id}/messages",
                {"body": "See you at 3", "draft_id": draft},
            )
        assert sent.status_code == 303, sent.body[:300]

        with measured() as poll:
            visitor.get("/api/activity")

        add_history(stores, michael, 35)  # more than a page: the page offers older texts
        body = visitor.get(f"/clients/{michael.client_id}").body.decode()
        older = re.search(r'data-older-src="([^"]+)"', body).group(1).replace("&amp;", "&")
        with measured() as load_older:
            fragment = visitor.get(older)
        assert fragment.status_code == 200 and b"Bench history 00" in fragment.body

        stranger = "+12065550199"
        signed_webhook(
            http,
            "/webhooks/twilio/sms",
            {**params, "MessageSid": "SM" + secrets.token_hex(16), "From": stranger},
        )
        with measured() as unclaimed_page:
            page = visitor.get(f"/unclaimed/{stranger[1:]}?q=last10")
        assert page.status_code == 200 and page.body.count(b'name="client_id"') == 10
        draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page.body.decode()).group(1)
        with measured() as reply:
            sent = visitor.post(
                f"/unclaimed/{stranger[1:]}/reply", {"body": "Who is this?", "draft_id": draft}
            )
        assert sent.status_code == 303, sent.body[:300]

        reminded = remind(stores, clients[1])
        params = {**params, "MessageSid": "SM" + secrets.token_hex(16), "Body": "Yes!"}
        params["From"] = clients[1].phone
        with measured() as confirm:
            answer = signed_webhook(http, "/webhooks/twilio/sms", params)
        assert b"Thank you" in answer.body, answer.body[:300]
        confirmed = stores.appointments.get(clients[1].client_id, reminded)
        assert confirmed is not None and confirmed.confirmation.value == "confirmed"

    if LATENCY_SECONDS:
        print(f"(each DynamoDB round trip modelled as {LATENCY_SECONDS * 1000:.0f} ms)")
    report("inbound text, first in a minute", first_inbound, 4)
    report("inbound text (webhook, known client)", inbound, 3)
    report("inbound text retried by Twilio", retry, 3)
    session = 1  # BatchGetItem: the session, the staff record and what rides along
    report("send a text (page POST)", send, session + 2)
    report("caseload page, first 50 of 110", caseload, session + 2)
    # unread first: the pinned clients are one more BatchGetItem, after the unread Query
    report("caseload page, unread first", inbox, session + 3)
    report("client page", client_page, session + 4)
    report("live-update poll, nothing changed", poll, session + 1)
    report('"Load older" texts (fragment)', load_older, session + 1)
    report("unclaimed number page, name search", unclaimed_page, session + 3)
    report("reply to an unclaimed number", reply, session + 3)
    report('"Y" after a reminder (webhook)', confirm, 5)


def now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


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


def report(label: str, found: Measured, goal: int) -> None:
    total = sum(found.calls.values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(found.calls.items()))
    verdict = "ok" if total <= goal else "OVER GOAL"
    ms = statistics.median(found.seconds) * 1000
    waited = statistics.median(found.waited) * 1000
    turns = max(found.in_turn)
    print(
        f"{label:<36} {total:>2} round trips, {turns} in turn (goal <= {goal}: {verdict:<9}) "
        f"{ms:6.1f} ms, {waited:5.1f} on DynamoDB  [{detail}]"
    )


if __name__ == "__main__":
    main()
