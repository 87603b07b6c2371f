"""Cold start, in two figures, each from fresh interpreters (median of several).

1. ``import app`` against its irreducible dependencies, ``import chalice, pynamodb.models``
   (the request paths never need boto3). Goal: a ratio of at most 1.15, so whatever only one
   handler needs is imported by that handler.
2. The first request after the import (an inbound text, which reads and writes several
   tables) against a second one in the same process, and how many botocore clients each
   builds. Goal: one DynamoDB client per process, so the first request pays for one.

Both sides of the import figure run alternately, with bytecode cached in a fresh temporary
directory, so neither pays for compiling and both see the same machine load.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RUNS = max(9, int(os.environ.get("BENCH_RUNS", "11")))
REQUEST_RUNS = max(5, int(os.environ.get("BENCH_REQUEST_RUNS", "7")))
BASELINE = "import chalice, pynamodb.models"
APP = "import app"
GOAL = 1.15
PROBE = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def interpreter_env(pycache: str) -> dict[str, str]:
    """Bytecode written once into ``pycache`` and read back by every later run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def cold_import(stmt: str, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(stmt=stmt)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return float(out.stdout.strip().splitlines()[-1])


def import_figure(pycache: str) -> tuple[float, float]:
    env = interpreter_env(pycache)
    cold_import(APP, env)  # compile and cache, and warm the file system
    baseline: list[float] = []
    app: list[float] = []
    for _ in range(RUNS):
        baseline.append(cold_import(BASELINE, env))
        app.append(cold_import(APP, env))
    base_ms, app_ms = statistics.median(baseline) * 1000, statistics.median(app) * 1000
    ratio = app_ms / base_ms
    verdict = "ok" if ratio <= GOAL else "OVER GOAL"
    print(f"cold {BASELINE:<33}: {base_ms:7.1f} ms (median of {RUNS})")
    print(f"cold {APP:<33}: {app_ms:7.1f} ms (median of {RUNS})")
    print(f"ratio app / dependencies              : {ratio:7.2f}   (goal <= {GOAL}: {verdict})")
    return app_ms, base_ms


def seed_client() -> str:
    """A client in the Probation department whose texts the probe sends; returns its number."""
    from chalicelib import bootstrap
    from chalicelib.domain.clients import Client
    from chalicelib.domain.users import Role, User

    stores = bootstrap.stores()
    stores.users.save(
        User("bench-cold", "Bench Cold", "c@x.invalid", Role.CASE_MANAGER, "probation")
    )
    phone = "+17205550142"  # moto starts empty for each run, so any unused number will do
    client = Client(
        client_id=secrets.token_hex(10),
        department_id="probation",
        case_manager_id="bench-cold",
        first_name="Cold",
        last_name="Start",
        phone=phone,
    )
    stores.clients.add(client)
    return phone


def probe_once(phone: str, pycache: str) -> list[dict[str, Any]]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "first_request_probe.py"), phone],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=interpreter_env(pycache),  # now with the local stack's settings
    )
    if out.returncode != 0:
        raise RuntimeError(f"probe failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])["requests"]


def request_figure(pycache: str) -> float:
    sys.path.insert(0, str(ROOT))
    from infra.local.stack import LocalStack

    stack = LocalStack(
        app_port=0,
        twilio_port=0,
        moto_port=0,
        websocket_port=0,
        serve_app=False,
        seed=False,
        prefix="bench-cold-",
        live_updates=False,
    ).start()
    try:
        phone = seed_client()
        probe_once(phone, pycache)  # compile and cache what the first request imports
        runs = [probe_once(phone, pycache) for _ in range(REQUEST_RUNS)]
    finally:
        stack.stop()
    for n, label in enumerate(("first request after import", "second request")):
        ms = statistics.median(run[n]["ms"] for run in runs)
        building = statistics.median(run[n]["create_client_ms"] for run in runs)
        built = runs[-1][n]["built"]
        clients = sum(v for k, v in built.items() if k.startswith("client:"))
        detail = ", ".join(f"{k} {v}" for k, v in sorted(built.items())) or "nothing"
        print(
            f"{label:<27}: {ms:7.1f} ms, of which building botocore clients {building:6.1f} ms"
            f" (median of {REQUEST_RUNS}); {clients} clients built [{detail}]"
        )
    first = statistics.median(run[0]["ms"] for run in runs)
    second = statistics.median(run[1]["ms"] for run in runs)
    print(f"first request adds                    : {first - second:7.1f} ms over the second")
    return first


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        app_ms, base_ms = import_figure(pycache)
        first_ms = request_figure(pycache)
    # The app imports what a request needs on first use (chalicelib/lazy.py), so part of the
    # import moved into the first request: the whole cold path is the figure to watch.
    print(
        f"cold path, import app + first inbound text: {app_ms + first_ms:7.1f} ms "
        f"({(app_ms + first_ms) / base_ms:.2f} x importing chalice + pynamodb alone)"
    )


if __name__ == "__main__":
    main()
