"""A browser that reaches an unknown URL or uses a wrong method gets the site's error page,
not API Gateway's or Chalice's JSON; a script asking for JSON still gets JSON."""

from __future__ import annotations

import html
import json
import re
import urllib.request
from urllib.error import HTTPError

import pytest

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def fetch(url: str, accept: str, method: str = "GET"):
    request = urllib.request.Request(url, headers={"Accept": accept}, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return answer.status, answer.headers, html.unescape(answer.read().decode())
    except HTTPError as error:
        return error.code, error.headers, html.unescape(error.read().decode())


@pytest.mark.parametrize("path", ["/no/such/page", "/clients/abc/nothing-here", "/favicon.ico"])
def test_an_unknown_url_shows_the_sites_not_found_page(stack, path):
    status, headers, body = fetch(stack.app_url + path, BROWSER)
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in body and "Missing Authentication Token" not in body
    assert re.search(r'href="/static/app\.[0-9a-f]+\.css"', body) and 'href="/caseload"' in body
    assert headers["Strict-Transport-Security"] and headers["Cache-Control"] == "no-store"


def test_a_script_asking_for_json_at_an_unknown_url_gets_json(stack):
    status, headers, body = fetch(stack.app_url + "/no/such/page", "application/json")
    assert status == 404 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"message": "Missing Authentication Token"}


def test_a_wrong_method_shows_the_sites_page_with_its_405_and_allow(stack):
    status, headers, body = fetch(stack.app_url + "/signin", BROWSER, method="PUT")
    assert status == 405 and headers["Content-Type"].startswith("text/html")
    assert "can't be used that way" in body and "Unsupported method" not in body
    assert set(headers["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert headers["Strict-Transport-Security"]  # the security headers still apply


def test_a_wrong_method_asked_by_a_script_stays_json(stack):
    status, _, body = fetch(stack.app_url + "/signin", "application/json", method="PUT")
    assert status == 405 and json.loads(body)["Code"] == "MethodNotAllowedError"


def test_an_unknown_static_file_is_the_not_found_page_for_a_browser(http):
    answer = http.get("/static/nothing.css", headers={"Accept": BROWSER})
    assert answer.status_code == 404 and b"<h1>Page not found</h1>" in answer.body


def test_webhook_errors_are_never_turned_into_pages(http):
    answer = http.post(
        "/webhooks/twilio/sms",
        headers={"Accept": BROWSER, "Content-Type": "application/x-www-form-urlencoded"},
        body="From=%2B15555550100",
    )
    assert answer.status_code in (400, 403) and b"<h1>" not in answer.body


def test_a_live_refresh_signed_out_still_gets_json_to_act_on(http):
    answer = http.get(
        "/clients/abc/live", headers={"Accept": "text/html", "X-ClientComm-Background": "1"}
    )
    assert answer.status_code == 401 and json.loads(answer.body)["error"] == "signed_out"
