"""One local stack per test session: moto, the fake Twilio, demo data and the app server.

Environment variables are process-wide, so every test shares this stack; tests that write
make their own clients (fresh numbers from ``helpers.fresh_phone``) instead of resetting.
"""

from __future__ import annotations

import pytest

from infra.local.stack import LocalStack

pytest_plugins = ["tests.aws_calls", "tests.clock"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist (``make test``), tests that share an expensive fixture run on one worker,
    so it is built once: a module-scoped fixture keeps its module together, the packaged
    stacks (tests/infra's session fixtures) keep the packaging tests together. The rest
    spread test by test; each worker has its own local stack."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        for defs in info.name2fixturedefs.values():
            fixture = defs[-1]
            if fixture.scope == "module":
                item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
                break
            if fixture.scope == "session" and fixture.baseid.startswith("tests/infra"):
                item.add_marker(pytest.mark.xdist_group("packaging"))
                break


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    from tests.aws_calls import gather_worker

    gather_worker(node)


@pytest.fixture(scope="session")
def stack(log_watch):
    local = LocalStack(
        app_port=0,
        twilio_port=0,
        moto_port=0,
        websocket_port=0,
        prefix="test-",
        callback_delay=0.05,
    )
    local.start()
    yield local
    try:
        log_watch.check()  # before the stack stops: it reads what the run stored
    finally:
        local.stop()


@pytest.fixture(scope="session")
def log_watch():
    """Every app log line of the run; the stack checks them for private data at the end."""
    from tests.log_watch import LogWatch

    return LogWatch().start()


@pytest.fixture(scope="session")
def chalice_app(stack):
    import app as app_module

    return app_module.app


@pytest.fixture(scope="session")
def http(chalice_app):
    from chalice.test import Client

    from tests.helpers import ROOT

    with Client(chalice_app, stage_name="local", project_dir=str(ROOT)) as client:
        yield client.http


@pytest.fixture()
def web(http):
    """A browser-like visitor with its own cookie jar."""
    from tests.helpers import WebVisitor

    return WebVisitor(http)


@pytest.fixture()
def stores(stack):
    from chalicelib import bootstrap

    return bootstrap.stores()
