"""The conversation page on a slow 3G connection: time until it is readable (its texts on
screen, styled, the compose box enabled: a text can be sent, the form needs no script)
and until it is fully usable (the page script has run too), first view with an empty
cache and a repeat view. Goal: within 5 s.

Debian's chromium (Playwright, the browser tests' launch arguments) throttled through
the DevTools Protocol with DevTools' own "Slow 3G" figures (tests/slow_3g.py: 2,000 ms
added to every request, 50,000 bytes/s each way), against the local stack, whose gateway
gzips as API Gateway does. The page shows 30 texts, appointments and scheduled texts
(tests/page_weights.py). Times are the median of RUNS views, each measured in the page
(performance.now() when it became usable), with every run printed.
"""

from __future__ import annotations

import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import on_a_stack

RUNS = 3
GOAL_MS = 5000


def main() -> None:
    on_a_stack(run, seed=False)


def run(stack) -> None:
    from playwright.sync_api import sync_playwright

    from chalicelib import bootstrap
    from tests import page_weights, slow_3g
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.browser.signing_in import sign_in
    from tests.helpers import fresh_phone
    from tests.integration.session_tools import PASSWORD, new_staff

    stores = bootstrap.stores()
    owner = new_staff(stack, stores)
    now = datetime.now(UTC)
    client_id = page_weights.conversation_client(stores, owner.user_id, fresh_phone(), now)
    first: list[tuple[float, float, int]] = []
    repeat: list[tuple[float, float, int]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            base_url=stack.app_url, viewport={"width": 375, "height": 740}
        )
        page = sign_in(context, owner.user_id, PASSWORD)
        session = slow_3g.throttle(context, page)
        for _ in range(RUNS):
            slow_3g.empty_cache(session, stack.app_url)
            first.append(view(page, f"/clients/{client_id}"))
            repeat.append(view(page, f"/clients/{client_id}"))
        browser.close()
    report("first view, empty cache", first)
    report("repeat view", repeat)
    print(
        f"(Slow 3G as DevTools defines it: {slow_3g.SLOW_3G_LATENCY_MS} ms added per request, "
        f"{slow_3g.SLOW_3G_BYTES_PER_SECOND:,.0f} bytes/s; goal {GOAL_MS / 1000:.0f} s)"
    )


def view(page, path: str) -> tuple[float, float, int]:
    """Milliseconds until readable and until usable, and the requests made from the
    network until then (the page and the files not answered from the cache)."""
    from tests import slow_3g

    page.goto(path, wait_until="commit")
    readable = page.wait_for_function(slow_3g.at(slow_3g.READABLE), polling="raf", timeout=60_000)
    usable = page.wait_for_function(slow_3g.at(slow_3g.USABLE), polling="raf", timeout=60_000)
    fetched = page.evaluate(
        "1 + performance.getEntriesByType('resource')"
        ".filter((r) => r.transferSize > 0 && r.startTime < performance.now()).length"
    )
    page.wait_for_load_state("networkidle")  # its refreshes answered before the next view
    return float(readable.json_value()), float(usable.json_value()), int(fetched)


def report(name: str, views: list[tuple[float, float, int]]) -> None:
    for index, label in ((0, "readable"), (1, "usable")):
        times = [v[index] for v in views]
        median = statistics.median(times)
        runs = ", ".join(f"{t / 1000:.2f}" for t in times)
        print(
            f"{name}: {label} after {median / 1000:.2f} s median ({runs} s) = "
            f"{median / GOAL_MS:.2f} of the goal"
        )
    print(f"{name}: {views[0][2]} requests over the network until usable")


if __name__ == "__main__":
    main()
