"""One local stack per test session: moto, the fake Twilio, demo data and the app server.

Environment variables are process-wide, so every test shares this stack; tests that write
make their own clients (fresh numbers from ``helpers.fresh_phone``) instead of resetting.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from infra.local.stack import LocalStack

pytest_plugins = ["tests.aws_calls", "tests.clock"]

# Property tests judge answers, not speed: on a busy machine an example may take longer than
# Hypothesis's 200 ms deadline (a confirmations test failed so, then passed with its seed).
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist (``make test``) tests spread test by test, each worker with its own local
    stack. The packaging tests (tests/infra's session fixtures run ``chalice package``) stay
    on one worker, so the stacks are packaged once; a module whose own setup is costly
    keeps itself together with ``pytest.mark.xdist_group``."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        fixtures = [defs[-1] for defs in info.name2fixturedefs.values()] if info else []
        if any(f.scope == "session" and f.baseid.startswith("tests/infra") for f in fixtures):
            item.add_marker(pytest.mark.xdist_group("packaging"))
    if getattr(config.option, "loadgroup", False):  # set on xdist workers only
        name_groups(items)


def name_groups(items: list[pytest.Item]) -> None:
    """xdist's ``loadgroup`` reads each test's group from an ``@group`` suffix of its node id,
    which pytest-xdist 3.8 writes to ``item._nodeid``; pytest 9 reads ``item._id`` instead,
    so without this every group was ignored (two workers packaged the stacks at once into
    one cache, and one of them read a half-written zip)."""
    from _pytest.nodeid import NodeId

    for item in items:
        groups = sorted({str(m.args[0]) for m in item.iter_markers("xdist_group") if m.args})
        if groups and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")  # type: ignore[attr-defined]


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
