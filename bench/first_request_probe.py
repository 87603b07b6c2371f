"""One fresh process for ``cold_start.py``: import the app, then time two inbound texts.

Run by the bench with the local stack's environment (moto, tables, a client whose number is
the first argument). Prints one JSON line. The first text pays for everything the app builds
lazily (the DynamoDB client, Twilio's signature check, Powertools, the jurisdiction); the
second shows the steady state. botocore clients and sessions are counted as they are built.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUILT: Counter[str] = Counter()
SPENT = {"create_client_seconds": 0.0}
DEPARTMENT_NUMBER = "+18015550100"  # Probation in the demo jurisdiction
FORM = "application/x-www-form-urlencoded"


def count_botocore() -> None:
    """Count sessions and clients (and time spent building clients) from here on."""
    import botocore.session

    session_init = botocore.session.Session.__init__
    create_client = botocore.session.Session.create_client

    def counted_init(self: Any, *args: Any, **kwargs: Any) -> None:
        BUILT["sessions"] += 1
        session_init(self, *args, **kwargs)

    def counted_create_client(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return create_client(self, service_name, *args, **kwargs)
        finally:
            BUILT[f"client:{service_name}"] += 1
            SPENT["create_client_seconds"] += time.perf_counter() - began

    botocore.session.Session.__init__ = counted_init  # type: ignore[method-assign]
    botocore.session.Session.create_client = counted_create_client  # type: ignore[method-assign]


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's scheme (HMAC-SHA1 over the URL and the sorted fields), computed here so the
    probe does not import the twilio package before the app does."""
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def inbound_text(sender: str) -> tuple[str, dict[str, str], str]:
    path = "/webhooks/twilio/sms"
    params = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": os.environ["TWILIO_ACCOUNT_SID"],
        "From": sender,
        "To": DEPARTMENT_NUMBER,
        "Body": "Running late, the bus broke down",
        "NumMedia": "0",
    }
    url = os.environ["PUBLIC_BASE_URL"].rstrip("/") + path
    signature = twilio_signature(os.environ["TWILIO_AUTH_TOKEN"], url, params)
    return path, {"Content-Type": FORM, "X-Twilio-Signature": signature}, urlencode(params)


def main() -> None:
    sender = sys.argv[1]
    began = time.perf_counter()  # the cold path: botocore and the app, then the first text
    count_botocore()
    import app

    import_ms = (time.perf_counter() - began) * 1000
    from chalice.test import Client

    with Client(app.app, stage_name="local", project_dir=str(ROOT)) as client:
        # Warm the test client's own machinery (not the app's lazy parts) on a static file.
        assert client.http.get("/static/favicon.svg").status_code == 200
        requests = []
        for _ in range(2):
            path, headers, body = inbound_text(sender)
            before, spent_before = BUILT.copy(), SPENT["create_client_seconds"]
            began = time.perf_counter()
            answer = client.http.post(path, headers=headers, body=body)
            elapsed = time.perf_counter() - began
            assert answer.status_code == 200, answer.body[:300]
            requests.append(
                {
                    "ms": elapsed * 1000,
                    "built": dict(BUILT - before),
                    "create_client_ms": (SPENT["create_client_seconds"] - spent_before) * 1000,
                }
            )
    # What the two texts loaded of the app: a test checks no store they never use is there.
    loaded = sorted(name for name in sys.modules if name.startswith("chalicelib."))
    # and which other packages: phonenumbers, say, is for numbers written another way
    packages = sorted({name.split(".")[0] for name in sys.modules})
    found = {"import_ms": import_ms, "requests": requests, "app_modules": loaded}
    print(json.dumps({**found, "packages": packages}))


if __name__ == "__main__":
    main()
