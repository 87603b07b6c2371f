"""Kristina sends Michael a photo or a PDF: the compose box's upload form, the checks a
send makes of the upload it names, and the MediaUrl Twilio is given (issue 22, part 3)."""

from __future__ import annotations

import io
import re
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.helpers import fresh_phone

# reads the clock only to stamp texts: one instant is enough (tests/clock.py)
pytestmark = pytest.mark.any_hour


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def new_client(stores, case_manager: str = "kristina"):
    from chalicelib.domain.clients import Client

    name = "Photo" + secrets.token_hex(3)
    return stores.clients.add(
        Client(secrets.token_hex(10), "probation", case_manager, name, "Sender", fresh_phone())
    )


def ask_upload(visitor, client_id: str, content_type: str = "image/png", size: int = 100):
    visitor.get("/caseload")  # a page with the form token
    return visitor.post(
        f"/clients/{client_id}/uploads", {"content_type": content_type, "size": str(size)}
    )


def uploaded(visitor, client_id: str, body: bytes, content_type: str = "image/png") -> str:
    """The key of a file posted to the bucket as the compose box posts it."""
    answer = ask_upload(visitor, client_id, content_type, len(body))
    assert answer.status_code == 200, answer.body[:300]
    form = answer.json_body
    stored = requests.post(
        form["url"], data=form["fields"], files={"file": ("x", body, content_type)}, timeout=10
    )
    assert stored.status_code in (200, 201, 204), stored.text[:300]
    return form["key"]


def draft_of(visitor, client_id: str) -> str:
    page = visitor.get(f"/clients/{client_id}").body.decode()
    return re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)


def media_given_to_twilio(stack, sid: str) -> tuple[str, ...]:
    return stack.twilio.media_urls(sid)  # what create was given


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


def test_the_upload_form_is_for_one_key_under_the_clients_own_uploads(kristina, stores):
    client = new_client(stores)
    answer = ask_upload(kristina, client.client_id, "image/jpeg", 2048)
    assert answer.status_code == 200
    form = answer.json_body
    assert re.fullmatch(rf"media/{client.client_id}/uploads/[0-9a-f]{{32}}\.jpg", form["key"])
    assert form["fields"]["key"] == form["key"]
    assert form["fields"]["Content-Type"] == "image/jpeg"
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("content_type", "size", "says"),
    [
        ("image/heic", 100, "Only a photo (JPEG, PNG or GIF) or a PDF"),
        ("text/html", 100, "Only a photo (JPEG, PNG or GIF) or a PDF"),
        ("image/png", 5 * 1024 * 1024 + 1, "larger than 5 MB"),
    ],
)
def test_the_upload_form_refuses_a_type_or_size_that_cannot_be_sent(
    kristina, stores, content_type, size, says
):
    client = new_client(stores)
    answer = ask_upload(kristina, client.client_id, content_type, size)
    assert answer.status_code == 400
    assert says in answer.json_body["error"]


def test_the_upload_form_is_refused_for_a_client_of_another_caseload(kristina, stores):
    someone_elses = new_client(stores, case_manager="marcus")
    answer = ask_upload(kristina, someone_elses.client_id)
    assert answer.status_code == 403
    assert b"media/" not in answer.body


def test_a_photo_reaches_twilio_as_a_media_url_that_fetches_its_bytes(kristina, stack, stores):
    client = new_client(stores)
    photo = png_bytes()
    key = uploaded(kristina, client.client_id, photo)
    sent = kristina.post(
        f"/clients/{client.client_id}/messages",
        {
            "body": "Here is the letter",
            "draft_id": draft_of(kristina, client.client_id),
            "attachment_key": key,
            "attachment_name": "C:\\fakepath\\court <letter>.png",
        },
    )
    assert sent.status_code == 303, sent.body[:400]
    (message,) = stack.twilio.messages(to=client.phone)
    (url,) = media_given_to_twilio(stack, message["sid"])
    assert key in urlsplit(url).path
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["3600"]
    assert requests.get(url, timeout=10).content == photo
    entry = stores.conversations.newest(client.client_id)[0][0]
    (item,) = entry.media
    assert (item.state.value, item.key, item.content_type) == ("stored", key, "image/png")
    assert item.name == "court letter.png" and item.size == len(photo)


