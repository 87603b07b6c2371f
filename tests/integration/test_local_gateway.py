"""The local gateway plays API Gateway in front of Lambda containers, checked on a tiny app:
one process per concurrent request, growth up to a cap, 502 for a crash, 504 past the timeout."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError

import pytest

from infra.local.gateway import LocalApiGateway

# its gateways start worker processes of their own
pytestmark = pytest.mark.xdist_group("local-gateway")

PROBE_APP = """
import os
import time

from chalice import Chalice, Response

app = Chalice(app_name="probe")
app.api.binary_types.append("application/octet-stream")
HANDLED = []


@app.route("/pid")
def pid():
    HANDLED.append(1)
    return {"pid": os.getpid(), "handled": len(HANDLED), "setting": os.environ.get("PROBE")}


@app.route("/slow/{seconds}")
def slow(seconds):
    started = time.monotonic()  # one clock for every process on the machine
    time.sleep(float(seconds))
    return {"pid": os.getpid(), "started": started, "ended": time.monotonic()}


@app.route("/crash")
def crash():
    os._exit(3)


@app.route("/cookies")
def cookies():
    return Response(body="", status_code=200, headers={"Set-Cookie": ["a=1", "b=2"]})


@app.route("/echo", methods=["POST"], content_types=["application/octet-stream"])
def echo():
    body = app.current_request.raw_body
    return Response(body=body, headers={"Content-Type": "application/octet-stream"})
"""
CONFIG = {"version": "2.0", "app_name": "probe", "stages": {"local": {}}}


@pytest.fixture(scope="module")
def probe_project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("probe")
    (project / "app.py").write_text(PROBE_APP)
    (project / ".chalice").mkdir()
    (project / ".chalice" / "config.json").write_text(json.dumps(CONFIG))
    return project


def start_gateway(project: Path, **options) -> LocalApiGateway:
    gateway = LocalApiGateway("127.0.0.1", 0, project, **options)
    gateway.start({**os.environ, "PROBE": "as started"})
    gateway.wait_until_warm()
    return gateway


@pytest.fixture(scope="module")
def gateway(probe_project):
    running = start_gateway(probe_project, max_workers=3, warm_workers=1, timeout=2.0)
    yield running
    running.stop()


def fetch(url: str, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request; error statuses are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return answer.status, answer.headers, answer.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


def all_at_once(count: int, url: str) -> list:
    barrier = threading.Barrier(count)

    def one(_: int):
        barrier.wait(timeout=10)
        return fetch(url)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_a_route_answers_json_and_an_unknown_path_gets_the_gateway_response_404(gateway):
    """API Gateway's own 403 "Missing Authentication Token", through the stack's gateway
    responses (infra/package/gateway_responses.py): 404, JSON for a script."""
    status, headers, body = fetch(gateway.url + "/pid")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body)["pid"] != os.getpid()  # answered in a worker process
    status, headers, body = fetch(gateway.url + "/no/such/path")
    assert status == 404 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"message": "Missing Authentication Token"}


def test_two_cookies_arrive_as_two_set_cookie_headers(gateway):
    status, headers, _ = fetch(gateway.url + "/cookies")
    assert status == 200
    assert headers.get_all("Set-Cookie") == ["a=1", "b=2"]


def test_a_binary_body_goes_through_unchanged(gateway):
    payload = bytes(range(256))
    binary = {"Content-Type": "application/octet-stream", "Accept": "application/octet-stream"}
    status, _, body = fetch(gateway.url + "/echo", data=payload, headers=binary)
    assert status == 200 and body == payload


def test_concurrent_requests_run_in_separate_processes_at_the_same_time(probe_project):
    # three warm workers and API Gateway's own timeout: on a busy machine a worker that
    # had to start first could take longer than the module gateway's 2 s
    three = start_gateway(probe_project, max_workers=3, warm_workers=3)
    try:
        answers = all_at_once(3, three.url + "/slow/2")
    finally:
        three.stop()
    assert [status for status, _, _ in answers] == [200, 200, 200]
    runs = [json.loads(body) for _, _, body in answers]
    assert len({run["pid"] for run in runs}) == 3
    assert max(run["started"] for run in runs) < min(run["ended"] for run in runs)  # overlapped


def test_module_state_belongs_to_one_worker_and_lasts_between_its_requests(probe_project):
    single = start_gateway(probe_project, max_workers=1, warm_workers=1)
    try:
        counts = [json.loads(fetch(single.url + "/pid")[2])["handled"] for _ in range(3)]
    finally:
        single.stop()
    assert counts == [1, 2, 3]  # a warm container keeps its memory, as on Lambda


def test_a_burst_beyond_the_cap_waits_for_free_workers_and_all_are_answered(probe_project):
    small = start_gateway(probe_project, max_workers=2, warm_workers=1)
    try:
        answers = all_at_once(40, small.url + "/slow/0.05")
        assert [status for status, _, _ in answers] == [200] * 40
        assert len({json.loads(body)["pid"] for _, _, body in answers}) == 2
        assert small.pool.size == 2
    finally:
        small.stop()


def test_a_worker_that_dies_is_answered_502_and_replaced(gateway, monkeypatch):
    monkeypatch.setenv("PROBE", "changed after start")
    status, _, body = fetch(gateway.url + "/crash")
    assert status == 502 and json.loads(body) == {"message": "Internal server error"}
    status, _, body = fetch(gateway.url + "/pid")
    assert status == 200
    assert json.loads(body)["setting"] == "as started"  # a new worker, same configuration


def test_a_request_longer_than_the_gateway_timeout_is_answered_504(gateway):
    started = time.monotonic()
    status, _, body = fetch(gateway.url + "/slow/10")
    assert status == 504 and json.loads(body) == {"message": "Endpoint request timed out"}
    assert time.monotonic() - started < 5
    assert fetch(gateway.url + "/pid")[0] == 200


def test_stopping_the_gateway_ends_every_worker_and_frees_the_port(probe_project):
    running = start_gateway(probe_project, max_workers=3, warm_workers=2)
    all_at_once(3, running.url + "/slow/0.2")
    processes = running.pool.processes()
    running.stop()
    assert len(processes) == 3 and not any(p.is_alive() for p in processes)
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", running.port))
