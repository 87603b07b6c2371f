"""`make run`'s process, as a newcomer starts it: serves sign-in, the simulator, and stops
cleanly on Ctrl-C, leaving no process or port behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from tests.helpers import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback
                return answer.status
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


def test_the_local_stack_starts_prints_logins_and_stops_on_ctrl_c():
    ports = {"PORT": free_port(), "TWILIO_PORT": free_port(), "MOTO_PORT": free_port()}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    env.update({k: str(v) for k, v in ports.items()})
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.stack"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{ports['PORT']}/signin") == 200
        assert wait_for(f"http://127.0.0.1:{ports['TWILIO_PORT']}/") == 200
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Demo logins" in output and "kristina" in output and "ClientComm-demo-1" in output
    assert "auth token" in output and "Stopped." in output
    for port in ports.values():
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT
            s.bind(("127.0.0.1", port))  # free again: nothing left listening
