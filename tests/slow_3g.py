"""A slow 3G connection in chromium, as Chrome DevTools' preset defines it, and what
"usable" means for the conversation page. Shared by bench/slow_network.py (which times it)
and tests/browser/test_slow_network_in_a_browser.py (which only checks it becomes usable).

The figures are DevTools' current ``Slow3GConditions`` (front_end/core/sdk/NetworkManager.ts
in ChromeDevTools/devtools-frontend; the menu has called it "3G" since 2024, when "Fast
3G" became "Slow 4G"): about 500 kbit/s each way scaled by 0.8, i.e. 50,000 bytes/s, and
a 400 ms round trip multiplied by 5, i.e. 2,000 ms added to every request, because
DevTools delays whole requests rather than packets. (Older DevTools used 1,024 where
it now uses 1,000: 51,200 bytes/s.)
"""

from __future__ import annotations

from typing import Any

SLOW_3G_LATENCY_MS = 400 * 5
SLOW_3G_BYTES_PER_SECOND = 500 * 1000 / 8 * 0.8
SLOW_3G = {
    "offline": False,
    "latency": SLOW_3G_LATENCY_MS,
    "downloadThroughput": SLOW_3G_BYTES_PER_SECOND,
    "uploadThroughput": SLOW_3G_BYTES_PER_SECOND,
}

# The conversation page's texts are on screen, styled, and its compose box takes typing:
# readable, and a text can be sent (the form posts without any script).
READABLE = """
  [...document.styleSheets].some((s) => s.href && s.cssRules.length > 0) &&
  document.querySelectorAll(".text-body").length >= 30 &&
  !!document.getElementById("body") && !document.getElementById("body").disabled
"""
# ...and the page script has run: the segment counter it sets up shows a count
# ("0 / 1600 characters · ..."; the page itself says "Counts characters ... as you type").
SCRIPTS_RAN = """
  /^\\d+ \\/ \\d+ characters/.test(document.getElementById("segment-count").textContent)
"""
USABLE = f"({READABLE}) && ({SCRIPTS_RAN})"


def at(condition: str) -> str:
    """A page function answering performance.now() (milliseconds since the navigation
    started) once ``condition`` holds, false before."""
    return f"() => (({condition}) ? performance.now() : false)"


def throttle(context: Any, page: Any) -> Any:
    """Slow 3G for ``page`` from now on (a DevTools Protocol session of its own)."""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW_3G)
    return session


def empty_cache(session: Any, origin: str) -> None:
    """Forget what the browser cached, as for a first visit (cookies are kept): its HTTP
    cache, and the service worker with what it kept (signing in registered it, and a page
    it controls gets its files from the worker, not the network)."""
    session.send("Network.clearBrowserCache")
    session.send(
        "Storage.clearDataForOrigin",
        {"origin": origin, "storageTypes": "service_workers,cache_storage"},
    )
