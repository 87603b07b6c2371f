"""The open client page learns of a client's answer the moment it arrives: the pushed row
carries the appointments' fingerprint, and the page's appointment list (a live region,
fetched again after that push and on every catch-up) shows Confirmed or Asked to
reschedule."""

from __future__ import annotations

import re

from tests.helpers import new_sid, signed_webhook
from tests.integration.answer_tools import OWNER, reminded
from tests.integration.test_bursts import PROBATION, SMS, OverTheWire
from tests.integration.test_pushed_updates import connect_url
from tests.socket_client import SocketListener


def shown_fingerprint(page: str) -> str:
    found = re.search(r'data-appointments="([0-9a-f]+)"', page)
    assert found, "the client page's appointment list carries its fingerprint"
    return found.group(1)


def test_a_yes_is_pushed_to_the_open_client_page_and_its_list_says_confirmed(
    now, stack, stores, queue, sender, web
):
    client, appt, _ = reminded(stores, queue, sender, now)
    page = web.sign_in(OWNER).get(f"/clients/{client.client_id}").body.decode()
    before = shown_fingerprint(page)
    assert 'badge-none">Not confirmed<' in page
    with SocketListener(connect_url(page, client=client.client_id)) as open_page:
        answered = signed_webhook(
            OverTheWire(stack.app_url),
            SMS,
            {"MessageSid": new_sid(), "From": client.phone, "To": PROBATION, "Body": "Y"},
        )
        assert answered.status_code == 200
        row = open_page.next("client", client_id=client.client_id)
        while row.get("appointments") == before:  # the text's own change may come first
            row = open_page.next("client", client_id=client.client_id)

    listed = web.get(f"/clients/{client.client_id}/appointments/live")
    assert listed.status_code == 200
    fragment = listed.body.decode()
    assert 'badge-confirmed">Confirmed<' in fragment
    assert f'action="/clients/{client.client_id}/appointments/{appt.appointment_id}' in fragment
    assert "<html" not in fragment  # the list alone
    again = web.get(f"/clients/{client.client_id}").body.decode()
    assert shown_fingerprint(again) == row["appointments"]  # a reload agrees with the push


def test_the_list_is_refused_to_a_case_manager_who_may_not_see_the_client(
    now, stores, queue, sender, http
):
    from tests.helpers import WebVisitor

    client, _, _ = reminded(stores, queue, sender, now)
    other = WebVisitor(http).sign_in("kristina")  # another caseload of the department
    refused = other.get(f"/clients/{client.client_id}/appointments/live")
    assert refused.status_code in (403, 404)
    assert client.first_name.encode() not in refused.body
