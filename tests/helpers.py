"""Request builders and look-ups shared by the tests."""

from __future__ import annotations

import html
import itertools
import json
import re
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3

from chalicelib.store.models import ALL_MODELS
from infra.local.seed import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_phones = itertools.count(0)
# Area codes no seed or test writes a 555-01XX number in (grep before adding one).
FRESH_AREAS = ("202", "303", "503", "617", "702", "206", "212", "305", "312", "404", "415")
FRESH_AREAS += ("512", "602", "713", "808", "917")


def fresh_phone() -> str:
    """A valid number no demo client has (555-01XX in an area code the seed never uses)."""
    n = next(_phones)
    area = FRESH_AREAS[n // 100]  # 1,600 a worker: IndexError here means add area codes
    return f"+1{area}55501{n % 100:02d}"


def csrf_in(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "page has no CSRF token"
    return html.unescape(found.group(1))


class WebVisitor:
    """Drives the Chalice test client like a browser: keeps cookies, sends form posts."""

    def __init__(self, http):
        self.http = http
        self.cookies: dict[str, str] = {}
        self.last_page = ""

    def _headers(self, extra: dict | None = None) -> dict:
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _remember(self, response):
        raw = response.headers.get("Set-Cookie") or response.headers.get("set-cookie") or []
        for header in [raw] if isinstance(raw, str) else raw:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.headers.get("Content-Type", "").startswith("text/html"):
            self.last_page = response.body.decode()
        return response

    def get(self, path: str, headers: dict | None = None):
        return self._remember(self.http.get(path, headers=self._headers(headers)))

    def post(self, path: str, data: dict, csrf: str | None = None):
        """Post a form; the CSRF token comes from the last page seen unless given."""
        fields = dict(data)
        if csrf is None and "csrf_token" not in fields:
            fields["csrf_token"] = csrf_in(self.last_page or self.get("/signin").body.decode())
        elif csrf is not None:
            fields["csrf_token"] = csrf
        body = urlencode(fields)
        return self._remember(self.http.post(path, headers=self._headers(FORM), body=body))

    def sign_in(self, username: str, password: str = DEMO_PASSWORD):
        self.get("/signin")
        response = self.post(
            "/signin", {"username": username, "password": password, "next": "/caseload"}
        )
        assert response.status_code == 303, response.body[:500]
        self.get(response.headers["Location"])
        return self


def page_text(response) -> str:
    return html.unescape(response.body.decode())


def snapshot(*ending: str) -> dict[str, list]:
    """Every item of every table (or of those whose names end so), to prove a request
    changed nothing there. Scans grow with the run's data: ``tests.aws_calls.writes``
    proves a refusal wrote nothing anywhere without reading."""
    dynamodb = boto3.client("dynamodb")
    state = {}
    for model in ALL_MODELS:
        if ending and not model.Meta.table_name.endswith(ending):
            continue
        items = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=model.Meta.table_name):
            items.extend(page["Items"])
        state[model.Meta.table_name] = sorted(items, key=repr)
    return state


def signed_webhook(
    http,
    path: str,
    params: dict,
    *,
    token: str | None = None,
    url: str | None = None,
    signature: str | None = None,
):
    """POST form params to a webhook signed the way Twilio signs them."""
    import os

    from twilio.request_validator import RequestValidator

    from infra.local.fake_twilio import LOCAL_AUTH_TOKEN

    full_url = url or os.environ["PUBLIC_BASE_URL"].rstrip("/") + path
    if signature is None:
        signature = RequestValidator(token or LOCAL_AUTH_TOKEN).compute_signature(full_url, params)
    headers = {**FORM, "X-Twilio-Signature": signature}
    return http.post(path, headers=headers, body=urlencode(params))


_sids = itertools.count(1)


def new_sid(prefix: str = "SM") -> str:
    import secrets

    return f"{prefix}{secrets.token_hex(12)}{next(_sids):08x}"


def outbound_entry(client, outbound_id: str, body: str = "hi"):
    """A text as the send form records it before Twilio is called."""
    from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
    from tests.clock import real_now

    return ConversationEntry(
        client.client_id,
        outbound_id,
        real_now(),
        EntryKind.TEXT,
        body=body,
        direction=Direction.OUTBOUND,
        phone=client.phone,
        status="sending_to_twilio",
        author_id="kristina",
    )


def caseload_row(visitor, client_id: str) -> str:
    """The client's row, on whichever page of the caseload it is."""
    path = "/caseload"
    while path:
        page = visitor.get(path).body.decode()
        rows = [row for row in page.split("<li") if f'/clients/{client_id}"' in row]
        if rows:
            assert len(rows) == 1
            return rows[0]
        found = re.search(r'href="([^"]+)" rel="next"', page)
        path = html.unescape(found.group(1)) if found else ""
    raise AssertionError(f"{client_id} is on no page of the caseload")


def json_from_python(
    *args: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 60
) -> Any:
    """Run this interpreter with ``args`` (a probe); it must succeed, and its last line of
    output is the JSON it answers."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
