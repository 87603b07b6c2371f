"""Kristina attaches a photo in the compose box on her phone, sees its name, a preview and
that it goes as one MMS, sends it, and Twilio is handed the photo (issue 22, part 3)."""

from __future__ import annotations

import io
import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.signing_in import signed_in_page
from tests.browser.test_texting_in_a_browser import new_client
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def test_a_photo_attached_on_a_phone_is_sent_as_one_mms(
    browser, base_url, stack, check_a11y, contexts
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts, 375)
    phone = fresh_phone()
    new_client(kristina, "Photo", "Phone", phone)
    photo = png_bytes()

    kristina.get_by_label(re.compile("Text to Photo")).fill("Your paystub form, signed")
    kristina.get_by_label("Attach a photo or PDF").first.set_input_files(
        {"name": "paystub.png", "mimeType": "image/png", "buffer": photo}
    )
    send_box = kristina.locator("form.send-form")
    expect(send_box.locator("[data-attach-status]")).to_contain_text("Attached: paystub.png")
    expect(send_box.locator("[data-attach-name]")).to_have_text("paystub.png")
    expect(send_box.locator("[data-attach-preview]")).to_be_visible()
    expect(kristina.locator("#segment-count")).to_contain_text("billed as one MMS")
    expect(kristina.get_by_label("Take a photo").first).to_be_hidden()  # a mouse: no camera
    check_a11y(kristina)

    kristina.get_by_role("button", name="Send text").click()
    expect(kristina.locator(".text-outbound .text-body").last).to_have_text(
        "Your paystub form, signed"
    )
    (message,) = stack.twilio.messages(to=phone)
    assert message["num_media"] == "1"
    (url,) = stack.twilio.media_urls(message["sid"])
    assert requests.get(url, timeout=10).content == photo


def test_on_a_touch_phone_the_camera_takes_the_photo_that_is_sent(
    browser, base_url, stack, check_a11y, contexts
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts, 375, touch=True)
    phone = fresh_phone()
    new_client(kristina, "Photo", "Camera", phone)
    send_box = kristina.locator("form.send-form")
    camera = send_box.get_by_label("Take a photo")
    expect(camera).to_be_visible()
    assert camera.get_attribute("capture") == "environment"
    check_a11y(kristina)
    camera.set_input_files({"name": "camera.png", "mimeType": "image/png", "buffer": png_bytes()})
    expect(send_box.locator("[data-attach-status]")).to_contain_text("Attached: camera.png")
    expect(camera).to_be_hidden()  # one file a text: both pickers give way to Remove
    kristina.get_by_label(re.compile("Text to Photo")).fill("Here is the form I mean")
    kristina.get_by_role("button", name="Send text").click()
    expect(kristina.locator(".text-outbound .text-body").last).to_have_text(
        "Here is the form I mean"
    )
    (message,) = stack.twilio.messages(to=phone)
    assert message["num_media"] == "1"


def test_a_removed_attachment_is_not_sent_and_the_counter_counts_segments_again(
    browser, base_url, stack, contexts
):
    kristina = signed_in_page(browser, base_url, "kristina", contexts, 375)
    phone = fresh_phone()
    new_client(kristina, "Photo", "Removed", phone)
    kristina.get_by_label(re.compile("Text to Photo")).fill("Words only")
    kristina.get_by_label("Attach a photo or PDF").first.set_input_files(
        {"name": "x.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    send_box = kristina.locator("form.send-form")
    expect(send_box.locator("[data-attach-status]")).to_contain_text("Attached: x.png")
    send_box.get_by_role("button", name="Remove the attachment").click()
    expect(kristina.locator("#segment-count")).to_contain_text("1 segment (GSM-7)")
    kristina.get_by_role("button", name="Send text").click()
    expect(kristina.locator(".text-outbound .text-body").last).to_have_text("Words only")
    (message,) = stack.twilio.messages(to=phone)
    assert message["num_media"] == "0"


def test_a_file_of_a_type_that_cannot_be_sent_is_refused_in_the_page(browser, base_url, contexts):
    kristina = signed_in_page(browser, base_url, "kristina", contexts)
    new_client(kristina, "Photo", "Refused", fresh_phone())
    kristina.get_by_label("Attach a photo or PDF").first.set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}
    )
    status = kristina.locator("form.send-form [data-attach-status]")
    expect(status).to_contain_text("Only a photo (JPEG, PNG or GIF) or a PDF")
    assert kristina.locator("form.send-form input[name=attachment_key]").input_value() == ""
