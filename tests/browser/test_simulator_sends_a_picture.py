"""The phone simulator attaches a picture: the fake posts an MMS and the phone's thread
shows the picture it sent (on a 375 px screen, reachable by keyboard)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from infra.local.fake_twilio import FakeTwilio
from infra.local.fake_twilio.samples import sample
from tests.integration.fake_media_tools import Site, fake_for, running_site

pytestmark = pytest.mark.any_hour  # the page shows the fake's own times; no hour matters

PHONE = "+13855550101"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page of its own, with no base URL: the simulator is the fake's own page, so no app
    stack starts for it. (Overriding ``base_url`` instead would leak: pytest-playwright's
    session-wide context arguments keep the first ``base_url`` they see, and every later
    ``page`` on this worker would have none.)"""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def site_and_fake() -> Iterator[tuple[Site, FakeTwilio]]:
    with running_site() as site:
        fake = fake_for(site)
        yield site, fake
        fake.stop()


def test_the_simulator_sends_a_chosen_picture_as_an_mms_and_shows_it(
    page: Page, site_and_fake: tuple[Site, FakeTwilio], check_a11y
) -> None:
    site, fake = site_and_fake
    page.goto(f"{fake.base_url}/simulator?phone=%2B{PHONE[1:]}")
    expect(page.get_by_text("No texts yet between this phone")).to_be_visible()

    page.get_by_label("Message").fill("my paystub")
    attachment = page.get_by_label("Photo or PDF (optional)")
    attachment.focus()
    expect(attachment).to_be_focused()
    attachment.set_input_files(
        files=[{"name": "paystub.png", "mimeType": "image/png", "buffer": sample("png").data}]
    )
    page.get_by_role("button", name="Send").click()

    picture = page.get_by_role("img", name="Picture you sent 1")
    expect(picture).to_be_visible(timeout=15_000)
    assert picture.evaluate("image => image.naturalWidth") == 32
    form = site.posts[-1][1]
    assert form["NumMedia"] == "1" and form["MediaContentType0"] == "image/png"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check_a11y(page)
