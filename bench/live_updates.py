"""Pushed updates: how soon an open page hears of a text, what an idle tab costs, and the
AWS bill per 100 staff, against the 4-second poll they replaced.

Measured on the local stack, over its real path: a signed webhook over HTTP to the gateway
and a worker process, the DynamoDB stream (moto's, read as Lambda's event source would),
the push function, the local WebSocket API, a page's socket. The idle figures count what a
connected page sends for a stretch of minutes with the upkeep job running, and the cost
model prices those counts at AWS's list prices (us-west-2, 2026).

Goals (issue 11): webhook → text on an open page ≤ 1 s locally; ≤ 2 requests per staff-hour
from an idle open tab (was 900); ≤ $1 per 100 staff per month (was about $64).
"""

from __future__ import annotations

import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import on_a_stack, web_client

TEXTS = 30
STAFF = 100
HOURS_A_MONTH = 8 * 22  # a staff member's working hours in a month
UPKEEP_PER_HOUR = 60 / 5  # socket-upkeep runs every 5 minutes: one keep-alive per page each
TEXTS_PER_STAFF_DAY = 40  # inbound and outbound texts a case manager handles a day
PUSHES_PER_TEXT = 4  # the row and the entry, then sent and delivered statuses
# AWS list prices, us-west-2
REST_PER_MILLION = 3.50
WS_MESSAGES_PER_MILLION = 1.00
WS_CONNECTION_MINUTES_PER_MILLION = 0.25
LAMBDA_PER_MILLION = 0.20
LAMBDA_GB_SECOND = 0.0000166667
POLL_EVERY_SECONDS = 4  # what the pages did before


def main() -> None:
    on_a_stack(run, seed=True)


def run(stack) -> None:
    from chalicelib import bootstrap
    from chalicelib.domain.clients import Client
    from chalicelib.jobs import entry_points
    from tests.helpers import WebVisitor, fresh_phone, new_sid, signed_webhook
    from tests.integration.test_bursts import PROBATION, SMS, OverTheWire
    from tests.socket_client import SocketListener

    stores = bootstrap.stores()
    client = stores.clients.add(
        Client(
            f"bench-{uuid.uuid4().hex[:8]}", "probation", "kristina", "Bench", "Push", fresh_phone()
        )
    )
    with web_client() as http_client:
        visitor = WebVisitor(http_client.http).sign_in("kristina")
        page = visitor.get(f"/clients/{client.client_id}").body.decode()
    url = re.search(r'data-socket-url="([^"]+)"', page).group(1)
    ticket = re.search(r'data-socket-ticket="([^"]+)"', page).group(1)
    wire = OverTheWire(stack.app_url)
    with SocketListener(
        f"{url}?{urlencode({'ticket': ticket, 'client': client.client_id})}"
    ) as page_socket:
        delays = []
        for n in range(TEXTS):
            started = time.monotonic()
            params = {
                "MessageSid": new_sid(),
                "From": client.phone,
                "To": PROBATION,
                "Body": f"t{n}",
            }
            assert signed_webhook(wire, SMS, params).status_code == 200
            page_socket.next("entry", client_id=client.client_id, timeout=10)
            delays.append(time.monotonic() - started)
            time.sleep(0.2)
        while not page_socket.received.empty():
            page_socket.received.get()
        sent_before = stack.websockets.messages_in
        idle_for = 30.0
        upkeeps = 3
        for _ in range(upkeeps):
            entry_points.socket_upkeep()
            time.sleep(idle_for / upkeeps)
        from_page = stack.websockets.messages_in - sent_before
        keepalives = page_socket.received.qsize()

    delays.sort()
    p95 = delays[int(0.95 * (len(delays) - 1))]
    print(f"webhook → text on the open page, {TEXTS} texts over HTTP and the stream:")
    print(
        f"  median {statistics.median(delays) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"slowest {delays[-1] * 1000:.0f} ms (goal ≤ 1000 ms)"
    )

    print(f"idle page, {idle_for:.0f} s with {upkeeps} upkeep runs:")
    print(
        f"  messages the page sent: {from_page}; HTTP requests: 0 (asserted by the browser "
        f"test); keep-alives it received: {keepalives} (one per upkeep run)"
    )
    # An idle tab: one connect when it opens and one each time API Gateway's 2-hour limit
    # ends the connection; nothing else leaves the browser.
    idle_requests_per_hour = 1 / 2 + from_page * 3600 / idle_for
    polling_per_hour = 3600 / POLL_EVERY_SECONDS
    print(
        f"  requests per staff-hour from an idle open tab: {idle_requests_per_hour:.1f} "
        f"(was {polling_per_hour:.0f} polling; goal ≤ 2)"
    )

    staff_hours = STAFF * HOURS_A_MONTH
    connection_minutes = staff_hours * 60
    keepalive_messages = staff_hours * UPKEEP_PER_HOUR
    push_messages = STAFF * 22 * TEXTS_PER_STAFF_DAY * PUSHES_PER_TEXT
    messages = keepalive_messages + push_messages + staff_hours * idle_requests_per_hour
    lambda_runs = messages / 10 + 30 * 24 * 12  # a push run posts to several pages; upkeep
    lambda_cost = (
        lambda_runs * LAMBDA_PER_MILLION / 1e6 + lambda_runs * 0.2 * 0.5 * LAMBDA_GB_SECOND
    )
    pushed = (
        connection_minutes * WS_CONNECTION_MINUTES_PER_MILLION / 1e6
        + messages * WS_MESSAGES_PER_MILLION / 1e6
        + lambda_cost
    )
    polled = staff_hours * polling_per_hour * REST_PER_MILLION / 1e6
    print(
        f"AWS per {STAFF} staff a month ({HOURS_A_MONTH} h each, "
        f"{TEXTS_PER_STAFF_DAY} texts a day):"
    )
    print(
        f"  pushed: ${pushed:.2f} ({connection_minutes / 1e6:.2f} M connection-minutes, "
        f"{messages / 1e6:.2f} M messages, {lambda_runs / 1e6:.2f} M Lambda runs; goal ≤ $1)"
    )
    print(
        f"  polling every {POLL_EVERY_SECONDS} s: ${polled:.2f} in API Gateway requests alone "
        f"({staff_hours * polling_per_hour / 1e6:.1f} M); ratio {polled / pushed:.0f}×"
    )


if __name__ == "__main__":
    main()
