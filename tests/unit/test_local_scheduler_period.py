"""The local scheduler plays EventBridge: every declared Rate job, at most as far apart as
``make run``'s setting, with the real event shape, and nothing left running after stop."""

from __future__ import annotations

import logging
import threading
import time
from types import SimpleNamespace

import pytest
from chalice import Chalice, Rate

from infra.local.scheduler import LocalScheduler, local_schedule_seconds


def app_module_with_two_jobs(calls: dict[str, list[dict]], fail: str = "") -> SimpleNamespace:
    """Like app.py to the scheduler: a module whose ``app`` declares the schedules."""
    app = Chalice(app_name="tiny")
    changed = threading.Condition()

    @app.schedule(Rate(1, unit=Rate.MINUTES), name="every-minute")
    def every_minute(event):
        record("every-minute", event)

    @app.schedule(Rate(2, unit=Rate.HOURS), name="every-two-hours")
    def every_two_hours(event):
        record("every-two-hours", event)

    def record(name: str, event) -> None:
        with changed:
            calls.setdefault(name, []).append(event.to_dict())
            changed.notify_all()
        if name == fail:
            raise RuntimeError("this job is broken")

    return SimpleNamespace(app=app, changed=changed)


def wait_for_calls(module: SimpleNamespace, calls: dict, each: int, seconds: float = 5) -> None:
    names = ("every-minute", "every-two-hours")
    with module.changed:
        assert module.changed.wait_for(
            lambda: all(len(calls.get(n, [])) >= each for n in names), timeout=seconds
        ), calls


def test_every_job_runs_at_least_as_often_as_the_local_setting():
    calls: dict[str, list[dict]] = {}
    module = app_module_with_two_jobs(calls)
    scheduler = LocalScheduler(module, at_most_seconds=0.05)
    assert scheduler.describe() == ["every 0.05 s: every-minute, every-two-hours"]
    scheduler.start()
    try:
        wait_for_calls(module, calls, each=3)
    finally:
        scheduler.stop()
    event = calls["every-two-hours"][0]
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"][0].endswith(":rule/every-two-hours")


def test_without_a_local_setting_each_job_keeps_its_declared_rate():
    scheduler = LocalScheduler(app_module_with_two_jobs({}))
    assert [period for _, _, period in scheduler.jobs] == [60, 7200]
    assert scheduler.describe() == ["every 60 s: every-minute", "every 7200 s: every-two-hours"]


def test_a_setting_longer_than_a_declared_rate_never_slows_that_job_down():
    scheduler = LocalScheduler(app_module_with_two_jobs({}), at_most_seconds=300)
    assert [period for _, _, period in scheduler.jobs] == [60, 300]


def test_make_run_sweeps_every_five_seconds_unless_told_otherwise():
    assert local_schedule_seconds({}) == 5
    assert local_schedule_seconds({"LOCAL_SCHEDULE_SECONDS": "2.5"}) == 2.5
    assert local_schedule_seconds({"LOCAL_SCHEDULE_SECONDS": "0"}) is None  # declared rates


@pytest.mark.parametrize("value", ["soon", "-1"])
def test_a_bad_local_schedule_setting_is_refused_naming_the_setting(value):
    with pytest.raises(ValueError, match="LOCAL_SCHEDULE_SECONDS"):
        local_schedule_seconds({"LOCAL_SCHEDULE_SECONDS": value})


def test_a_failing_job_is_logged_and_the_other_jobs_keep_running(caplog):
    calls: dict[str, list[dict]] = {}
    module = app_module_with_two_jobs(calls, fail="every-minute")
    scheduler = LocalScheduler(module, at_most_seconds=0.05).start()
    try:
        with caplog.at_level(logging.ERROR, logger="infra.local.scheduler"):
            wait_for_calls(module, calls, each=2)
    finally:
        scheduler.stop()
    assert "scheduled handler every-minute failed" in caplog.text
    assert "every-two-hours failed" not in caplog.text


def test_stopping_the_scheduler_ends_its_thread_at_once():
    scheduler = LocalScheduler(app_module_with_two_jobs({})).start()
    started = time.monotonic()
    scheduler.stop()
    assert not scheduler.thread.is_alive()
    assert time.monotonic() - started < 1.0  # it does not sleep out the minute
