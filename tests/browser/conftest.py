"""Playwright drives Debian's chromium (never a downloaded browser) against the local stack."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

# Every expectation waits on its condition; on a busy machine a push or a page can take
# several seconds, and only a failing test ever waits this long.
expect.set_options(timeout=30_000)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def base_url(stack):
    return stack.app_url


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture()
def check_a11y(axe):
    """Run axe on the current page; fail listing every violation."""

    def check(page) -> None:
        results = axe.run(page)
        problems = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes) e.g. {v['nodes'][0]['html'][:120]}"
            for v in results.response["violations"]
        ]
        assert results.violations_count == 0, f"axe on {page.url}:\n" + "\n".join(problems)

    return check


@pytest.fixture()
def contexts():
    """Browser contexts a test opens (tests/browser/signing_in.py) are closed after it, so no
    page of it keeps a socket open or polls the app during the next test."""
    opened: list = []
    yield opened
    for context in opened:
        context.close()