def test_a_photo_alone_is_sent_without_words(kristina, stack, stores):
    client = new_client(stores)
    key = uploaded(kristina, client.client_id, png_bytes())
    sent = kristina.post(
        f"/clients/{client.client_id}/messages",
        {"body": "", "draft_id": draft_of(kristina, client.client_id), "attachment_key": key},
    )
    assert sent.status_code == 303, sent.body[:400]
    (message,) = stack.twilio.messages(to=client.phone)
    assert message["body"] == "" and message["num_media"] == "1"


def test_a_key_of_another_clients_upload_is_refused_and_nothing_is_sent(kristina, stack, stores):
    from tests.aws_calls import writes

    mine, theirs = new_client(stores), new_client(stores)
    their_key = uploaded(kristina, theirs.client_id, png_bytes())
    draft = draft_of(kristina, mine.client_id)
    with writes() as calls:
        refused = kristina.post(
            f"/clients/{mine.client_id}/messages",
            {"body": "Look at this", "draft_id": draft, "attachment_key": their_key},
        )
    assert refused.status_code == 400
    assert "did not finish uploading" in refused.body.decode()
    assert stack.twilio.messages(to=mine.phone) == []
    assert not [c for c in calls if "TransactWrite" in c or "PutItem" in c], calls


def test_a_key_naming_no_uploaded_file_is_refused(kristina, stack, stores):
    client = new_client(stores)
    missing = f"media/{client.client_id}/uploads/{secrets.token_hex(16)}.png"
    refused = kristina.post(
        f"/clients/{client.client_id}/messages",
        {"body": "Hi", "draft_id": draft_of(kristina, client.client_id), "attachment_key": missing},
    )
    assert refused.status_code == 400
    assert stack.twilio.messages(to=client.phone) == []


def test_an_upload_of_a_type_that_cannot_be_sent_is_refused_at_send(kristina, stack, stores):
    """moto does not enforce the POST policy's type: the send asks the bucket what is there."""
    from chalicelib import bootstrap

    client = new_client(stores)
    key = f"media/{client.client_id}/uploads/{secrets.token_hex(16)}.png"
    bootstrap.media_bucket().put(key, b"<html>not a photo</html>", "text/html")
    refused = kristina.post(
        f"/clients/{client.client_id}/messages",
        {"body": "Hi", "draft_id": draft_of(kristina, client.client_id), "attachment_key": key},
    )
    assert refused.status_code == 400
    assert "Only a photo" in refused.body.decode()
    assert stack.twilio.messages(to=client.phone) == []


def test_a_double_submit_with_a_photo_sends_once(kristina, stack, stores):
    client = new_client(stores)
    key = uploaded(kristina, client.client_id, png_bytes())
    draft = draft_of(kristina, client.client_id)
    token = re.search(r'name="csrf_token" value="([^"]+)"', kristina.last_page).group(1)
    form = {"body": "Once", "draft_id": draft, "attachment_key": key}
    answers = [
        kristina.post(f"/clients/{client.client_id}/messages", form, csrf=token).status_code
        for _ in range(3)
    ]
    assert answers[0] == 303
    assert len(stack.twilio.messages(to=client.phone)) == 1
    (entry,) = stores.conversations.newest(client.client_id)[0]
    assert [m.key for m in entry.media] == [key]


def test_the_same_form_with_another_photo_is_refused(kristina, stack, stores):
    client = new_client(stores)
    first = uploaded(kristina, client.client_id, png_bytes())
    second = uploaded(kristina, client.client_id, png_bytes())
    draft = draft_of(kristina, client.client_id)
    token = re.search(r'name="csrf_token" value="([^"]+)"', kristina.last_page).group(1)
    path = f"/clients/{client.client_id}/messages"
    kristina.post(path, {"body": "Same", "draft_id": draft, "attachment_key": first}, csrf=token)
    again = kristina.post(
        path, {"body": "Same", "draft_id": draft, "attachment_key": second}, csrf=token
    )
    assert again.status_code == 409
    assert len(stack.twilio.messages(to=client.phone)) == 1
