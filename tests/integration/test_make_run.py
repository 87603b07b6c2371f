"""`make run`'s process, as a newcomer starts it: serves sign-in, the simulator, and stops
cleanly on Ctrl-C, leaving no process (the app's worker processes included) or port behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

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


def children_of(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        if int(after_name[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def still_running(pid: int) -> bool:
    """Alive and not a zombie (an exited orphan waiting for an init that may never reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def left_behind(pids: set[int], seconds: float = 5) -> list[int]:
    """Those still running after a short grace (multiprocessing's resource tracker exits
    only once it sees the stack's end of its pipe close)."""
    deadline = time.monotonic() + seconds
    while True:
        running = [pid for pid in pids if still_running(pid)]
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.1)


def test_the_local_stack_starts_prints_logins_and_stops_on_ctrl_c():
    ports = {
        "PORT": free_port(),
        "TWILIO_PORT": free_port(),
        "MOTO_PORT": free_port(),
        "WEBSOCKET_PORT": free_port(),
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    env.update({k: str(v) for k, v in ports.items()})
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.stack"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as in a terminal
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True)
    reader.start()
    try:
        assert wait_for(f"http://127.0.0.1:{ports['PORT']}/signin") == 200
        assert wait_for(f"http://127.0.0.1:{ports['TWILIO_PORT']}/") == 200
        ready = time.monotonic() + 60
        while not any("Demo logins" in line for line in list(lines)):  # started, as it says
            assert time.monotonic() < ready and process.poll() is None, "".join(lines)[-2000:]
            time.sleep(0.1)
        workers = children_of(process.pid)
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches every process of the group
        process.wait(timeout=30)
        reader.join(10)
        output = "".join(lines)
    assert process.returncode == 0, output[-2000:]
    assert len(workers) >= 2  # the warm app workers (and multiprocessing's resource tracker)
    assert left_behind(workers) == []
    assert "KeyboardInterrupt" not in output  # workers leave Ctrl-C to the stack
    assert "Demo logins" in output and "kristina" in output and "ClientComm-demo-1" in output
    assert "auth token" in output and "Stopped." in output
    assert "every 5 s: " in output and "sweep-scheduled" in output  # EventBridge's part
    assert "send-scheduled <- clientcomm-local-send" in output  # the SQS event source's
    for port in ports.values():
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT
            s.bind(("127.0.0.1", port))  # free again: nothing left listening
