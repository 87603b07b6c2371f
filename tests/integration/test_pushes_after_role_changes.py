"""Through the real path (webhook, stream, fan-out, local WebSocket API): a page opened
before its person was deactivated or demoted is closed at the next change that would
reach it, and never receives that change; it does not wait for the socket upkeep."""

from __future__ import annotations

import secrets
from dataclasses import replace

from chalicelib.domain.clients import Client
from chalicelib.domain.users import Role
from tests.helpers import WebVisitor, fresh_phone, new_sid, signed_webhook
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_bursts import PROBATION, SMS, OverTheWire
from tests.integration.test_pushed_updates import connect_url
from tests.socket_client import SocketListener

PATIENCE = 30.0  # seconds: a push on a busy machine, never a measure of speed


def client_of(stores, case_manager_id: str) -> Client:
    token = secrets.token_hex(4)
    client = Client(
        f"role-{token}", "probation", case_manager_id, "Role", f"Change {token}", fresh_phone()
    )
    return stores.clients.add(client)


def text_from(stack, client: Client, body: str = "are you there?") -> None:
    answer = signed_webhook(
        OverTheWire(stack.app_url),
        SMS,
        {"MessageSid": new_sid(), "From": client.phone, "To": PROBATION, "Body": body},
    )
    assert answer.status_code == 200


def heard_about(socket: SocketListener, client_id: str) -> list[dict]:
    return [m for m in list(socket.received.queue) if m.get("client_id") == client_id]


def cached_records_grown_old() -> None:
    """A change made outside the app (here the store, as an ops script would) reaches the
    fan-out once its cached staff records are PEOPLE_FOR_SECONDS old: any push to the
    department in the seconds before (another test's late stream record, a page's own
    connection) may have cached the person as they were. This stands for that time having
    passed, rather than sleeping it (seen as a 30 s timeout in a full run)."""
    from chalicelib.services import push

    push._recently_read.clear()


def test_a_deactivated_case_managers_open_pages_are_closed_and_hear_no_text(stack, stores, http):
    person = new_staff(stack, stores)
    client = client_of(stores, person.user_id)
    visitor = WebVisitor(http).sign_in(person.user_id, PASSWORD)
    caseload = visitor.get("/caseload").body.decode()
    conversation = visitor.get(f"/clients/{client.client_id}").body.decode()
    with (
        SocketListener(connect_url(caseload)) as listing,
        SocketListener(connect_url(conversation, client=client.client_id)) as reading,
    ):
        stores.users.save(replace(person, active=False))
        cached_records_grown_old()
        text_from(stack, client, "my new address is 12 Elm St")
        assert listing.next("signed-out", timeout=PATIENCE)["reason"] == "expired"
        assert reading.next("signed-out", timeout=PATIENCE)["reason"] == "expired"
        assert listing.closed.wait(PATIENCE) and reading.closed.wait(PATIENCE)
        assert heard_about(listing, client.client_id) == []
        assert heard_about(reading, client.client_id) == []


def test_a_demoted_supervisors_open_page_stops_hearing_the_department(stack, stores, http):
    """Her page connected as a supervisor's, which hears every client of the department
    (the contrast, a supervisor hearing a case manager's client, is in the unit tests:
    here the person is new, so no fan-out has read her record yet)."""
    supervisor = new_staff(stack, stores, Role.SUPERVISOR)
    client = client_of(stores, "kristina")
    page = WebVisitor(http).sign_in(supervisor.user_id, PASSWORD).get("/caseload").body.decode()
    with SocketListener(connect_url(page)) as listing:
        stores.users.save(replace(supervisor, role=Role.CASE_MANAGER))
        cached_records_grown_old()
        text_from(stack, client, "not for her any more")
        assert listing.next("signed-out", timeout=PATIENCE)["reason"] == "expired"
        assert listing.closed.wait(PATIENCE)
        assert heard_about(listing, client.client_id) == []
