"""Photos both ways through the whole local stack in one browser (issue 22, "checked by"):
the client's phone (the fake Twilio's simulator page) sends a picture, which appears on
Kristina's open conversation at 375 px by push; she sends a photo back from the compose
box, and the phone's thread shows it. Nothing here is stubbed: the fake posts the signed
MMS, the copy-media worker fetches it through the fake's basic auth and redirect into
moto's bucket, and the fake fetches the photo she sent from its presigned MediaUrl."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.signing_in import caught_up, signed_in_page
from tests.browser.test_live_in_a_browser import REGION_REFETCH
from tests.browser.test_photos_in_a_browser import new_client
from tests.media_copy_worker import copy_worker as running_copy_worker

pytestmark = pytest.mark.browser
PROBATION = "+18015550100"
LONG = 60_000  # a copy waits on a queue and a long-poll; generous on a busy machine
THUMBNAIL_LOADED = """() => {
  const img = document.querySelector("img.media-thumb");
  return img !== null && img.complete && img.naturalWidth > 0;
}"""
PICTURE_RECEIVED = """() => {
  const img = document.querySelector('img[alt="Picture 1"]');
  return img !== null && img.complete && img.naturalWidth > 0;
}"""


@pytest.fixture(scope="module", autouse=True)
def copy_worker(stack):
    with running_copy_worker(stack) as source:
        yield source


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def open_simulator(page: Page, simulator_url: str, phone: str) -> None:
    """The simulator, playing ``phone``, texting the probation number."""
    page.goto(f"{simulator_url}/simulator")
    page.get_by_label("This phone's number").fill(phone)
    page.get_by_role("button", name="Use number").click()
    expect(page.get_by_text("No texts yet between this phone")).to_be_visible()
    page.get_by_label("Department number to text").select_option(PROBATION)


def test_a_photo_from_the_phone_appears_by_push_and_a_photo_sent_back_reaches_the_phone(
    browser, base_url, stack, stores, check_a11y, contexts
):
    client = new_client(stores)
    kristina = signed_in_page(browser, base_url, "kristina", contexts, 375)
    kristina.goto(f"/clients/{client.client_id}")
    caught_up(kristina)
    kristina.context.route(REGION_REFETCH, lambda route: route.abort())  # push alone
    kristina.evaluate("() => { window.openedOnce = true; }")  # gone if the page reloads

    phone = kristina.context.new_page()  # a second page of the same browser, 375 px wide
    open_simulator(phone, stack.twilio.base_url, client.phone)
    phone.get_by_label("Message").fill("my paystub")
    phone.get_by_label("Photo or PDF (optional)").set_input_files(
        files=[
            {"name": "paystub.png", "mimeType": "image/png", "buffer": png(640, 480, (9, 90, 200))}
        ]
    )
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("img", name="Picture you sent 1", exact=True)).to_be_visible()

    photo = kristina.locator("img.media-thumb").or_(kristina.get_by_text("Photo arriving…"))
    expect(photo.first).to_be_visible(timeout=LONG)
    expect(kristina.locator("img.media-thumb")).to_have_count(1, timeout=LONG)
    kristina.wait_for_function(THUMBNAIL_LOADED, timeout=LONG)
    expect(kristina.get_by_text("Photo arriving…")).to_have_count(0)
    assert kristina.evaluate("() => window.openedOnce === true")  # pushed, never reloaded
    check_a11y(kristina)

    kristina.context.unroute(REGION_REFETCH)
    kristina.get_by_label(re.compile(r"^Text to Ana at")).fill("Signed form attached")
    kristina.get_by_label("Attach a photo or PDF").first.set_input_files(
        {"name": "signed.png", "mimeType": "image/png", "buffer": png(120, 90, (200, 60, 20))}
    )
    send_box = kristina.locator("form.send-form")
    expect(send_box.locator("[data-attach-status]")).to_contain_text("Attached: signed.png")
    kristina.get_by_role("button", name="Send text").click()
    expect(kristina.locator(".text-outbound .text-body").last).to_have_text("Signed form attached")

    expect(phone.get_by_role("img", name="Picture 1", exact=True)).to_be_visible(timeout=LONG)
    phone.wait_for_function(PICTURE_RECEIVED, timeout=LONG)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375
    check_a11y(phone)
