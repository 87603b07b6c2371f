"""When a client cannot be texted, the page says why once, with the controls disabled,
and the send is refused with the same words."""

from __future__ import annotations

import re

from infra.local.fake_twilio import LANDLINE_NUMBER
from tests.helpers import fresh_phone, page_text
from tests.integration.test_texting import PROBATION, add_client, send


def alerts(page: str) -> list[str]:
    return re.findall(r'<div class="alert alert-error" role="(?:alert|status)"', page)


def test_an_opted_out_client_page_disables_sending_and_says_why_once(web, stack):
    kristina = web.sign_in("kristina")
    phone = fresh_phone()
    client_id = add_client(kristina, "Off", "Switch", phone)
    stack.twilio.send_inbound(from_=phone, to=PROBATION, body="STOP")

    page = kristina.get(f"/clients/{client_id}").body.decode()
    assert re.search(r'<textarea id="body"[^>]* disabled', page)
    assert re.search(r'<button type="submit" class="button" disabled[^>]*>Send text', page)
    assert "Sending is off." in page_text_of(page) and "texted STOP" in page_text_of(page)
    assert len(alerts(page)) == 1

    refused = send(kristina, client_id, "Hello?")  # a page opened before the STOP
    assert refused.status_code == 409
    shown = refused.body.decode()
    assert len(alerts(shown)) == 1 and 'id="send-error"' in shown  # replaced, not stacked
    assert page_text_of(shown).count("nothing can be sent until they text START") == 1


def test_a_landline_turns_sending_off_until_the_number_is_changed(web, stack, stores):
    # Tom's own client on the landline (Pretrial): the demo's Probation one stays as it is
    kristina = web.sign_in("tom")
    lena = stores.clients.get(add_client(kristina, "Land", "Line", LANDLINE_NUMBER))
    send(kristina, lena.client_id, "Testing")
    stack.twilio.wait_for_callbacks()
    page = page_text(kristina.get(f"/clients/{lena.client_id}"))
    assert "Sending is off." in page and "landline" in page
    assert "Delivery problem:" not in page  # said once, in the send form
    sent_before = len(stack.twilio.messages(to=LANDLINE_NUMBER))  # other tests use it too
    refused = send(kristina, lena.client_id, "Again?")
    assert refused.status_code == 409
    assert len(stack.twilio.messages(to=LANDLINE_NUMBER)) == sent_before

    client = stores.clients.get(lena.client_id)
    kristina.get(f"/clients/{lena.client_id}/edit")
    moved = kristina.post(
        f"/clients/{lena.client_id}",
        {
            "first_name": client.first_name,
            "last_name": client.last_name,
            "phone": fresh_phone(),
            "language": client.language,
            "version": str(client.version),
        },
    )
    assert moved.status_code == 303
    assert stores.clients.get(lena.client_id).delivery_problem == ""
    assert "Sending is off." not in page_text(kristina.get(f"/clients/{lena.client_id}"))


def page_text_of(raw: str) -> str:
    import html

    return html.unescape(raw)
