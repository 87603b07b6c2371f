"""A Spanish-speaking client whose texts turn negative is flagged on the caseload."""

from __future__ import annotations

from tests.helpers import fresh_phone, page_text

PROBATION = "+18015550100"


def test_three_negative_spanish_texts_flag_the_client_as_turning_negative(web, stack, stores):
    kristina = web.sign_in("kristina")
    phone = fresh_phone()
    kristina.get("/clients/new")
    made = kristina.post(
        "/clients",
        {"first_name": "Lucía", "last_name": "Tono", "phone": phone, "language": "es"},
    )
    client_id = made.headers["Location"].split("/")[2].split("?")[0]
    for body in [
        "Estoy muy triste, ya no aguanto más",
        "Me siento deprimida, todo está mal",
        "Odio esta situación, es horrible",
    ]:
        assert stack.twilio.send_inbound(from_=phone, to=PROBATION, body=body).status_code == 200

    client = stores.clients.get(client_id)
    assert len(client.recent_sentiment) == 3 and max(client.recent_sentiment) < -0.3
    row = page_text(kristina.get("/caseload?q=Tono"))
    assert "Turning negative" in row
    assert "Tone: negative" in page_text(kristina.get(f"/clients/{client_id}"))
